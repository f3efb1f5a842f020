import {
  periodContaining,
  type ReportingPeriod,
  type UtcOffsetMinutes,
} from "../calendar-period.js";
import { type CycleStatistics, Durations } from "../cycle-statistics.js";
import type { GroupKey } from "../grouping.js";
import type { LeadSummary } from "../lead-summary.js";
import { type Ratio, Tally } from "../ratio.js";
import { canSee, type Viewer } from "../viewer.js";
import { conversionRate } from "./conversion-rate.js";
import { followUpCycle } from "./follow-up-cycle.js";
import { followUpStanding } from "./follow-ups-due.js";
import { timeliness } from "./timeliness.js";

export interface RepPeriodReportQuery {
  readonly viewer: Viewer;
  /** The monthly light review or the quarterly full review. */
  readonly granularity: "month" | "quarter";
  /** Any instant inside the period to report on (epoch ms). */
  readonly containing: number;
  /** As of when timeliness and due follow-ups are judged (epoch ms). */
  readonly now: number;
  /** The cohort conversion window, days. Default 90. */
  readonly windowDays?: number;
  readonly utcOffsetMinutes?: UtcOffsetMinutes;
  /** Horizon of "due" follow-ups, hours. Default 24. */
  readonly horizonHours?: number;
}

/** One rep's KPI for the period (docs/domain.md §6). */
export interface RepPeriodFigures {
  readonly ownerId: string;
  readonly department: string;
  /** Leads acquired in the period, not purged as a duplicate or as invalid data. */
  readonly effectiveLeadsGained: number;
  readonly firstContactTimeliness: Ratio;
  readonly entryTimeliness: Ratio;
  readonly cohortConversion: Ratio;
  readonly periodConversion: Ratio;
  readonly cycle: CycleStatistics;
  /** As of `now`. */
  readonly dueFollowUps: number;
  readonly overdueFollowUps: number;
}

export interface RepPeriodReport {
  readonly period: ReportingPeriod;
  /** One entry per rep with anything to report, by department then rep. */
  readonly reps: readonly RepPeriodFigures[];
}

const HOUR = 3_600_000;
const NOT_EFFECTIVE = new Set(["duplicate", "invalid-data"]);
const EMPTY_RATIO: Ratio = new Tally().toRatio();
const EMPTY_CYCLE: CycleStatistics = new Durations().statistics();

type Figures = { -readonly [K in keyof RepPeriodFigures]: RepPeriodFigures[K] };

/**
 * The per-rep period report: the month's light review or the quarter's full review,
 * combining the views for the leads each rep owns now. Every figure is defined in
 * docs/metrics.md; the period is cut in the given offset's calendar.
 */
export const repPeriodReport = (
  rows: readonly LeadSummary[],
  query: RepPeriodReportQuery,
): RepPeriodReport => {
  const period = periodContaining(query.containing, query.granularity, query.utcOffsetMinutes);
  const range = { from: period.from, to: period.to };
  const reps = new Map<string, Figures>();
  const rep = (ownerId: string, department: string): Figures => {
    const key = `${department}\u001f${ownerId}`;
    let figures = reps.get(key);
    if (figures === undefined) {
      figures = {
        ownerId,
        department,
        effectiveLeadsGained: 0,
        firstContactTimeliness: EMPTY_RATIO,
        entryTimeliness: EMPTY_RATIO,
        cohortConversion: EMPTY_RATIO,
        periodConversion: EMPTY_RATIO,
        cycle: EMPTY_CYCLE,
        dueFollowUps: 0,
        overdueFollowUps: 0,
      };
      reps.set(key, figures);
    }
    return figures;
  };
  const byRep = { by: ["department", "owner"] as const, viewer: query.viewer, range };
  const repOf = (group: GroupKey): Figures => rep(group.owner ?? "", group.department ?? "");

  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as LeadSummary;
    if (row.acquiredAt < range.from || row.acquiredAt >= range.to) continue;
    if (!canSee(query.viewer, row)) continue;
    if (row.purgeReason !== null && NOT_EFFECTIVE.has(row.purgeReason)) continue;
    rep(row.ownerId, row.department).effectiveLeadsGained++;
  }
  for (const cell of timeliness(rows, { ...byRep, now: query.now }).cells) {
    const figures = repOf(cell.group);
    figures.firstContactTimeliness = cell.firstContact;
    figures.entryTimeliness = cell.entry;
  }
  const window = query.windowDays === undefined ? {} : { windowDays: query.windowDays };
  for (const cell of conversionRate(rows, { ...byRep, ...window, basis: "cohort" }).cells) {
    repOf(cell.group).cohortConversion = ratioOf(cell);
  }
  for (const cell of conversionRate(rows, { ...byRep, basis: "period" }).cells) {
    repOf(cell.group).periodConversion = ratioOf(cell);
  }
  for (const cell of followUpCycle(rows, byRep).cells) {
    const { count, meanDays, medianDays, p90Days } = cell;
    repOf(cell.group).cycle = { count, meanDays, medianDays, p90Days };
  }
  // Counted here rather than with followUpsDue: the report needs no work lists.
  const horizon = query.now + (query.horizonHours ?? 24) * HOUR;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as LeadSummary;
    const standing = followUpStanding(row, query.now, horizon, query.utcOffsetMinutes);
    if (standing === undefined || !canSee(query.viewer, row)) continue;
    const figures = rep(row.ownerId, row.department);
    if (standing.overdue) figures.overdueFollowUps++;
    else figures.dueFollowUps++;
  }
  return {
    period,
    reps: [...reps.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, figures]) => figures),
  };
};

const ratioOf = ({ numerator, denominator, rate }: Ratio): Ratio => ({
  numerator,
  denominator,
  rate,
});

import { periodNamer, type TimeRange } from "../calendar-period.js";
import { type CycleStatistics, Durations } from "../cycle-statistics.js";
import { type Breakdown, Cells, type GroupKey } from "../grouping.js";
import { type LeadSummary, wasPursued } from "../lead-summary.js";
import { canSee, type Viewer } from "../viewer.js";
import { rowArray } from "./row-array.js";

export interface FollowUpCycleQuery extends Breakdown {
  readonly viewer: Viewer;
  /** Leads converted in this range are measured; `period` is the conversion's period. */
  readonly range: TimeRange;
}

export interface FollowUpCycleCell extends CycleStatistics {
  readonly group: GroupKey;
}

export interface FollowUpCycleReport {
  readonly total: CycleStatistics;
  readonly cells: readonly FollowUpCycleCell[];
}

/**
 * The follow-up cycle (跟進週期): from a converted lead's first follow-up to its
 * conversion, over the leads converted in the range that were followed up before.
 */
export const followUpCycle = (
  rows: Iterable<LeadSummary>,
  query: FollowUpCycleQuery,
): FollowUpCycleReport => {
  const cells = new Cells(query.by ?? [], () => new Durations());
  const total = new Durations();
  const periodOf = periodNamer(query.period ?? "month", query.utcOffsetMinutes);
  const { from, to } = query.range;
  const list = rowArray(rows);
  for (let i = 0; i < list.length; i++) {
    const row = list[i] as LeadSummary;
    const converted = row.convertedAt;
    if (converted === null || converted < from || converted >= to) continue;
    if (!wasPursued(row) || !canSee(query.viewer, row)) continue;
    const cycle = converted - (row.firstFollowUpAt as number);
    total.add(cycle);
    cells.ofAt(row, converted, periodOf).add(cycle);
  }
  return {
    total: total.statistics(),
    cells: cells.entries().map(({ group, value }) => ({ group, ...value.statistics() })),
  };
};

import type { PeriodGranularity, UtcOffsetMinutes } from "./calendar-period.js";
import type { LeadSummary } from "./lead-summary.js";

/** What report figures can be broken down by (DOMAIN.md §6). */
export type ReportDimension =
  | "channel"
  | "sourceClass"
  | "owner"
  | "department"
  | "region"
  | "industry"
  | "period";

/** What the pipeline can be broken down by. */
export type PipelineDimension =
  | "stage"
  | "grade"
  | "owner"
  | "department"
  | "channel"
  | "sourceClass"
  | "region"
  | "industry";

/** Which group a cell is: the value of each dimension it was broken down by. */
export type GroupKey = Readonly<Partial<Record<ReportDimension | PipelineDimension, string>>>;

/** The group value of a capture attribute still "to be confirmed" (待确认). */
export const TO_BE_CONFIRMED = "to-be-confirmed";
/** The group value of a lead without a grade yet. */
export const UNGRADED = "ungraded";

/** How a report is broken down. Without `by`, a report has a single cell: everything. */
export interface Breakdown<D extends string = ReportDimension> {
  readonly by?: readonly D[];
  /** The length of the `period` dimension's periods. Default `"month"`. */
  readonly period?: PeriodGranularity;
  /** Whose calendar periods are cut in, minutes east of UTC. Default 0 (UTC). */
  readonly utcOffsetMinutes?: UtcOffsetMinutes;
}

const groupValue = (
  row: LeadSummary,
  dimension: ReportDimension | PipelineDimension,
  period: string,
): string => {
  switch (dimension) {
    case "channel":
      return row.channel ?? TO_BE_CONFIRMED;
    case "sourceClass":
      return row.sourceClass ?? TO_BE_CONFIRMED;
    case "owner":
      return row.ownerId;
    case "department":
      return row.department;
    case "region":
      return row.region ?? TO_BE_CONFIRMED;
    case "industry":
      return row.industry ?? TO_BE_CONFIRMED;
    case "stage":
      return row.stage;
    case "grade":
      return row.grade ?? UNGRADED;
    case "period":
      return period;
  }
};

/**
 * Cells of a report, one per group met, each holding an accumulator. Cells come out in
 * the order of their group values, so a report never depends on the order of its rows.
 */
export class Cells<D extends ReportDimension | PipelineDimension, A> {
  private readonly cells = new Map<string, { group: GroupKey; value: A }>();
  constructor(
    private readonly by: readonly D[],
    private readonly make: () => A,
  ) {}

  /** The accumulator of the row's group; `period` is the row's period label, if any. */
  of(row: LeadSummary, period = ""): A {
    let key = "";
    for (const dimension of this.by) key += `${groupValue(row, dimension, period)}\u001f`;
    let cell = this.cells.get(key);
    if (cell === undefined) {
      const group: Partial<Record<ReportDimension | PipelineDimension, string>> = {};
      for (const dimension of this.by) group[dimension] = groupValue(row, dimension, period);
      cell = { group, value: this.make() };
      this.cells.set(key, cell);
    }
    return cell.value;
  }

  /** Every cell, ordered by group. */
  entries(): { group: GroupKey; value: A }[] {
    return [...this.cells.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, cell]) => cell);
  }
}

import type { PeriodGranularity, UtcOffsetMinutes } from "./calendar-period.js";
import type { LeadSummary } from "./lead-summary.js";

/** What report figures can be broken down by (docs/domain.md §6). */
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
  /** Whether a row's cell depends on its period: if not, no period needs naming. */
  readonly byPeriod: boolean;
  // A tree of maps, one level per dimension: finding a row's cell allocates nothing, where
  // a joined string key allocated (and hashed) a new string for every row of every view.
  private readonly root = new Map<string, unknown>();
  private readonly cells: { key: string[]; group: GroupKey; value: A }[] = [];
  /** The one cell of a report that is not broken down. */
  private everything: A | undefined;
  constructor(
    private readonly by: readonly D[],
    private readonly make: () => A,
  ) {
    this.byPeriod = by.some((dimension) => dimension === "period");
  }

  /** The accumulator of the row's group; `period` is the row's period label, if any. */
  of(row: LeadSummary, period = ""): A {
    // Runs for every row of every view: a lookup per dimension, and nothing else unless a
    // group is met for the first time, which the functions below see to.
    const by = this.by;
    const last = by.length - 1;
    if (last < 0) return this.everything ?? this.firstCell(this.root, "", row, period);
    let level = this.root;
    for (let i = 0; i < last; i++) {
      const value = groupValue(row, by[i] as D, period);
      level = (level.get(value) as Map<string, unknown> | undefined) ?? this.branch(level, value);
    }
    const value = groupValue(row, by[last] as D, period);
    return (level.get(value) as A | undefined) ?? this.firstCell(level, value, row, period);
  }

  /**
   * The accumulator of the row's group, its period being the one `at` falls in. The period
   * is named only when the breakdown has periods: naming one per row cost the views that
   * have none a calendar computation per row.
   */
  ofAt(row: LeadSummary, at: number, periodOf: (at: number) => string): A {
    return this.of(row, this.byPeriod ? periodOf(at) : "");
  }

  private branch(level: Map<string, unknown>, value: string): Map<string, unknown> {
    const next = new Map<string, unknown>();
    level.set(value, next);
    return next;
  }

  private firstCell(
    level: Map<string, unknown>,
    value: string,
    row: LeadSummary,
    period: string,
  ): A {
    const group: Partial<Record<ReportDimension | PipelineDimension, string>> = {};
    const key: string[] = [];
    for (const dimension of this.by) {
      const part = groupValue(row, dimension, period);
      group[dimension] = part;
      key.push(part);
    }
    const made = this.make();
    if (this.by.length === 0) this.everything = made;
    level.set(value, made);
    this.cells.push({ key, group, value: made });
    return made;
  }

  /** Every cell, ordered by group. */
  entries(): { group: GroupKey; value: A }[] {
    return [...this.cells].sort((a, b) => compareKeys(a.key, b.key));
  }
}

// Ordered as the joined keys were, value by value: a report's cells keep their order.
const compareKeys = (a: readonly string[], b: readonly string[]): number => {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as string;
    const y = b[i] as string;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
};

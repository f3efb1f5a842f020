import {
  periodNamer,
  periodsOf,
  type ReportingPeriod,
  type TimeRange,
} from "../calendar-period.js";
import { type Breakdown, Cells, type GroupKey } from "../grouping.js";
import { type LeadSummary, wasPursued } from "../lead-summary.js";
import { type Ratio, Tally } from "../ratio.js";
import { canSee, type Viewer } from "../viewer.js";
import { rowArray } from "./row-array.js";

/**
 * The two bases of the conversion rate (docs/domain.md §6, docs/metrics.md):
 * - `cohort`: leads acquired in the range and followed up; converted within the window
 *   after acquisition;
 * - `period`: conversions in the range over the leads under follow-up in the range.
 */
export type ConversionBasis = "cohort" | "period";

/** The default cohort window: a conversion counts if it came within 90 days of acquisition. */
export const DEFAULT_CONVERSION_WINDOW_DAYS = 90;

export interface ConversionRateQuery extends Breakdown {
  readonly viewer: Viewer;
  readonly basis: ConversionBasis;
  readonly range: TimeRange;
  /** Cohort basis only. Default {@link DEFAULT_CONVERSION_WINDOW_DAYS}. */
  readonly windowDays?: number;
}

export interface ConversionRateCell extends Ratio {
  readonly group: GroupKey;
}

export interface ConversionRateReport {
  readonly basis: ConversionBasis;
  /** The whole range, all groups together. On the period basis a lead under follow-up in
   * several periods counts once here and once in each period's cell. */
  readonly total: Ratio;
  readonly cells: readonly ConversionRateCell[];
}

const DAY = 86_400_000;

/** The span of a pursued lead's follow-up: first follow-up to conversion (or last follow-up). */
const pursuitEnd = (row: LeadSummary): number => row.convertedAt ?? (row.lastFollowUpAt as number);

/** Conversion rate (轉化率) with numerator and denominator in every cell. */
export const conversionRate = (
  rows: Iterable<LeadSummary>,
  query: ConversionRateQuery,
): ConversionRateReport => {
  const by = query.by ?? [];
  const cells = new Cells(by, () => new Tally());
  const total = new Tally();
  const { from, to } = query.range;
  const list = rowArray(rows);
  if (query.basis === "cohort") {
    const window = (query.windowDays ?? DEFAULT_CONVERSION_WINDOW_DAYS) * DAY;
    const periodOf = periodNamer(query.period ?? "month", query.utcOffsetMinutes);
    for (let i = 0; i < list.length; i++) {
      const row = list[i] as LeadSummary;
      if (row.acquiredAt < from || row.acquiredAt >= to) continue;
      if (!wasPursued(row) || !canSee(query.viewer, row)) continue;
      const converted = row.convertedAt !== null && row.convertedAt - row.acquiredAt <= window;
      total.count(converted);
      cells.ofAt(row, row.acquiredAt, periodOf).count(converted);
    }
  } else {
    const periods: readonly ReportingPeriod[] = by.includes("period")
      ? periodsOf(query.range, query.period ?? "month", query.utcOffsetMinutes)
      : [{ label: "", from, to }];
    for (let i = 0; i < list.length; i++) {
      const row = list[i] as LeadSummary;
      if (!wasPursued(row)) continue;
      const start = row.firstFollowUpAt as number;
      const end = pursuitEnd(row);
      if (start >= to || end < from || !canSee(query.viewer, row)) continue;
      const converted = row.convertedAt;
      total.count(converted !== null && converted >= from && converted < to);
      for (const period of periods) {
        if (period.from > end) break;
        if (start >= period.to) continue;
        cells
          .of(row, period.label)
          .count(converted !== null && converted >= period.from && converted < period.to);
      }
    }
  }
  return {
    basis: query.basis,
    total: total.toRatio(),
    cells: cells.entries().map(({ group, value }) => ({ group, ...value.toRatio() })),
  };
};

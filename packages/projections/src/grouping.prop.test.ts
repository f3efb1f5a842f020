import { recordedHistoryArbitrary } from "@leadledger/testkit";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { periodLabel } from "./calendar-period.js";
import {
  Cells,
  type GroupKey,
  type PipelineDimension,
  type ReportDimension,
  TO_BE_CONFIRMED,
  UNGRADED,
} from "./grouping.js";
import type { LeadSummary } from "./lead-summary.js";
import { summarizeLog } from "./summary-batch.js";

type Dimension = ReportDimension | PipelineDimension;
const DIMENSIONS: readonly Dimension[] = [
  "stage",
  "grade",
  "owner",
  "department",
  "channel",
  "sourceClass",
  "region",
  "industry",
  "period",
];

// The plainest grouping there is: a row's values joined into one string key.
const plainValue = (row: LeadSummary, dimension: Dimension, period: string): string => {
  const values: Record<Dimension, string> = {
    stage: row.stage,
    grade: row.grade ?? UNGRADED,
    owner: row.ownerId,
    department: row.department,
    channel: row.channel ?? TO_BE_CONFIRMED,
    sourceClass: row.sourceClass ?? TO_BE_CONFIRMED,
    region: row.region ?? TO_BE_CONFIRMED,
    industry: row.industry ?? TO_BE_CONFIRMED,
    period,
  };
  return values[dimension];
};

describe("cells", () => {
  it("count each row in the cell of its values, cells ordered by value", () => {
    fc.assert(
      fc.property(
        recordedHistoryArbitrary(),
        fc.shuffledSubarray([...DIMENSIONS], { maxLength: 4 }),
        fc.constantFrom("day", "week", "month", "quarter" as const),
        (history, by, granularity) => {
          const rows = [...summarizeLog(history).values()];
          const periodOf = (row: LeadSummary) => periodLabel(row.acquiredAt, granularity);
          const cells = new Cells(by, () => ({ rows: 0 }));
          for (const row of rows) cells.of(row, cells.byPeriod ? periodOf(row) : "").rows++;

          const expected = new Map<string, { group: GroupKey; rows: number }>();
          for (const row of rows) {
            const values = by.map((dimension) => plainValue(row, dimension, periodOf(row)));
            const key = values.join("\u0000");
            const cell = expected.get(key) ?? {
              group: Object.fromEntries(by.map((dimension, i) => [dimension, values[i]])),
              rows: 0,
            };
            cell.rows++;
            expected.set(key, cell);
          }
          const ordered = [...expected.entries()]
            .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
            .map(([, cell]) => cell);
          expect(cells.entries().map(({ group, value }) => ({ group, rows: value.rows }))).toEqual(
            ordered,
          );
          expect(cells.byPeriod).toBe(by.includes("period"));
        },
      ),
      { numRuns: 100 },
    );
  });
});

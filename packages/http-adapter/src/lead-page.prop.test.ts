import { type LeadSummary, summarizeLog } from "@leadledger/projections";
import { recordedHistoryArray } from "@leadledger/testkit";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type LeadCursor, leadPage, listOrder } from "./lead-page.js";

const base = [...summarizeLog(recordedHistoryArray({ seed: 9, leads: 120 })).values()];

// Rows in any order, with acquisition times drawn from a few values so that ties are
// common: the lead id must then decide the order.
const rowsArbitrary = fc
  .tuple(
    fc.shuffledSubarray(base),
    fc.array(fc.integer({ min: 0, max: 5 }), { minLength: base.length, maxLength: base.length }),
  )
  .map(([rows, times]) =>
    rows.map(
      (row, i): LeadSummary => ({ ...row, acquiredAt: 1_700_000_000_000 + (times[i] ?? 0) }),
    ),
  );

const matcherArbitrary = fc.constantFrom(
  (_row: LeadSummary) => true,
  (row: LeadSummary) => row.stage === "new",
  (row: LeadSummary) => (row.grade ?? "ungraded") === "high",
  (row: LeadSummary) => row.leadId.endsWith("a"),
  (_row: LeadSummary) => false,
);

/**
 * What the route did before: sort every row, skip to the cursor, filter, take a page; and
 * the total, every matching row wherever the cursor stands.
 */
const byFullSort = (
  rows: readonly LeadSummary[],
  after: LeadCursor | undefined,
  limit: number,
  matches: (row: LeadSummary) => boolean,
) => {
  const kept = [...rows]
    .sort(listOrder)
    .filter((row) => (after === undefined || listOrder(after, row) < 0) && matches(row));
  return {
    items: kept.slice(0, limit),
    more: kept.length > limit,
    total: rows.filter(matches).length,
  };
};

describe("leadPage", () => {
  it("gives the page a full sort would, from any cursor, and the same total on every page", () => {
    fc.assert(
      fc.property(
        rowsArbitrary,
        fc.integer({ min: 1, max: 30 }),
        matcherArbitrary,
        fc.option(fc.nat(), { nil: undefined }),
        (rows, limit, matches, cursorAt) => {
          const sorted = [...rows].sort(listOrder);
          const cursorRow =
            cursorAt === undefined ? undefined : sorted[cursorAt % (sorted.length || 1)];
          const after =
            cursorRow === undefined
              ? undefined
              : // A cursor may also name a lead that is not (or no longer) a row.
                cursorAt !== undefined && cursorAt % 3 === 0
                ? { acquiredAt: cursorRow.acquiredAt, leadId: `${cursorRow.leadId.slice(0, -1)}0` }
                : cursorRow;
          expect(leadPage(rows, { after, limit, matches })).toEqual(
            byFullSort(rows, after, limit, matches),
          );
        },
      ),
      { numRuns: 500 },
    );
  });

  it("pages through every matching row once, in list order", () => {
    fc.assert(
      fc.property(
        rowsArbitrary,
        fc.integer({ min: 1, max: 25 }),
        matcherArbitrary,
        (rows, limit, matches) => {
          const seen: LeadSummary[] = [];
          let after: LeadCursor | undefined;
          for (;;) {
            const page = leadPage(rows, { after, limit, matches });
            seen.push(...page.items);
            const last = page.items[page.items.length - 1];
            if (!page.more || last === undefined) break;
            after = last;
          }
          expect(seen).toEqual([...rows].sort(listOrder).filter(matches));
        },
      ),
      { numRuns: 200 },
    );
  });
});

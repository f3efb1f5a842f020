import { type LeadSummary, summarizeLog } from "@leadledger/projections";
import { recordedHistoryArray } from "@leadledger/testkit";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type LeadCursor, leadPage, listOrder } from "./lead-page.js";
import { NEWEST_KEPT, pageOfWholeWalk } from "./newest-rows.js";

const base = [...summarizeLog(recordedHistoryArray({ seed: 17, leads: 60 })).values()];

// Walks shorter and longer than the rows kept (copies of the base rows under new ids), in
// any order, with ties in acquisition time.
const walkArbitrary = fc
  .record({
    copies: fc.integer({ min: 0, max: Math.ceil((NEWEST_KEPT * 1.5) / base.length) }),
    times: fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 50 }),
    seed: fc.nat(),
  })
  .map(({ copies, times, seed }) => {
    const rows: LeadSummary[] = [];
    for (let copy = 0; copy <= copies; copy++) {
      for (const row of base) {
        const n = rows.length;
        rows.push({
          ...row,
          leadId: `${row.leadId.slice(0, -6)}${String(copy).padStart(6, "0")}`,
          acquiredAt: 1_700_000_000_000 + (times[(n * 7 + seed) % times.length] ?? 0),
        });
      }
    }
    return rows;
  })
  .chain((rows) => fc.shuffledSubarray(rows, { minLength: 0, maxLength: rows.length }));

const ids = (rows: readonly LeadSummary[]): string[] => rows.map((row) => row.leadId);

describe("pageOfWholeWalk", () => {
  it("gives the page and total a walk over every row gives, or leaves the page to it", () => {
    fc.assert(
      fc.property(
        walkArbitrary,
        fc.integer({ min: 1, max: 500 }),
        fc.option(fc.nat(), { nil: undefined }),
        (walk, limit, at) => {
          const sorted = [...walk].sort(listOrder);
          const cursorRow =
            at === undefined || walk.length === 0 ? undefined : sorted[at % walk.length];
          const after: LeadCursor | undefined =
            cursorRow === undefined
              ? undefined
              : { acquiredAt: cursorRow.acquiredAt, leadId: cursorRow.leadId };
          const expected = leadPage(walk, { after, limit, matches: () => true });
          const page = pageOfWholeWalk(walk, after, limit);
          if (page === undefined) {
            // Only a page reaching past the rows kept is left to the walk.
            expect(walk.length).toBeGreaterThan(NEWEST_KEPT);
            return;
          }
          expect(ids(page.items)).toEqual(ids(expected.items));
          expect(page.more).toBe(expected.more);
          expect(page.total).toBe(expected.total);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("pages up to the last row kept and past it, when the walk is longer than the rows kept", () => {
    fc.assert(
      fc.property(
        walkArbitrary.filter((walk) => walk.length > NEWEST_KEPT + 60),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: -3, max: 3 }),
        (walk, limit, delta) => {
          const sorted = [...walk].sort(listOrder);
          // The cursor just before the page that ends on the last row kept, give or take.
          const cursorRow = sorted[NEWEST_KEPT - limit - 1 + delta] as LeadSummary;
          const after = { acquiredAt: cursorRow.acquiredAt, leadId: cursorRow.leadId };
          const expected = leadPage(walk, { after, limit, matches: () => true });
          const page = pageOfWholeWalk(walk, after, limit) ?? expected;
          expect(ids(page.items)).toEqual(ids(expected.items));
          expect(page.more).toBe(expected.more);
          expect(page.total).toBe(expected.total);
        },
      ),
      { numRuns: 30 },
    );
  });
});

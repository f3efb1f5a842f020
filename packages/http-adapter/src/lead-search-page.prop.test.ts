import type { LeadSummary, OpenedCard } from "@leadledger/projections";
import { summarizeLog } from "@leadledger/projections";
import { recordedHistoryArray } from "@leadledger/testkit";
import fc from "fast-check";
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { type LeadCursor, listOrder } from "./lead-page.js";
import { searchPage } from "./lead-search-page.js";

const base = [...summarizeLog(recordedHistoryArray({ seed: 11, leads: 80 })).values()];

/** Cards that open for some leads, are redacted for others, and match a search or not. */
const casesArbitrary = fc.record({
  rows: fc
    .tuple(
      fc.shuffledSubarray(base),
      fc.array(fc.integer({ min: 0, max: 4 }), { minLength: base.length, maxLength: base.length }),
    )
    .map(([rows, times]) =>
      rows.map(
        (row, i): LeadSummary => ({ ...row, acquiredAt: 1_700_000_000_000 + (times[i] ?? 0) }),
      ),
    ),
  matching: fc.func(fc.constantFrom("match", "other", "redacted", "absent")),
  limit: fc.integer({ min: 1, max: 12 }),
  verifiedInFull: fc.integer({ min: 0, max: 100 }),
});

const run = async (
  c: {
    rows: LeadSummary[];
    matching: (id: string) => string;
    limit: number;
    verifiedInFull: number;
  },
  after: LeadCursor | undefined,
  exact = false,
) => {
  const opened: string[] = [];
  const page = await searchPage({
    after,
    limit: c.limit,
    candidates: c.rows,
    verifiedInFull: c.verifiedInFull,
    exact,
    open: async (leadIds) => {
      opened.push(...leadIds);
      const cards = new Map<string, OpenedCard>();
      for (const leadId of leadIds) {
        const kind = c.matching(leadId);
        if (kind === "redacted") cards.set(leadId, { status: "redacted" });
        else if (kind !== "absent") {
          cards.set(leadId, {
            status: "open",
            card: { displayName: kind, names: [kind], mainContact: null },
          });
        }
      }
      return E.right(cards);
    },
    isMatch: (card) => card?.status === "open" && card.card.displayName === "match",
  });
  if (E.isLeft(page)) throw new Error("no page");
  return { page: page.right, opened };
};

describe("searchPage", () => {
  it("pages through exactly the matching candidates in list order, opening only candidates, with an honest total", async () => {
    await fc.assert(
      fc.asyncProperty(casesArbitrary, async (c) => {
        const truth = [...c.rows]
          .sort(listOrder)
          .filter((row) => c.matching(row.leadId) === "match");
        const candidateIds = new Set(c.rows.map((row) => row.leadId));
        const seen: LeadSummary[] = [];
        let after: LeadCursor | undefined;
        for (;;) {
          const { page, opened } = await run(c, after);
          for (const leadId of opened) expect(candidateIds.has(leadId)).toBe(true);
          if (page.totalIsEstimate) expect(c.rows.length).toBeGreaterThan(c.verifiedInFull);
          else expect(page.total).toBe(truth.length);
          seen.push(...page.items);
          const last = page.items[page.items.length - 1];
          if (!page.more || last === undefined) break;
          after = last;
        }
        expect(seen.map((row) => row.leadId)).toEqual(truth.map((row) => row.leadId));
      }),
      { numRuns: 200 },
    );
  });

  it("with candidates that are the matches (a phone, a short name), counts them and opens only what the page needs", async () => {
    await fc.assert(
      fc.asyncProperty(casesArbitrary, async (c) => {
        // The index's candidates: the matches, and leads purged a moment ago.
        const candidates = c.rows.filter((row) =>
          ["match", "redacted"].includes(c.matching(row.leadId)),
        );
        const truth = [...candidates]
          .sort(listOrder)
          .filter((row) => c.matching(row.leadId) === "match");
        const seen: LeadSummary[] = [];
        let after: LeadCursor | undefined;
        for (;;) {
          const { page, opened } = await run({ ...c, rows: candidates }, after, true);
          // Checked in full up to the bound (a purged candidate is not counted), counted past it.
          expect(page.total).toBe(
            candidates.length <= c.verifiedInFull ? truth.length : candidates.length,
          );
          expect(page.totalIsEstimate).toBe(false);
          // Whole slices at most, up to the one that filled the page.
          expect(opened.length).toBeLessThanOrEqual(candidates.length);
          seen.push(...page.items);
          const last = page.items[page.items.length - 1];
          if (!page.more || last === undefined) break;
          after = last;
        }
        expect(seen.map((row) => row.leadId)).toEqual(truth.map((row) => row.leadId));
      }),
      { numRuns: 200 },
    );
  });
});

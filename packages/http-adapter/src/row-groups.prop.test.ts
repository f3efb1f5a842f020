import { canSee, type LeadSummary, summarizeLog, type Viewer } from "@leadledger/projections";
import { recordedHistoryArray } from "@leadledger/testkit";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type LeadCursor, leadPage, listOrder } from "./lead-page.js";
import { candidateRows, rowsByLeadOf, rowsToWalk } from "./row-groups.js";

const base = [...summarizeLog(recordedHistoryArray({ seed: 13, leads: 120 })).values()];
const OWNERS = ["rep-a", "rep-b", "rep-c", "head-a"];
const DEPARTMENTS = ["east", "west"];

// Rows in any order, each owned by one of a few people in one of two departments (a rep's
// leads may lie in another department, as after a transfer), with ties in acquisition time.
const rowsArbitrary = fc
  .tuple(
    fc.shuffledSubarray(base),
    fc.array(
      fc.record({
        time: fc.integer({ min: 0, max: 5 }),
        owner: fc.constantFrom(...OWNERS),
        department: fc.constantFrom(...DEPARTMENTS),
      }),
      { minLength: base.length, maxLength: base.length },
    ),
  )
  .map(([rows, drawn]) =>
    rows.map((row, i): LeadSummary => {
      const d = drawn[i] ?? { time: 0, owner: "rep-a", department: "east" };
      return {
        ...row,
        acquiredAt: 1_700_000_000_000 + d.time,
        ownerId: d.owner,
        department: d.department,
      };
    }),
  );

const viewerArbitrary: fc.Arbitrary<Viewer> = fc.record({
  id: fc.constantFrom(...OWNERS, "rep-without-leads"),
  role: fc.constantFrom("rep" as const, "head" as const, "executive" as const),
  department: fc.constantFrom(...DEPARTMENTS, "north"),
});

const filtersArbitrary = fc.record({
  owner: fc.option(fc.constantFrom(...OWNERS, "nobody"), { nil: undefined }),
  department: fc.option(fc.constantFrom(...DEPARTMENTS, "north"), { nil: undefined }),
  stage: fc.option(fc.constantFrom("new", "contacted"), { nil: undefined }),
});

type Filters = {
  owner?: string | undefined;
  department?: string | undefined;
  stage?: string | undefined;
};

/** The route's row test: the viewer's scope and the list's filters. */
const matcherOf =
  (viewer: Viewer, filters: Filters) =>
  (row: LeadSummary): boolean =>
    canSee(viewer, row) &&
    (filters.owner === undefined || row.ownerId === filters.owner) &&
    (filters.department === undefined || row.department === filters.department) &&
    (filters.stage === undefined || row.stage === filters.stage);

const cursorOf = (rows: readonly LeadSummary[], at: number | undefined): LeadCursor | undefined => {
  if (at === undefined || rows.length === 0) return undefined;
  const row = [...rows].sort(listOrder)[at % rows.length] as LeadSummary;
  return { acquiredAt: row.acquiredAt, leadId: row.leadId };
};

const ids = (rows: readonly LeadSummary[]): string[] => rows.map((row) => row.leadId);

describe("rowsToWalk", () => {
  it("gives the page and total of a walk over every row, for any viewer, filters and cursor", () => {
    fc.assert(
      fc.property(
        rowsArbitrary,
        viewerArbitrary,
        filtersArbitrary,
        fc.integer({ min: 1, max: 30 }),
        fc.option(fc.nat(), { nil: undefined }),
        (rows, viewer, filters, limit, at) => {
          const matches = matcherOf(viewer, filters);
          const after = cursorOf(rows, at);
          const walk = rowsToWalk(rows, viewer, filters);
          const everyRow = leadPage(rows, { after, limit, matches });
          const walked = leadPage(walk, { after, limit, matches });
          expect(ids(walked.items)).toEqual(ids(everyRow.items));
          expect(walked.more).toBe(everyRow.more);
          expect(walked.total).toBe(everyRow.total);
        },
      ),
    );
  });

  it("walks a rep's own rows only and a head's department's only", () => {
    fc.assert(
      fc.property(rowsArbitrary, viewerArbitrary, (rows, viewer) => {
        const walk = rowsToWalk(rows, viewer, {});
        if (viewer.role === "rep")
          expect(walk.every((row) => row.ownerId === viewer.id)).toBe(true);
        if (viewer.role === "head") {
          expect(walk.every((row) => row.department === viewer.department)).toBe(true);
        }
        if (viewer.role === "executive") expect(walk).toBe(rows);
      }),
    );
  });

  it("follows the rows after they change: a new array is grouped anew", () => {
    fc.assert(
      fc.property(
        rowsArbitrary,
        viewerArbitrary,
        fc.array(fc.record({ at: fc.nat(), owner: fc.constantFrom(...OWNERS) }), {
          maxLength: 10,
        }),
        (rows, viewer, moves) => {
          // Read once, so that the first array's groups are kept, then replace some rows
          // (reassigned, or dropped) as a write does: a new array with new row objects.
          rowsToWalk(rows, viewer, {});
          const changed = [...rows];
          for (const move of moves) {
            if (changed.length === 0) break;
            const i = move.at % changed.length;
            if (move.at % 5 === 0) changed.splice(i, 1);
            else changed[i] = { ...(changed[i] as LeadSummary), ownerId: move.owner };
          }
          const matches = matcherOf(viewer, {});
          const walked = leadPage(rowsToWalk(changed, viewer, {}), {
            after: undefined,
            limit: 500,
            matches,
          });
          expect(ids(walked.items)).toEqual(ids([...changed].filter(matches).sort(listOrder)));
          expect(rowsByLeadOf(changed).size).toBe(changed.length);
        },
      ),
    );
  });
});

describe("candidateRows", () => {
  it("keeps the candidates' rows that a full scan keeps, and no others", () => {
    fc.assert(
      fc.property(
        rowsArbitrary,
        viewerArbitrary,
        filtersArbitrary,
        fc.func(fc.boolean()),
        fc.array(fc.constantFrom("not-a-projected-lead", "another-missing-lead"), {
          maxLength: 2,
        }),
        (rows, viewer, filters, indexedOrNot, missing) => {
          const matches = matcherOf(viewer, filters);
          const candidates = new Set([
            ...base.map((row) => row.leadId).filter((leadId) => indexedOrNot(leadId)),
            ...missing,
          ]);
          const walk = rowsToWalk(rows, viewer, filters);
          const scanned = rows.filter((row) => candidates.has(row.leadId) && matches(row));
          const found = candidateRows(rows, walk, candidates, matches);
          expect(ids(found).sort()).toEqual(ids(scanned).sort());
        },
      ),
    );
  });
});

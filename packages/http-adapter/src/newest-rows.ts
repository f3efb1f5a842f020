import type { LeadSummary } from "@leadledger/projections";
import { type LeadCursor, type LeadPage, leadPage, listOrder } from "./lead-page.js";

/** How many of a walk's rows are kept in list order: twenty pages of 50. */
export const NEWEST_KEPT = 1_000;

// An executive's list with no filter walked all 100,000 rows for every page (3-4 ms, the
// dearest list at 8 connections). When every row of the walk is in the page's reach, the
// total is the walk's length and the first pages are its newest rows: picked once per walk
// array (one heap pass, as a page is picked), kept until a write makes a new array.
const newestOfWalk = new WeakMap<readonly LeadSummary[], readonly LeadSummary[]>();

/** The walk's first {@link NEWEST_KEPT} rows in list order, picked once per array. */
export const newestRows = (walk: readonly LeadSummary[]): readonly LeadSummary[] => {
  const known = newestOfWalk.get(walk);
  if (known !== undefined) return known;
  const newest = leadPage(walk, {
    after: undefined,
    limit: NEWEST_KEPT,
    matches: () => true,
  }).items;
  newestOfWalk.set(walk, newest);
  return newest;
};

/**
 * The page of a walk every row of which the query keeps (the caller's whole scope, no
 * filter): from its newest rows, or `undefined` when the page reaches past them (a cursor
 * deep in the list), for the caller to walk the rows instead.
 */
export const pageOfWholeWalk = (
  walk: readonly LeadSummary[],
  after: LeadCursor | undefined,
  limit: number,
): LeadPage | undefined => {
  const newest = newestRows(walk);
  let start = 0;
  if (after !== undefined) {
    let high = newest.length;
    while (start < high) {
      const middle = (start + high) >>> 1;
      if (listOrder(after, newest[middle] as LeadSummary) < 0) high = middle;
      else start = middle + 1;
    }
  }
  const everyRowKept = newest.length === walk.length;
  if (!everyRowKept && start + limit >= newest.length) return undefined;
  return {
    items: newest.slice(start, start + limit),
    more: start + limit < walk.length && (everyRowKept ? start + limit < newest.length : true),
    total: walk.length,
  };
};

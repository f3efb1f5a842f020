import type { LeadSummary, OpenedCard } from "@leadledger/projections";
import * as E from "fp-ts/lib/Either.js";
import { type LeadCursor, leadPage, listOrder } from "./lead-page.js";

/**
 * How many candidates in the caller's scope a search opens to count its matches exactly:
 * about 15 ms of opening cards on SQLite (15 µs each: a key lookup and a decryption). Past
 * it, only the candidates the page needs are opened, and the total is estimated from them
 * and says so (`totalIsEstimate`).
 */
export const SEARCH_VERIFIED_IN_FULL = 1_000;
/**
 * The same for a search whose candidates are the matches: checking them only keeps a lead
 * purged a moment ago out of the count, so fewer are worth opening.
 */
export const EXACT_SEARCH_VERIFIED_IN_FULL = 200;
/** Candidates picked beyond a page's own, in case some of them were purged a moment ago. */
const PURGED_SLACK = 8;
/** Candidates opened at a time while a page is filled. */
const OPENED_AT_A_TIME = 64;

/** A page of search results, their cards, and the total (exact, or an estimate). */
export interface SearchPage {
  readonly items: readonly LeadSummary[];
  readonly more: boolean;
  readonly total: number;
  readonly totalIsEstimate: boolean;
  /** The cards opened on the way: those of every item among them. */
  readonly cards: ReadonlyMap<string, OpenedCard>;
}

/** What a search page is made of: every input is already scoped to the caller. */
export interface SearchPageQuery<F> {
  readonly after: LeadCursor | undefined;
  readonly limit: number;
  /** Rows in the caller's scope that pass the list's other filters and the index's terms. */
  readonly candidates: readonly LeadSummary[];
  /** Opens cards: only ever called with candidates. */
  readonly open: (
    leadIds: readonly string[],
  ) => Promise<E.Either<F, ReadonlyMap<string, OpenedCard>>>;
  /** Whether an opened card matches the search (not redacted, the name held). */
  readonly isMatch: (card: OpenedCard | undefined) => boolean;
  /**
   * The candidates are exactly the matches, as the index stands (a phone, an e-mail, a name
   * of one or two characters). Few enough are checked all the same (a lead purged a moment
   * ago is then not counted); past the bound their number is the total, and only the
   * page's are opened.
   */
  readonly exact: boolean;
  /** Defaults to {@link SEARCH_VERIFIED_IN_FULL}, or {@link EXACT_SEARCH_VERIFIED_IN_FULL}. */
  readonly verifiedInFull?: number;
}

/**
 * The page of a search: the candidates in list order, opened and checked until the page is
 * full. When there are few enough candidates they are all checked, and the total is exact;
 * past the bound, it is their number when the candidates are the matches, and otherwise the
 * share of matches among the candidates checked for this page, applied to all of them.
 */
export const searchPage = async <F>(
  query: SearchPageQuery<F>,
): Promise<E.Either<F, SearchPage>> => {
  const after = query.after;
  const cards = new Map<string, OpenedCard>();
  const openAll = async (rows: readonly LeadSummary[]): Promise<E.Either<F, void>> => {
    const opened = await query.open(
      rows.filter((row) => !cards.has(row.leadId)).map((row) => row.leadId),
    );
    if (E.isLeft(opened)) return opened;
    for (const [leadId, card] of opened.right) cards.set(leadId, card);
    return E.right(undefined);
  };
  const bound =
    query.verifiedInFull ?? (query.exact ? EXACT_SEARCH_VERIFIED_IN_FULL : SEARCH_VERIFIED_IN_FULL);

  if (query.exact && query.candidates.length > bound) {
    // Counted, not checked: only the first candidates after the cursor are needed, picked
    // as the list picks its page rather than by sorting them all (100,000 for a common
    // character), a few more in case some were purged a moment ago.
    for (let wanted = query.limit + 1 + PURGED_SLACK; ; wanted *= 4) {
      const picked = leadPage(query.candidates, { after, limit: wanted, matches: () => true });
      const opened = await openAll(picked.items);
      if (E.isLeft(opened)) return opened;
      const kept = picked.items.filter((row) => query.isMatch(cards.get(row.leadId)));
      if (kept.length > query.limit || !picked.more) {
        return E.right({
          items: kept.slice(0, query.limit),
          more: kept.length > query.limit,
          total: query.candidates.length,
          totalIsEstimate: false,
          cards,
        });
      }
    }
  }

  const ordered = [...query.candidates].sort(listOrder);
  const start = after === undefined ? 0 : firstAfter(ordered, (row) => listOrder(after, row) < 0);
  const matching = (row: LeadSummary): boolean => query.isMatch(cards.get(row.leadId));

  if (ordered.length <= bound) {
    const opened = await openAll(ordered);
    if (E.isLeft(opened)) return opened;
    const matches = ordered.filter(matching);
    const following = matches.filter((row) => after === undefined || listOrder(after, row) < 0);
    return E.right({
      items: following.slice(0, query.limit),
      more: following.length > query.limit,
      total: matches.length,
      totalIsEstimate: false,
      cards,
    });
  }

  const kept: LeadSummary[] = [];
  let next = start;
  while (next < ordered.length && kept.length <= query.limit) {
    const slice = ordered.slice(next, next + OPENED_AT_A_TIME);
    next += slice.length;
    const opened = await openAll(slice);
    if (E.isLeft(opened)) return opened;
    for (const row of slice) if (matching(row)) kept.push(row);
  }
  const checked = next - start;
  const everyOneChecked = start === 0 && next === ordered.length;
  return E.right({
    items: kept.slice(0, query.limit),
    more: kept.length > query.limit,
    total: everyOneChecked
      ? kept.length
      : Math.round((ordered.length * kept.length) / Math.max(1, checked)),
    totalIsEstimate: !everyOneChecked,
    cards,
  });
};

/** The index of the first row that `isAfter` holds for, in rows sorted in list order. */
const firstAfter = (
  rows: readonly LeadSummary[],
  isAfter: (row: LeadSummary) => boolean,
): number => {
  let low = 0;
  let high = rows.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (isAfter(rows[middle] as LeadSummary)) high = middle;
    else low = middle + 1;
  }
  return low;
};

import type { GlobalPosition, KeyStore, StoreUnavailable } from "@leadledger/core";
import { openPersonal, sealPersonal } from "@leadledger/core/adapter";
import * as E from "fp-ts/lib/Either.js";
import { cardNameContains, type LeadCard, LeadCardCodec } from "./lead-card.js";
import {
  type NormalisedSearch,
  type PhoneRegion,
  type SearchKey,
  searchTermsOfQuery,
  type WorklistSearch,
} from "./search-terms.js";
import type { WorklistIndexer } from "./worklist-indexer.js";
import type { WorklistStore, WorklistUnavailable } from "./worklist-store.js";

/**
 * What a card is sealed as: bound to the lead and to this use, so that a card cannot be
 * passed off as an event's personal part, nor one lead's card as another's.
 */
export const CARD_SEAL_TYPE = "WorklistCard";

/** A lead's card as the caller may see it: opened, or redacted because the lead was purged. */
export type OpenedCard =
  | { readonly status: "open"; readonly card: LeadCard }
  | { readonly status: "redacted" };

const REDACTED: OpenedCard = Object.freeze({ status: "redacted" });

/** Why the worklist could not answer: its store or the key store failed. */
export type WorklistFailure = WorklistUnavailable | StoreUnavailable;

/**
 * The worklist's read side: opens the cards of leads a caller may see and finds the
 * candidates of a search. It decides no scope: the caller opens only the leads in the
 * actor's scope (docs/privacy.md, "Search").
 */
export interface Worklist {
  /**
   * The cards of these leads, opened with each lead's key as it is now: a lead whose key
   * is destroyed (purged) is redacted at once, whether or not the indexer has seen the
   * purge, and whether or not its card is still stored; a lead with no card yet is absent.
   */
  openCards(
    leadIds: readonly string[],
  ): Promise<E.Either<WorklistFailure, ReadonlyMap<string, OpenedCard>>>;
  /** A search's normalised form and terms. */
  prepare(search: WorklistSearch): NormalisedSearch;
  /**
   * The leads indexed under every term of the search: all its matches and, for a name,
   * possibly more (a lead holding each bigram of the query but not the query).
   */
  candidates(search: NormalisedSearch): Promise<E.Either<WorklistFailure, ReadonlySet<string>>>;
  /** Whether an opened card is a match: not redacted, and holding the name searched. */
  matches(card: OpenedCard | undefined, search: NormalisedSearch): boolean;
  /**
   * Resolves `true` once the index includes the event at `position` (read-your-writes for
   * a search), `false` after `timeoutMs`; at once without an indexer to wait for.
   */
  waitFor(position: GlobalPosition, timeoutMs: number): Promise<boolean>;
}

/** What a worklist reads with. */
export interface WorklistDeps {
  /** Where the sealed cards and the blind index are kept. */
  readonly store: WorklistStore;
  /** The ledger's key store: a card opens only while its lead's key exists. */
  readonly keyStore: KeyStore;
  /** The blind index's key: `searchKeyOf` the ledger's secret. */
  readonly searchKey: SearchKey;
  /** As the ledger's `defaultPhoneRegion`. Defaults to CN. */
  readonly defaultPhoneRegion?: PhoneRegion;
  /** The indexer filling the store in this process, for read-your-writes. */
  readonly indexer?: Pick<WorklistIndexer, "waitFor">;
}

/** Seals a card under the lead's key, as the store keeps it. */
export const sealCard = (key: Uint8Array, leadId: string, card: LeadCard): string =>
  sealPersonal(key, leadId, CARD_SEAL_TYPE, card).box;

/** Opens a sealed card; `undefined` when it does not authenticate or decode. */
export const openCard = (key: Uint8Array, leadId: string, box: string): LeadCard | undefined => {
  const opened = openPersonal(key, leadId, CARD_SEAL_TYPE, { alg: "A256GCM", box });
  if (opened === undefined) return undefined;
  const card = LeadCardCodec.decode(opened);
  return E.isRight(card) ? card.right : undefined;
};

// A store may hand out the same posting list until the index changes (the SQLite store keeps
// them): its set, made once, is then the same object too, which saves building a set of
// 14,368 ids (a common surname) on every search, and lets a caller keep what it derives
// from the set with it.
const setOfPostings = new WeakMap<readonly string[], ReadonlySet<string>>();
const setOf = (postings: readonly string[]): ReadonlySet<string> => {
  const known = setOfPostings.get(postings);
  if (known !== undefined) return known;
  const made = new Set(postings);
  setOfPostings.set(postings, made);
  return made;
};

/** Builds the worklist's read side over its store and the ledger's keys. */
export const createWorklist = (deps: WorklistDeps): Worklist => {
  const region = deps.defaultPhoneRegion ?? "CN";
  return {
    async openCards(leadIds) {
      const sealed = await deps.store.sealedCards(leadIds);
      if (E.isLeft(sealed)) return sealed;
      const opened = new Map<string, OpenedCard>();
      for (const leadId of leadIds) {
        // Looked up on every read, never kept: a purge must take effect at once. A purged
        // lead whose card the indexer has already deleted is redacted all the same.
        const key = await deps.keyStore.getKey(leadId);
        if (E.isLeft(key)) return key;
        if (key.right.status === "destroyed") {
          opened.set(leadId, REDACTED);
          continue;
        }
        const box = sealed.right.get(leadId);
        if (key.right.status === "missing" || box === undefined) continue;
        const card = openCard(key.right.key, leadId, box);
        if (card !== undefined) opened.set(leadId, { status: "open", card });
      }
      return E.right(opened);
    },

    prepare: (search) => searchTermsOfQuery(deps.searchKey, search, region),

    async candidates(search) {
      const postings: (readonly string[])[] = [];
      for (const term of search.terms) {
        const leads = await deps.store.leadsWithTerm(term);
        if (E.isLeft(leads)) return leads;
        // A term no lead has: nothing can match.
        if (leads.right.length === 0) return E.right(new Set());
        postings.push(leads.right);
      }
      postings.sort((a, b) => a.length - b.length);
      const [shortest, ...others] = postings;
      if (shortest === undefined) return E.right(new Set());
      if (others.length === 0) return E.right(setOf(shortest));
      // From the shortest list: each step keeps those of the candidates so far that the
      // next list's set holds, so the work follows the shorter lists.
      let found: ReadonlySet<string> = setOf(shortest);
      for (const other of others) {
        const within = setOf(other);
        const next = new Set<string>();
        for (const leadId of found) if (within.has(leadId)) next.add(leadId);
        found = next;
        if (found.size === 0) break;
      }
      return E.right(found);
    },

    matches(card, search) {
      if (card === undefined || card.status !== "open") return false;
      return search.name === undefined || cardNameContains(card.card, search.name);
    },

    waitFor: (position, timeoutMs) =>
      deps.indexer === undefined
        ? Promise.resolve(true)
        : deps.indexer.waitFor(position, { timeoutMs }),
  };
};

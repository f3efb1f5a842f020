import type { GlobalPosition } from "@leadledger/core";
import type { Either } from "fp-ts/lib/Either.js";

/** The worklist's storage failed; the indexer retries from its last checkpoint. */
export interface WorklistUnavailable {
  readonly code: "worklist.unavailable";
  readonly message: string;
}

/** One lead as the worklist keeps it: its sealed card and its blind-index terms. */
export interface WorklistEntry {
  /** The lead. */
  readonly leadId: string;
  /** The card sealed under the lead's data key: the `box` of core's sealed form. */
  readonly sealedCard: string;
  /** Its blind-index terms: keyed hashes, no values. */
  readonly terms: readonly string[];
}

/** What a run of the log changed, and the position of the last event it covered. */
export interface WorklistCommit {
  /** Leads whose card and terms are replaced (or written for the first time). */
  readonly entries: readonly WorklistEntry[];
  /** Leads whose card and terms are deleted: purged, or no longer readable. */
  readonly removed: readonly string[];
  /** The position of the last event the batch covers. */
  readonly checkpoint: GlobalPosition;
}

/**
 * Where the worklist keeps the leads' sealed cards and the blind index of search terms
 * (docs/privacy.md, "Search"). Entries and checkpoint are written in one transaction, so a
 * crash neither loses an event's change nor applies it twice. Everything in it can be
 * rebuilt from the log and the keys: it needs no backup.
 */
export interface WorklistStore {
  /** The position of the last event the entries include; `undefined` before any. */
  checkpoint(): Promise<Either<WorklistUnavailable, GlobalPosition | undefined>>;
  /** Replaces and deletes entries and moves the checkpoint, in one transaction. */
  commit(batch: WorklistCommit): Promise<Either<WorklistUnavailable, void>>;
  /** The sealed cards of those of these leads that have one. */
  sealedCards(
    leadIds: readonly string[],
  ): Promise<Either<WorklistUnavailable, ReadonlyMap<string, string>>>;
  /** The leads indexed under a term. */
  leadsWithTerm(term: string): Promise<Either<WorklistUnavailable, readonly string[]>>;
  /** Releases the store's resources. */
  close(): Promise<void>;
}

import type { GlobalPosition } from "@leadledger/core";
import type { Either } from "fp-ts/lib/Either.js";
import type { LeadSummary } from "./lead-summary.js";

/** The read model's storage failed; the runner retries from the last checkpoint. */
export interface ReadModelUnavailable {
  readonly code: "read-model.unavailable";
  readonly message: string;
}

/** The rows a run of the log changed, and the position of the last event it covered. */
export interface SummaryCommit {
  readonly summaries: readonly LeadSummary[];
  readonly checkpoint: GlobalPosition;
}

/** Everything stored: the rows, and the position of the last event they include. */
export interface ReadModelSnapshot {
  /** `undefined` when nothing has been projected yet. */
  readonly checkpoint: GlobalPosition | undefined;
  readonly summaries: readonly LeadSummary[];
}

/**
 * A model being rebuilt beside the live one: filled from the start of the log, then
 * swapped in at once. Until the swap, readers of the store see the old model.
 */
export interface ReadModelRebuild {
  /** Stores rows and checkpoint in one transaction, into the model being rebuilt. */
  commit(batch: SummaryCommit): Promise<Either<ReadModelUnavailable, void>>;
  /** Makes the rebuilt model the live one, rows and checkpoint together. */
  swap(): Promise<Either<ReadModelUnavailable, void>>;
  /** Throws the rebuilt model away. */
  discard(): Promise<void>;
}

/**
 * Where the lead summaries and their checkpoint are kept (docs/architecture.md). Rows and
 * checkpoint are written in one transaction, so a crash never applies an event twice nor
 * skips one: after a restart the runner resumes from exactly what was stored.
 */
export interface ReadModelStore {
  /** Reads the whole model. */
  load(): Promise<Either<ReadModelUnavailable, ReadModelSnapshot>>;
  /** Upserts rows and moves the checkpoint, in one transaction. */
  commit(batch: SummaryCommit): Promise<Either<ReadModelUnavailable, void>>;
  /** Starts a fresh, empty model beside the live one. */
  startRebuild(): Promise<Either<ReadModelUnavailable, ReadModelRebuild>>;
  /** Releases the store's resources. */
  close(): Promise<void>;
}

import {
  type ActorInput,
  type EventStore,
  type GlobalPosition,
  isRedacted,
  type KeyStore,
  type LeadLedger,
  leadIdOfStream,
  type RecordedEvent,
  type StoreUnavailable,
  type Subscription,
} from "@leadledger/core";
import * as E from "fp-ts/lib/Either.js";
import { leadCardOf } from "./lead-card.js";
import { type PhoneRegion, type SearchKey, searchTermsOf } from "./search-terms.js";
import { sealCard } from "./worklist.js";
import type { WorklistEntry, WorklistStore, WorklistUnavailable } from "./worklist-store.js";

/** Who the indexer reads leads as: it reads every lead, as an executive may. */
const INDEXER: ActorInput = { id: "worklist-indexer", role: "executive", department: "system" };

/** The events after which a lead's card or terms may differ. */
const RE_INDEXED = new Set(["LeadCaptured", "LeadAmended"]);
const REMOVED = "LeadPurged";

/** A lead the indexer could not read: it is left out of the worklist, and told. */
export interface WorklistProblem {
  readonly leadId: string;
  readonly code: string;
}

/** Why the indexer could not go on; it retries by itself unless stopped. */
export type WorklistIndexerFailure = StoreUnavailable | WorklistUnavailable;

/** What the indexer reads and writes, and how it paces itself. */
export interface WorklistIndexerOptions {
  readonly events: EventStore;
  readonly store: WorklistStore;
  /** Reads a lead in the clear; best a ledger of its own, so that its cache is not the server's. */
  readonly ledger: Pick<LeadLedger, "getLead">;
  readonly keyStore: KeyStore;
  readonly searchKey: SearchKey;
  /** As the ledger's `defaultPhoneRegion`. Defaults to CN. */
  readonly defaultPhoneRegion?: PhoneRegion;
  /** Events per read and per store transaction. Default 500. */
  readonly batchSize?: number;
  /** Wait before retrying after a store failed. Default 1 s. */
  readonly retryDelayMs?: number;
  /** Told of each lead that could not be read (it is left out). */
  readonly onProblem?: (problem: WorklistProblem) => void;
}

/** What the indexer is doing. */
export type WorklistIndexerPhase = "idle" | "catching-up" | "live" | "retrying" | "stopped";

/**
 * Keeps the worklist's cards and search terms in step with the log, as the projection
 * runner keeps the read model: catches up from its stored checkpoint in batches, then
 * follows live; each batch's entries and checkpoint are committed together. For every lead
 * captured or amended in a batch it reads the lead in the clear and rewrites its card and
 * terms; for every purge it deletes them.
 */
export interface WorklistIndexer {
  /** Catches up, then follows. Resolves once caught up; a failure is retried in the background. */
  start(): Promise<E.Either<WorklistIndexerFailure, void>>;
  /** Stops following; the stored entries and checkpoint stay, for the next start. */
  stop(): Promise<void>;
  /** The position of the last event indexed. */
  checkpoint(): GlobalPosition | undefined;
  /** Resolves `true` once the event at `position` is indexed, `false` after `timeoutMs` (default 5 s). */
  waitFor(position: GlobalPosition, options?: { readonly timeoutMs?: number }): Promise<boolean>;
  /** Where it stands, how many leads it could not read, and its last failure. */
  status(): {
    readonly phase: WorklistIndexerPhase;
    readonly checkpoint: GlobalPosition | undefined;
    readonly problems: number;
    readonly lastFailure: WorklistIndexerFailure | undefined;
  };
}

/** Creates an indexer; nothing happens until {@link WorklistIndexer.start}. */
export const createWorklistIndexer = (options: WorklistIndexerOptions): WorklistIndexer => {
  const { events, store } = options;
  const batchSize = Math.max(1, Math.floor(options.batchSize ?? 500));
  const retryDelayMs = options.retryDelayMs ?? 1000;
  const region = options.defaultPhoneRegion ?? "CN";
  let checkpoint: GlobalPosition | undefined;
  let phase: WorklistIndexerPhase = "idle";
  let problems = 0;
  let lastFailure: WorklistIndexerFailure | undefined;
  let generation = 0;
  let subscription: Subscription | undefined;
  let pending: RecordedEvent[] = [];
  let flushScheduled = false;
  let chain: Promise<void> = Promise.resolve();
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  const waiters = new Set<{ position: GlobalPosition; settle: (reached: boolean) => void }>();

  const settleWaiters = (): void => {
    for (const waiter of waiters) {
      if (checkpoint === undefined || checkpoint < waiter.position) continue;
      waiters.delete(waiter);
      waiter.settle(true);
    }
  };

  /** The entry of a lead as it is now, `null` when it has none, or why it cannot be read. */
  const entryOf = async (
    leadId: string,
  ): Promise<E.Either<WorklistIndexerFailure, WorklistEntry | null>> => {
    const found = await options.ledger.getLead(INDEXER, leadId);
    if (E.isLeft(found)) {
      if (found.left.code === "store.unavailable") return E.left(found.left);
      problems++;
      options.onProblem?.({ leadId, code: found.left.code });
      return E.right(null);
    }
    const personal = found.right.state.personal;
    if (personal === undefined || isRedacted(personal)) return E.right(null);
    const key = await options.keyStore.getKey(leadId);
    if (E.isLeft(key)) return key;
    // Destroyed since the read: the purge is on its way, and the card must not outlive it.
    if (key.right.status !== "active") return E.right(null);
    const card = leadCardOf(personal);
    return E.right({
      leadId,
      sealedCard: sealCard(key.right.key, leadId, card),
      terms: searchTermsOf(options.searchKey, personal, card.names, region),
    });
  };

  const applyBatch = async (
    batch: readonly RecordedEvent[],
  ): Promise<E.Either<WorklistIndexerFailure, void>> => {
    const after = checkpoint;
    // At-least-once delivery: what the checkpoint already covers is passed over.
    const fresh = after === undefined ? batch : batch.filter((event) => event.position > after);
    const last = fresh[fresh.length - 1];
    if (last === undefined) return E.right(undefined);
    // Each lead once per batch: what it is at the end of the batch (or later) is what counts.
    const touched = new Map<string, "changed" | "purged">();
    for (const event of fresh) {
      const leadId = leadIdOfStream(event.stream);
      if (leadId === undefined) continue;
      if (event.type === REMOVED) touched.set(leadId, "purged");
      else if (RE_INDEXED.has(event.type) && touched.get(leadId) !== "purged") {
        touched.set(leadId, "changed");
      }
    }
    const entries: WorklistEntry[] = [];
    const removed: string[] = [];
    for (const [leadId, change] of touched) {
      if (change === "purged") {
        removed.push(leadId);
        continue;
      }
      const entry = await entryOf(leadId);
      if (E.isLeft(entry)) return entry;
      if (entry.right === null) removed.push(leadId);
      else entries.push(entry.right);
    }
    const committed = await store.commit({ entries, removed, checkpoint: last.position });
    if (E.isLeft(committed)) return committed;
    checkpoint = last.position;
    settleWaiters();
    return E.right(undefined);
  };

  const fail = (failure: WorklistIndexerFailure, at: number): void => {
    if (at !== generation) return;
    lastFailure = failure;
    generation++;
    phase = "retrying";
    const ending = subscription;
    subscription = undefined;
    // Not awaited: this may run inside the subscription's own handler, which close() awaits.
    void ending?.close();
    pending = [];
    const retryGeneration = generation;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      if (retryGeneration !== generation) return;
      void resume(retryGeneration);
    }, retryDelayMs);
  };

  const flush = (at: number): Promise<void> => {
    chain = chain.then(async () => {
      if (at !== generation || pending.length === 0) return;
      const batch = pending;
      pending = [];
      const applied = await applyBatch(batch);
      if (E.isLeft(applied)) fail(applied.left, at);
    });
    return chain;
  };

  const receive = (event: RecordedEvent, at: number): Promise<void> | undefined => {
    if (at !== generation) return undefined;
    pending.push(event);
    // A full batch is indexed before the next event is taken: backpressure on the store.
    if (pending.length >= batchSize) return flush(at);
    if (!flushScheduled) {
      flushScheduled = true;
      setImmediate(() => {
        flushScheduled = false;
        void flush(at);
      });
    }
    return undefined;
  };

  /** Catches up in batches from the checkpoint, then subscribes after it. */
  const follow = async (at: number): Promise<E.Either<WorklistIndexerFailure, void>> => {
    phase = "catching-up";
    for (;;) {
      const read = await events.readAll({
        ...(checkpoint === undefined ? {} : { after: checkpoint }),
        maxCount: batchSize,
      });
      if (at !== generation) return E.right(undefined);
      if (E.isLeft(read)) return E.left({ code: "store.unavailable", message: read.left.code });
      const applied = await applyBatch(read.right);
      if (at !== generation) return E.right(undefined);
      if (E.isLeft(applied)) return applied;
      if (read.right.length < batchSize) break;
    }
    phase = "live";
    const live = events.subscribe(checkpoint === undefined ? {} : { after: checkpoint }, (event) =>
      receive(event, at),
    );
    subscription = live;
    void live.ended.then((end) => {
      if (end.reason === "store-failed" || end.reason === "handler-failed") {
        fail({ code: "store.unavailable", message: String(end.reason) }, at);
      }
    });
    return E.right(undefined);
  };

  /** Reads the stored checkpoint (what survived a failure or a crash) and follows from it. */
  const resume = async (at: number): Promise<E.Either<WorklistIndexerFailure, void>> => {
    const stored = await store.checkpoint();
    if (at !== generation) return E.right(undefined);
    if (E.isLeft(stored)) {
      fail(stored.left, at);
      return stored;
    }
    checkpoint = stored.right;
    const followed = await follow(at);
    if (E.isLeft(followed)) fail(followed.left, at);
    return followed;
  };

  const pause = async (): Promise<number> => {
    const at = ++generation;
    if (retryTimer !== undefined) clearTimeout(retryTimer);
    retryTimer = undefined;
    const ending = subscription;
    subscription = undefined;
    await ending?.close();
    await chain;
    pending = [];
    return at;
  };

  return {
    async start() {
      const at = await pause();
      return resume(at);
    },
    async stop() {
      await pause();
      phase = "stopped";
      for (const waiter of waiters) waiter.settle(false);
      waiters.clear();
    },
    checkpoint: () => checkpoint,
    waitFor(position, waitOptions) {
      if (checkpoint !== undefined && checkpoint >= position) return Promise.resolve(true);
      return new Promise((resolve) => {
        const waiter = {
          position,
          settle: (reached: boolean) => {
            clearTimeout(timer);
            resolve(reached);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          resolve(false);
        }, waitOptions?.timeoutMs ?? 5000);
        waiters.add(waiter);
      });
    },
    status: () => ({ phase, checkpoint, problems, lastFailure }),
  };
};

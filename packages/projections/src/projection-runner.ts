import {
  DEFAULT_FOLLOW_UP_CADENCE,
  type EventStore,
  type FollowUpCadence,
  type GlobalPosition,
  type RecordedEvent,
  type StoreError,
  type Subscription,
} from "@leadledger/core";
import * as E from "fp-ts/lib/Either.js";
import type { LeadSummary } from "./lead-summary.js";
import type { ReadModelStore, ReadModelUnavailable } from "./read-model-store.js";
import { projectEvents } from "./summary-batch.js";
import { draftOf } from "./summary-fold.js";
import type { ProjectionProblem } from "./summary-input.js";

/** What the runner needs, and how it paces itself. */
export interface ProjectionRunnerOptions {
  /** Any implementation of the port: in memory, SQLite, EventStoreDB. */
  readonly events: EventStore;
  readonly readModel: ReadModelStore;
  /** Events per read and per read-model transaction. Default 1,000. */
  readonly batchSize?: number;
  /** The follow-up cadence that due dates are computed with. Default: the core's. */
  readonly cadence?: FollowUpCadence;
  /** Wait before retrying after the event store or the read model failed. Default 1 s. */
  readonly retryDelayMs?: number;
  /** Told of each event that could not be used (it is skipped). */
  readonly onProblem?: (problem: ProjectionProblem) => void;
  /**
   * How many rows, replaced by batches since the rows were last laid out in memory, call
   * for laying them out again (copying each, in order), provided they are also a quarter
   * of all rows. Default 10,000.
   */
  readonly layOutAfterReplacedRows?: number;
}

/** Why the runner could not go on; it retries by itself unless it was stopped. */
export type ProjectionFailure = StoreError | ReadModelUnavailable;

/** `waitFor` gave up: the read model had not reached the position in time. */
export interface WaitTimedOut {
  readonly code: "projection.wait-timed-out";
  readonly position: GlobalPosition;
  readonly checkpoint: GlobalPosition | undefined;
}

/** `waitFor` gave up because the runner was stopped. */
export interface ProjectionStopped {
  readonly code: "projection.stopped";
}

/** How far behind the log the read model is. */
export interface ProjectionLag {
  readonly checkpoint: GlobalPosition | undefined;
  /** Events in the log after the checkpoint, counted up to the limit asked for. */
  readonly eventsBehind: number;
  /** `true` when the count stopped at the limit: at least that many. */
  readonly saturated: boolean;
}

export type ProjectionPhase =
  | "idle"
  | "catching-up"
  | "live"
  | "rebuilding"
  | "retrying"
  | "stopped";

/**
 * How far a rebuild has come, told after each batch: first the log is read and folded
 * (`events` so far, up to `position`), then the rows are written (`rows` of `totalRows`).
 * The log's length is not known to the runner; a caller that wants a share of the whole
 * counts the events itself (e.g. the `leadledger rebuild` command).
 */
export type RebuildProgress =
  | { readonly step: "reading"; readonly events: number; readonly position: GlobalPosition }
  | { readonly step: "writing"; readonly rows: number; readonly totalRows: number };

/** How a rebuild reports on itself. */
export interface RebuildOptions {
  /** Called after each batch read and each batch of rows written; it must not throw. */
  readonly onProgress?: (progress: RebuildProgress) => void;
}

export interface ProjectionStatus {
  readonly phase: ProjectionPhase;
  readonly checkpoint: GlobalPosition | undefined;
  /** Events skipped because they could not be used, since the runner was created. */
  readonly problems: number;
  readonly lastFailure: ProjectionFailure | undefined;
}

/**
 * Keeps the lead summaries up to date with the global log: catches up from the stored
 * checkpoint in batches, then follows live; rebuilds from scratch on demand. Views read
 * {@link summaries}; a caller that just wrote waits for its position with {@link waitFor}.
 */
export interface ProjectionRunner {
  /**
   * Loads the stored model, catches up, then follows the log. Resolves once caught up;
   * a failure is returned and retried in the background.
   */
  start(): Promise<E.Either<ProjectionFailure, void>>;
  /** Stops following; the stored model stays, for the next runner to resume from. */
  stop(): Promise<void>;
  /**
   * Replays the whole log into a fresh model beside the live one, swaps it in, and
   * follows on from there. Readers see the old model until the swap.
   */
  rebuild(options?: RebuildOptions): Promise<E.Either<ProjectionFailure, void>>;
  /** The current rows. The same array is returned until the next commit. */
  summaries(): readonly LeadSummary[];
  summary(leadId: string): LeadSummary | undefined;
  /** The position of the last event the rows include. */
  checkpoint(): GlobalPosition | undefined;
  /** Resolves once the rows include the event at `position` (read-your-writes). */
  waitFor(
    position: GlobalPosition,
    options?: { readonly timeoutMs?: number },
  ): Promise<E.Either<WaitTimedOut | ProjectionStopped, void>>;
  /** Counts the events after the checkpoint, up to `limit` (default 10,000). */
  lag(options?: { readonly limit?: number }): Promise<E.Either<StoreError, ProjectionLag>>;
  status(): ProjectionStatus;
}

interface Waiter {
  readonly position: GlobalPosition;
  readonly settle: (result: E.Either<WaitTimedOut | ProjectionStopped, void>) => void;
  readonly timer: ReturnType<typeof setTimeout>;
}

const RIGHT: E.Either<never, void> = E.right(undefined);
/** Rows per read-model transaction when a rebuilt model is written out. */
const REBUILD_WRITE_ROWS = 10_000;
const STOPPED: ProjectionStopped = Object.freeze({ code: "projection.stopped" });
/** Rows replaced since the last lay-out, as a share of all rows, that call for a new one. */
const LAY_OUT_AFTER_REPLACED_SHARE = 0.25;
/** Rows copied per turn of the event loop when laying them out: about 5 ms. */
const LAY_OUT_SLICE_ROWS = 10_000;

/** Creates a runner; nothing happens until {@link ProjectionRunner.start}. */
export const createProjectionRunner = (options: ProjectionRunnerOptions): ProjectionRunner => {
  const { events, readModel } = options;
  const batchSize = Math.max(1, Math.floor(options.batchSize ?? 1000));
  const cadence = options.cadence ?? DEFAULT_FOLLOW_UP_CADENCE;
  const retryDelayMs = options.retryDelayMs ?? 1000;
  // A small model is read quickly however it lies in memory.
  const layOutAfterReplacedRows = Math.max(1, options.layOutAfterReplacedRows ?? 10_000);

  let rows = new Map<string, LeadSummary>();
  let checkpoint: GlobalPosition | undefined;
  let cached: readonly LeadSummary[] | undefined;
  // Every batch replaces the rows it changes with new objects, allocated among the batch's
  // garbage: after a catch-up, a rebuild or a long run, rows that are neighbours in
  // `rows` (the order every view reads them in) lie far apart on the heap, and a view over
  // 100,000 rows spends most of its time waiting on memory (twice as long as over rows
  // side by side, docs/benchmarks.md). Copying every row, in order, lays them out side by
  // side again; it is done when enough of them were replaced.
  let replacedSinceLayOut = 0;
  let phase: ProjectionPhase = "idle";
  let problems = 0;
  let lastFailure: ProjectionFailure | undefined;
  // Every start, stop, rebuild and retry opens a new generation; work of an older one
  // (a late subscription callback, a scheduled flush) sees that and does nothing.
  let generation = 0;
  let subscription: Subscription | undefined;
  let pending: RecordedEvent[] = [];
  let queuedUpTo: GlobalPosition | undefined;
  let flushScheduled = false;
  let chain: Promise<void> = Promise.resolve();
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  const waiters = new Set<Waiter>();

  const reached = (position: GlobalPosition): boolean =>
    checkpoint !== undefined && checkpoint >= position;

  const settleWaiters = (): void => {
    for (const waiter of waiters) {
      if (!reached(waiter.position)) continue;
      clearTimeout(waiter.timer);
      waiters.delete(waiter);
      waiter.settle(RIGHT);
    }
  };

  const report = (found: readonly ProjectionProblem[]): void => {
    problems += found.length;
    if (options.onProblem !== undefined) for (const problem of found) options.onProblem(problem);
  };

  /** Folds a batch into `model` and commits it with `commit`; the rows change only after. */
  const applyBatch = async (
    batch: readonly RecordedEvent[],
    model: Map<string, LeadSummary>,
    after: GlobalPosition | undefined,
    commit: ReadModelStore["commit"],
  ): Promise<E.Either<ProjectionFailure, GlobalPosition | undefined>> => {
    const fresh = after === undefined ? batch : batch.filter((event) => event.position > after);
    const last = fresh[fresh.length - 1];
    if (last === undefined) return E.right(after);
    const projected = projectEvents((leadId) => model.get(leadId), fresh, cadence);
    const committed = await commit({
      summaries: [...projected.changed.values()],
      checkpoint: last.position,
    });
    if (E.isLeft(committed)) return committed;
    for (const [leadId, row] of projected.changed) model.set(leadId, row);
    replacedSinceLayOut += projected.changed.size;
    report(projected.problems);
    return E.right(last.position);
  };

  /**
   * Lays the rows out again if enough were replaced, a slice per turn of the event loop so
   * that requests are answered meanwhile; the caller holds back further batches until
   * then. Readers in between see some rows copied and some not, all equal to what they
   * replace.
   */
  const layOutIfStrewn = async (at: number): Promise<void> => {
    if (
      replacedSinceLayOut < layOutAfterReplacedRows ||
      replacedSinceLayOut < rows.size * LAY_OUT_AFTER_REPLACED_SHARE
    ) {
      return;
    }
    const model = rows;
    let copied = 0;
    for (const [leadId, row] of model) {
      model.set(leadId, draftOf(row));
      if (++copied % LAY_OUT_SLICE_ROWS === 0) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (at !== generation) return;
      }
    }
    replacedSinceLayOut = 0;
    cached = undefined;
  };

  const applyLive = async (
    batch: readonly RecordedEvent[],
    at: number,
  ): Promise<E.Either<ProjectionFailure, void>> => {
    const applied = await applyBatch(batch, rows, checkpoint, (b) => readModel.commit(b));
    if (E.isLeft(applied)) return applied;
    if (applied.right !== checkpoint) {
      checkpoint = applied.right;
      cached = undefined;
      settleWaiters();
      // A catch-up lays the rows out once, at its end.
      if (phase === "live") await layOutIfStrewn(at);
    }
    return RIGHT;
  };

  const fail = (failure: ProjectionFailure, at: number): void => {
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
      void follow(retryGeneration).then((result) => {
        if (E.isLeft(result)) fail(result.left, retryGeneration);
      });
    }, retryDelayMs);
  };

  const flush = (at: number): Promise<void> => {
    chain = chain.then(async () => {
      if (at !== generation || pending.length === 0) return;
      const batch = pending;
      pending = [];
      const applied = await applyLive(batch, at);
      if (E.isLeft(applied)) fail(applied.left, at);
    });
    return chain;
  };

  const receive = (event: RecordedEvent, at: number): Promise<void> | undefined => {
    if (at !== generation) return undefined;
    // At-least-once delivery: what is already queued or applied is passed over.
    if (queuedUpTo !== undefined && event.position <= queuedUpTo) return undefined;
    pending.push(event);
    queuedUpTo = event.position;
    // A full batch is flushed before the next event is taken: backpressure on the store.
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

  /** Catches up in batches, then subscribes from the checkpoint. */
  const follow = async (at: number): Promise<E.Either<ProjectionFailure, void>> => {
    phase = "catching-up";
    for (;;) {
      const read = await events.readAll({
        ...(checkpoint === undefined ? {} : { after: checkpoint }),
        maxCount: batchSize,
      });
      if (at !== generation) return RIGHT;
      if (E.isLeft(read)) return read;
      const applied = await applyLive(read.right, at);
      if (at !== generation) return RIGHT;
      if (E.isLeft(applied)) return applied;
      if (read.right.length < batchSize) break;
    }
    await layOutIfStrewn(at);
    if (at !== generation) return RIGHT;
    phase = "live";
    queuedUpTo = checkpoint;
    const live = events.subscribe(checkpoint === undefined ? {} : { after: checkpoint }, (event) =>
      receive(event, at),
    );
    subscription = live;
    void live.ended.then((end) => {
      if (end.reason === "store-failed") fail(end.error, at);
      else if (end.reason === "handler-failed") {
        fail({ code: "store.unavailable", message: String(end.error) }, at);
      }
    });
    return RIGHT;
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
      const loaded = await readModel.load();
      if (at !== generation) return RIGHT;
      if (E.isLeft(loaded)) {
        lastFailure = loaded.left;
        phase = "stopped";
        return loaded;
      }
      rows = new Map(loaded.right.summaries.map((row) => [row.leadId, row]));
      replacedSinceLayOut = 0;
      checkpoint = loaded.right.checkpoint;
      cached = undefined;
      settleWaiters();
      const followed = await follow(at);
      if (E.isLeft(followed)) fail(followed.left, at);
      return followed;
    },

    async stop() {
      await pause();
      phase = "stopped";
      for (const waiter of waiters) {
        clearTimeout(waiter.timer);
        waiter.settle(E.left(STOPPED));
      }
      waiters.clear();
    },

    async rebuild(rebuildOptions) {
      const onProgress = rebuildOptions?.onProgress;
      const at = await pause();
      phase = "rebuilding";
      const started = await readModel.startRebuild();
      if (E.isLeft(started)) {
        fail(started.left, at);
        return started;
      }
      const target = started.right;
      // The rebuilt model is not live until the swap, so it needs no checkpoint on the way:
      // a rebuild that fails starts over. Folding the whole log first and writing each row
      // once costs one write per lead instead of one per event.
      const fresh = new Map<string, LeadSummary>();
      let rebuiltTo: GlobalPosition | undefined;
      let eventsRead = 0;
      for (;;) {
        const read = await events.readAll({
          ...(rebuiltTo === undefined ? {} : { after: rebuiltTo }),
          maxCount: batchSize,
        });
        if (at !== generation || E.isLeft(read)) {
          await target.discard();
          if (E.isLeft(read)) fail(read.left, at);
          return E.isLeft(read) ? read : RIGHT;
        }
        const last = read.right[read.right.length - 1];
        if (last !== undefined) {
          const projected = projectEvents((leadId) => fresh.get(leadId), read.right, cadence);
          for (const [leadId, row] of projected.changed) fresh.set(leadId, row);
          report(projected.problems);
          rebuiltTo = last.position;
          eventsRead += read.right.length;
          onProgress?.({ step: "reading", events: eventsRead, position: last.position });
        }
        if (read.right.length < batchSize) break;
      }
      if (rebuiltTo !== undefined) {
        // In lead-id order: a B-tree keyed by lead id (SQLite's) is then filled by appending.
        const all = [...fresh.values()].sort((a, b) =>
          a.leadId < b.leadId ? -1 : a.leadId > b.leadId ? 1 : 0,
        );
        for (let start = 0; start < all.length || start === 0; start += REBUILD_WRITE_ROWS) {
          const written = await target.commit({
            summaries: all.slice(start, start + REBUILD_WRITE_ROWS),
            checkpoint: rebuiltTo,
          });
          if (at !== generation || E.isLeft(written)) {
            await target.discard();
            if (E.isLeft(written)) fail(written.left, at);
            return E.isLeft(written) ? written : RIGHT;
          }
          onProgress?.({
            step: "writing",
            rows: Math.min(start + REBUILD_WRITE_ROWS, all.length),
            totalRows: all.length,
          });
        }
      }
      const swapped = await target.swap();
      if (E.isLeft(swapped)) {
        await target.discard();
        fail(swapped.left, at);
        return swapped;
      }
      rows = fresh;
      replacedSinceLayOut = fresh.size;
      checkpoint = rebuiltTo;
      cached = undefined;
      settleWaiters();
      const followed = await follow(at);
      if (E.isLeft(followed)) fail(followed.left, at);
      return followed;
    },

    summaries() {
      cached ??= [...rows.values()];
      return cached;
    },

    summary(leadId) {
      return rows.get(leadId);
    },

    checkpoint() {
      return checkpoint;
    },

    waitFor(position, waitOptions) {
      if (reached(position)) return Promise.resolve(RIGHT);
      if (phase === "stopped") return Promise.resolve(E.left(STOPPED));
      return new Promise((resolve) => {
        const waiter: Waiter = {
          position,
          settle: resolve,
          timer: setTimeout(() => {
            waiters.delete(waiter);
            resolve(E.left({ code: "projection.wait-timed-out", position, checkpoint }));
          }, waitOptions?.timeoutMs ?? 5000),
        };
        waiters.add(waiter);
      });
    },

    async lag(lagOptions) {
      const limit = Math.max(1, Math.floor(lagOptions?.limit ?? 10_000));
      const from = checkpoint;
      const read = await events.readAll({
        ...(from === undefined ? {} : { after: from }),
        maxCount: limit,
      });
      if (E.isLeft(read)) return read;
      return E.right({
        checkpoint: from,
        eventsBehind: read.right.length,
        saturated: read.right.length === limit,
      });
    },

    status() {
      return { phase, checkpoint, problems, lastFailure };
    },
  };
};

import type { AppendResult, EventStore, StoreError } from "@leadledger/core";
import { ANY } from "@leadledger/core";
import type { Either } from "fp-ts/lib/Either.js";
import * as E from "fp-ts/lib/Either.js";
import type { Durability } from "../connection/durability.js";
import { openDatabase } from "../connection/open-database.js";
import { unavailableFrom } from "../connection/store-failure.js";
import { encodeEvent } from "./event-encoding.js";
import { prepareEventReads } from "./event-rows.js";
import { createGroupCommit } from "./group-commit.js";
import { createLiveFeed } from "./live-feed.js";
import { prepareEventsSchema } from "./schema.js";

/** Where and how to open the SQLite event store. */
export interface SqliteEventStoreOptions {
  /** The database file; created if absent. Keep it on a local disk (WAL needs shared memory). */
  readonly path: string;
  /** Defaults to `"full"`: see {@link Durability} for the trade-off. */
  readonly synchronous?: Durability;
  /** How long an append waits for another process's write lock; defaults to 5 000 ms. */
  readonly busyTimeoutMs?: number;
  /** How often caught-up subscriptions look for commits from other processes; 200 ms by default. */
  readonly pollIntervalMs?: number;
}

/** The SQLite event store, with the file it works on. */
export interface SqliteEventStore extends EventStore {
  readonly path: string;
}

const DEFAULT_POLL_INTERVAL_MS = 200;

// The largest position SQLite can hand out: "no upper bound" for reads of the whole log.
const END_OF_LOG = 9_223_372_036_854_775_807n;

const checkMaxCount = (maxCount: number | undefined): number => {
  if (maxCount === undefined || maxCount === Number.POSITIVE_INFINITY) return -1;
  if (!(maxCount >= 0) || !Number.isInteger(maxCount)) {
    throw new RangeError(`maxCount must be a whole number >= 0, not ${maxCount}`);
  }
  return maxCount;
};

const checkNotNegative = (value: bigint | undefined, what: string): void => {
  if (value !== undefined && value < 0n) throw new RangeError(`${what} ${value} is negative`);
};

// A read is one synchronous query; SQLite's "cannot use the file now" errors become values.
const reading = <A>(read: () => A): Either<StoreError, A> => {
  try {
    return E.right(read());
  } catch (error) {
    const unavailable = unavailableFrom(error);
    if (unavailable === undefined) throw error;
    return E.left(unavailable);
  }
};

/**
 * Opens (creating if needed) an event store on a SQLite file in WAL mode: one events table
 * with a global position, appends committed in groups, subscriptions that follow commits of
 * this process at once and of other processes by polling. Several processes may open the
 * same file; their appends are serialised by SQLite's write lock.
 */
export const openSqliteEventStore = (options: SqliteEventStoreOptions): SqliteEventStore => {
  const db = openDatabase({
    path: options.path,
    ...(options.synchronous === undefined ? {} : { durability: options.synchronous }),
    ...(options.busyTimeoutMs === undefined ? {} : { busyTimeoutMs: options.busyTimeoutMs }),
  });
  try {
    prepareEventsSchema(db);
  } catch (error) {
    db.close();
    throw error;
  }
  const reads = prepareEventReads(db);
  const feed = createLiveFeed(db, reads, options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS);
  const group = createGroupCommit(db, reads, feed.committed);
  let closed = false;
  // Like the in-memory reference: using a closed store is a bug of the caller, not a value.
  const ensureOpen = (): void => {
    if (closed) throw new Error(`The SQLite event store on ${options.path} is closed`);
  };

  return {
    path: options.path,

    appendToStream: async (stream, events, appendOptions) => {
      ensureOpen();
      if (events.length === 0) {
        throw new RangeError(`appendToStream("${stream}") was given an empty batch`);
      }
      const expected = appendOptions?.expectedRevision ?? ANY;
      if (typeof expected === "bigint")
        checkNotNegative(expected, `Expected revision of "${stream}"`);
      // Encoded before queueing, so a bad event fails its own append and never a group.
      const encoded = events.map((event) => encodeEvent(stream, event));
      return new Promise<Either<StoreError, AppendResult>>((resolve, reject) => {
        group.enqueue({
          stream,
          events: encoded,
          expected,
          settle: (outcome) =>
            outcome.kind === "value" ? resolve(outcome.value) : reject(outcome.error),
        });
      });
    },

    readStream: async (stream, readOptions) => {
      ensureOpen();
      const limit = checkMaxCount(readOptions?.maxCount);
      checkNotNegative(readOptions?.from, `Revision to read "${stream}" from`);
      return reading(() =>
        readOptions?.direction === "backwards"
          ? reads.streamBackwards(stream, readOptions.from, limit)
          : reads.streamForwards(stream, readOptions?.from ?? 0n, limit),
      );
    },

    readAll: async (readOptions) => {
      ensureOpen();
      const limit = checkMaxCount(readOptions?.maxCount);
      checkNotNegative(readOptions?.after, "Position");
      return reading(() =>
        reads.after(readOptions?.after ?? 0n, END_OF_LOG, limit, readOptions?.filter),
      );
    },

    subscribe: (subscribeOptions, handler) => {
      ensureOpen();
      checkNotNegative(subscribeOptions.after, "Position");
      return feed.subscribe(subscribeOptions, handler);
    },

    close: async () => {
      if (closed) return;
      closed = true;
      await feed.close();
      // Appends already accepted are committed, not dropped.
      group.drain();
      db.close();
    },
  };
};

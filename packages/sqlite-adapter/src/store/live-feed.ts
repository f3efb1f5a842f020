import type {
  EventFilter,
  JsonObject,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
  SubscriptionEnd,
  SubscriptionHandler,
} from "@leadledger/core";
import type Database from "better-sqlite3";
import { unavailableFrom } from "../connection/store-failure.js";
import type { EventReads } from "./event-rows.js";
import type { CommittedGroup, CommittedRow } from "./group-commit.js";

/** Delivers catch-up then live events to the store's subscriptions. */
export interface LiveFeed {
  subscribe(options: SubscribeOptions, handler: SubscriptionHandler): Subscription;
  /** Called after this process committed `group`: wakes the subscriptions at once. */
  committed(group: CommittedGroup): void;
  /** Closes every subscription and stops polling. */
  close(): Promise<void>;
}

const PAGE_SIZE = 500;

/** Whether a row passes a subscription's filter, as `EventReads.after` decides in SQL. */
const passes = (row: CommittedRow, filter: EventFilter | undefined): boolean =>
  (filter?.streamPrefixes === undefined ||
    filter.streamPrefixes.some((prefix) => row.stream.startsWith(prefix))) &&
  (filter?.eventTypes === undefined || filter.eventTypes.includes(row.event.type));

/** The event a row holds, as a read of the events table would give it back. */
const recordedEventOf = (row: CommittedRow): RecordedEvent => ({
  position: row.position,
  id: row.event.id,
  stream: row.stream,
  revision: row.revision,
  type: row.event.type,
  data: JSON.parse(row.event.data) as JsonObject,
  metadata: JSON.parse(row.event.metadata) as JsonObject,
});

/**
 * Subscriptions read the log in pages; once caught up they sleep until this process commits
 * or, for commits from other processes, until polling sees `PRAGMA data_version` change.
 */
export const createLiveFeed = (
  db: Database.Database,
  reads: EventReads,
  pollIntervalMs: number,
): LiveFeed => {
  const sleepers = new Set<() => void>();
  const open = new Set<Subscription>();
  const dataVersion = db.prepare<[], number>("PRAGMA data_version").pluck();
  let lastSeenVersion = dataVersion.get();
  let poller: NodeJS.Timeout | undefined;
  // This process's last group commit: a subscription that has delivered everything before
  // it takes its events as written instead of reading them back (issue 21).
  let lastGroup: CommittedGroup | undefined;

  const wakeAll = (): void => {
    const woken = [...sleepers];
    sleepers.clear();
    for (const wake of woken) wake();
  };

  const poll = (): void => {
    try {
      const version = dataVersion.get();
      if (version !== lastSeenVersion) {
        lastSeenVersion = version;
        wakeAll();
      }
    } catch {
      // A failing poll wakes everyone so that each subscription meets the error itself.
      wakeAll();
    }
  };

  const stopPollingIfIdle = (): void => {
    if (open.size === 0 && poller !== undefined) {
      clearInterval(poller);
      poller = undefined;
    }
  };

  const subscribe = (options: SubscribeOptions, handler: SubscriptionHandler): Subscription => {
    let closed = false;
    let wakeThis: (() => void) | undefined;
    let last = options.after ?? 0n;

    const run = async (): Promise<SubscriptionEnd> => {
      while (!closed) {
        let page: RecordedEvent[] | "caught-up";
        let upTo: bigint;
        const group = lastGroup;
        const lastRow = group?.rows[group.rows.length - 1];
        if (group !== undefined && lastRow !== undefined && group.after === last) {
          // Nothing lies between what this subscription delivered and the group (its
          // `after` was read under the write lock): the group's rows are the next page.
          page = [];
          for (const row of group.rows) {
            if (passes(row, options.filter)) page.push(recordedEventOf(row));
          }
          upTo = lastRow.position;
        } else
          try {
            // Bound the page by the last committed position, read first: every event up to
            // it is already visible, so after a short page nothing below it can still
            // appear, and the scan moves past it even when the filter matched none of it.
            upTo = reads.lastPosition();
            const events = reads.after(last, upTo, PAGE_SIZE, options.filter);
            page = events.length === 0 && upTo <= last ? "caught-up" : events;
          } catch (error) {
            const unavailable = unavailableFrom(error) ?? {
              code: "store.unavailable" as const,
              message: error instanceof Error ? error.message : String(error),
            };
            return { reason: "store-failed", error: unavailable };
          }
        if (page === "caught-up") {
          await new Promise<void>((resolve) => {
            wakeThis = resolve;
            sleepers.add(resolve);
            poller ??= setInterval(poll, pollIntervalMs);
          });
          wakeThis = undefined;
          continue;
        }
        for (const event of page) {
          if (closed) return { reason: "closed" };
          try {
            await handler(event);
          } catch (error) {
            return { reason: "handler-failed", error };
          }
          last = event.position;
        }
        if (page.length < PAGE_SIZE && upTo > last) last = upTo;
      }
      return { reason: "closed" };
    };

    // Started on the next microtask, so the handler never runs before `subscribe` returns.
    const ended = Promise.resolve().then(run);
    const subscription: Subscription = {
      close: async () => {
        closed = true;
        if (wakeThis !== undefined) {
          sleepers.delete(wakeThis);
          wakeThis();
        }
        await ended;
      },
      ended,
    };
    open.add(subscription);
    void ended.then(() => {
      open.delete(subscription);
      stopPollingIfIdle();
    });
    return subscription;
  };

  return {
    subscribe,
    committed: (group) => {
      lastGroup = group;
      wakeAll();
    },
    close: async () => {
      await Promise.all([...open].map((subscription) => subscription.close()));
      stopPollingIfIdle();
    },
  };
};

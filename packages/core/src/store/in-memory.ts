import * as E from "fp-ts/lib/Either.js";
import type {
  AppendResult,
  EventFilter,
  EventStore,
  EventToAppend,
  JsonObject,
  RecordedEvent,
  Subscription,
  SubscriptionEnd,
  SubscriptionHandler,
} from "./event-store.js";
import { ANY } from "./event-store.js";
import { expectedRevisionConflict } from "./expected-revision.js";

/**
 * An {@link EventStore} held in memory: the reference implementation that every adapter
 * is compared with, and the store of choice for tests, examples and benchmarks.
 *
 * - Global positions are `1n, 2n, 3n, …` in commit order; revisions start at `0n`.
 * - Appends are atomic: a batch is checked and validated as a whole before any of it is
 *   written, and nothing else runs in between.
 * - History cannot be changed after the fact. The store **deep-freezes, in place**, the
 *   `data` and `metadata` a writer hands it (rather than copying them), and every event it
 *   gives back is frozen too. A writer that mutates an object after appending it therefore
 *   gets a `TypeError` in strict-mode code instead of silently rewriting the log.
 * - Only JSON can be stored: `undefined`, functions, symbols, bigints, non-finite numbers
 *   and objects that are not plain (a `Date`, a `Map`, a class instance) are rejected with
 *   a `TypeError`, because a persistent store would not give them back unchanged.
 * - An empty batch, a negative `maxCount`, revision or position are bugs of the caller and
 *   throw a `RangeError`; so does any use of the store after `close()` (an `Error`).
 * - Subscriptions deliver catch-up and live events in log order, one handler call at a
 *   time, never from inside the `subscribe()` call itself. Do not `await` a subscription's
 *   `close()` from inside its own handler: `close()` waits for that very handler call.
 *
 * @example
 * ```ts
 * const store = createInMemoryEventStore();
 * const result = await store.appendToStream(
 *   "lead-42",
 *   [{ id: randomUUID(), type: "LeadCaptured", data: { name: "苏州工业园" }, metadata: {} }],
 *   { expectedRevision: NO_STREAM },
 * );
 * ```
 */
export const createInMemoryEventStore = (): EventStore => {
  const streams = new Map<string, RecordedEvent[]>();
  // log[i] has position i + 1: positions are contiguous here, so "after p" is index p.
  const log: RecordedEvent[] = [];
  const subscriptions = new Set<LiveSubscription>();
  let closing: Promise<void> | undefined;

  const ensureOpen = (): void => {
    if (closing !== undefined) throw new Error("The in-memory event store is closed");
  };

  const notify = (): void => {
    for (const subscription of subscriptions) subscription.wake();
  };

  return {
    async appendToStream(stream, events, options) {
      ensureOpen();
      if (events.length === 0) {
        throw new RangeError(`appendToStream("${stream}") was given an empty batch`);
      }
      const expected = options?.expectedRevision ?? ANY;
      if (typeof expected === "bigint" && expected < 0n) {
        throw new RangeError(`Expected revision ${expected} of "${stream}" is negative`);
      }
      const existing = streams.get(stream);
      const length = existing?.length ?? 0;
      const conflict = expectedRevisionConflict(
        stream,
        expected,
        existing === undefined ? undefined : BigInt(length - 1),
      );
      if (conflict !== undefined) return E.left(conflict);
      // Everything is validated and built before anything is written, so a bad event in
      // the middle of a batch leaves the store as it was.
      const firstPosition = log.length + 1;
      const recorded: RecordedEvent[] = new Array(events.length);
      for (let i = 0; i < events.length; i++) {
        recorded[i] = record(
          stream,
          events[i] as EventToAppend,
          BigInt(length + i),
          BigInt(firstPosition + i),
        );
      }
      const target = existing ?? [];
      if (existing === undefined) streams.set(stream, target);
      for (const event of recorded) {
        target.push(event);
        log.push(event);
      }
      notify();
      const last = recorded[recorded.length - 1] as RecordedEvent;
      const result: AppendResult = { nextExpectedRevision: last.revision, position: last.position };
      return E.right(result);
    },

    async readStream(stream, options) {
      ensureOpen();
      const maxCount = checkMaxCount(options?.maxCount);
      const from = options?.from;
      if (from !== undefined && from < 0n) {
        throw new RangeError(`Cannot read "${stream}" from negative revision ${from}`);
      }
      const events = streams.get(stream);
      if (events === undefined || maxCount === 0) return E.right([]);
      if (options?.direction === "backwards") {
        const last = events.length - 1;
        const start = from === undefined || from > BigInt(last) ? last : Number(from);
        const end = Math.max(-1, start - maxCount);
        const read: RecordedEvent[] = [];
        for (let i = start; i > end; i--) read.push(events[i] as RecordedEvent);
        return E.right(read);
      }
      if (from !== undefined && from >= BigInt(events.length)) return E.right([]);
      const start = from === undefined ? 0 : Number(from);
      return E.right(events.slice(start, start + maxCount));
    },

    async readAll(options) {
      ensureOpen();
      const maxCount = checkMaxCount(options?.maxCount);
      const start = indexAfter(options?.after);
      const matches = compileFilter(options?.filter);
      if (matches === undefined) return E.right(log.slice(start, start + maxCount));
      const read: RecordedEvent[] = [];
      for (let i = start; i < log.length && read.length < maxCount; i++) {
        const event = log[i] as RecordedEvent;
        if (matches(event)) read.push(event);
      }
      return E.right(read);
    },

    subscribe(options, handler) {
      ensureOpen();
      const subscription = startSubscription(
        log,
        indexAfter(options.after),
        compileFilter(options.filter),
        handler,
        () => subscriptions.delete(subscription),
      );
      subscriptions.add(subscription);
      return subscription;
    },

    close() {
      closing ??= Promise.all(Array.from(subscriptions, (s) => s.close())).then(() => {});
      return closing;
    },
  };
};

interface LiveSubscription extends Subscription {
  /** Tells a subscription waiting at the head of the log that the log grew. */
  wake(): void;
}

const CLOSED: SubscriptionEnd = Object.freeze({ reason: "closed" });

const startSubscription = (
  log: readonly RecordedEvent[],
  startIndex: number,
  matches: ((event: RecordedEvent) => boolean) | undefined,
  handler: SubscriptionHandler,
  onEnd: () => void,
): LiveSubscription => {
  let cursor = startIndex;
  let stopping = false;
  let resume: (() => void) | undefined;

  const wake = (): void => {
    const pending = resume;
    resume = undefined;
    pending?.();
  };

  const run = async (): Promise<SubscriptionEnd> => {
    // A handler never runs inside subscribe(): the caller has its Subscription first.
    await undefined;
    for (;;) {
      if (stopping) return CLOSED;
      if (cursor < log.length) {
        const event = log[cursor++] as RecordedEvent;
        if (matches !== undefined && !matches(event)) continue;
        try {
          const pending = handler(event);
          // Skipping the await for synchronous handlers saves a microtask per event.
          if (pending !== undefined) await pending;
        } catch (error) {
          return { reason: "handler-failed", error };
        }
        continue;
      }
      await new Promise<void>((resolve) => {
        resume = resolve;
      });
    }
  };

  const ended = run().then((end) => {
    onEnd();
    return end;
  });

  return {
    ended,
    wake,
    async close() {
      stopping = true;
      wake();
      await ended;
    },
  };
};

const record = (
  stream: string,
  event: EventToAppend,
  revision: bigint,
  position: bigint,
): RecordedEvent => {
  const { id, type, data, metadata } = event;
  if (typeof id !== "string" || id === "") {
    throw new TypeError(`An event for "${stream}" has no string id`);
  }
  if (typeof type !== "string" || type === "") {
    throw new TypeError(`Event ${id} for "${stream}" has no string type`);
  }
  freezeJsonObject(data, `data of event ${id}`);
  freezeJsonObject(metadata, `metadata of event ${id}`);
  return Object.freeze({ id, type, data, metadata, stream, revision, position });
};

const freezeJsonObject = (value: JsonObject, path: string): void => {
  if (!isPlainObject(value)) throw new TypeError(`The ${path} is not a JSON object`);
  freezeJson(value, path);
};

const isPlainObject = (value: unknown): value is { [key: string]: unknown } => {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
};

/** What is wrong with a value, and where: the path is built only when something is wrong. */
class NotJson extends Error {
  readonly segments: string[] = [];
}

/** Deep-freezes a JSON value in place, throwing on anything JSON would not give back. */
const freezeJson = (value: unknown, path: string): void => {
  try {
    freezeJsonValue(value);
  } catch (error) {
    if (!(error instanceof NotJson)) throw error;
    throw new TypeError(
      `The ${path}${error.segments.reverse().join("")} is ${error.message}, not JSON`,
    );
  }
};

// Every append walks its events, so the walk allocates nothing on the way down; the path
// to a bad value is gathered while the NotJson error unwinds.
const freezeJsonValue = (value: unknown): void => {
  switch (typeof value) {
    case "string":
    case "boolean":
      return;
    case "number":
      if (!Number.isFinite(value)) throw new NotJson(String(value));
      return;
    case "object": {
      if (value === null) return;
      if (Array.isArray(value)) {
        // An index loop, not for-of, so that holes are seen (as undefined) and rejected.
        for (let i = 0; i < value.length; i++) {
          try {
            freezeJsonValue(value[i]);
          } catch (error) {
            if (error instanceof NotJson) error.segments.push(`[${i}]`);
            throw error;
          }
        }
      } else if (isPlainObject(value)) {
        for (const key in value) {
          if (!Object.hasOwn(value, key)) continue;
          try {
            freezeJsonValue(value[key]);
          } catch (error) {
            if (error instanceof NotJson) error.segments.push(`.${key}`);
            throw error;
          }
        }
      } else {
        throw new NotJson(`a ${value.constructor?.name ?? "object"}`);
      }
      Object.freeze(value);
      return;
    }
    default:
      throw new NotJson(typeof value);
  }
};

const checkMaxCount = (maxCount: number | undefined): number => {
  if (maxCount === undefined) return Number.POSITIVE_INFINITY;
  if (!(maxCount >= 0) || !(Number.isInteger(maxCount) || maxCount === Number.POSITIVE_INFINITY)) {
    throw new RangeError(`maxCount must be a whole number >= 0, not ${maxCount}`);
  }
  return maxCount;
};

/**
 * The index in the log of the first event after `after`, given that log[i] has position
 * i + 1. Not clamped to the log's length: a subscription from beyond the head must still
 * skip the positions up to `after` once they are written.
 */
const indexAfter = (after: bigint | undefined): number => {
  if (after === undefined) return 0;
  if (after < 0n) throw new RangeError(`Position ${after} is negative`);
  return Number(after);
};

const compileFilter = (
  filter: EventFilter | undefined,
): ((event: RecordedEvent) => boolean) | undefined => {
  const prefixes = filter?.streamPrefixes;
  const types = filter?.eventTypes === undefined ? undefined : new Set(filter.eventTypes);
  if (prefixes === undefined && types === undefined) return undefined;
  // Copied so that a caller changing its array later does not change a live subscription.
  const prefixList = prefixes === undefined ? undefined : [...prefixes];
  return (event) =>
    (types === undefined || types.has(event.type)) &&
    (prefixList === undefined || prefixList.some((prefix) => event.stream.startsWith(prefix)));
};

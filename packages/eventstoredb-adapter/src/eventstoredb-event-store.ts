import {
  type AllStreamResolvedEvent,
  BACKWARDS,
  END,
  type AppendResult as EsdbAppendResult,
  EventStoreDBClient,
  FORWARDS,
  type Position,
  type ReadPosition,
  type ResolvedEvent,
  START,
} from "@eventstore/db-client";
import {
  ANY,
  type AppendOptions,
  type AppendResult,
  type EventStore,
  type EventToAppend,
  type GlobalPosition,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type StoreError,
  type StoreUnavailable,
  type Subscription,
} from "@leadledger/core";
import { type Either, left, right } from "fp-ts/lib/Either.js";
import { ClientLeases, type EsdbClient, type Lease } from "./client-lease.js";
import { collectWithin, TIMED_OUT, withDeadline } from "./deadline.js";
import { classifyClientError, timedOutMessage } from "./error-mapping.js";
import {
  DEFAULT_STREAM_PREFIXES,
  fromResolvedEvent,
  matchesFilter,
  toEventData,
} from "./event-mapping.js";
import { concurrencyConflict, toEsdbExpectedRevision } from "./expected-revision.js";
import { esdbPositionOf, globalPositionOf } from "./positions.js";
import { type ReconnectPolicy, subscribeToAll } from "./subscription.js";

/** Default for {@link EventStoreDbSettings.timeoutMs}. */
export const DEFAULT_TIMEOUT_MS = 5_000;

// $all is read in pages because this client version cannot filter reads on the server:
// a page bounds both memory and the work done between two deadline checks.
const READ_ALL_PAGE = 512;

/** Settings shared by {@link openEventStoreDbEventStore} and {@link createEventStoreDbEventStore}. */
export interface EventStoreDbSettings {
  /**
   * The longest the store waits for the server to answer a call (for a streamed read: to
   * send its next result) before giving `store.unavailable`. Default 5 000 ms.
   */
  readonly timeoutMs?: number;
  /**
   * The streams that belong to this store. `readAll` and `subscribe` see only streams
   * whose name starts with one of these; server streams (`$…`) are never seen.
   * Default: leadledger's `lead-` and `contact-reservation-`.
   */
  readonly streamPrefixes?: readonly string[];
  /** How a dropped subscription reconnects. */
  readonly reconnect?: ReconnectPolicy;
}

/** Options of {@link openEventStoreDbEventStore}. */
export interface EventStoreDbOptions extends EventStoreDbSettings {
  /**
   * An EventStoreDB / KurrentDB connection string: `esdb://host:2113?tls=false` for one
   * node, `esdb://a:2113,b:2113,c:2113` or `esdb+discover://cluster.dns:2113` for a
   * cluster. Unless it sets `defaultDeadline` itself, the client's own gRPC deadline is set
   * to `timeoutMs`.
   */
  readonly connectionString: string;
}

/** Options of {@link createEventStoreDbEventStore}. */
export interface EventStoreDbClientOptions extends EventStoreDbSettings {
  /**
   * Makes a client. Called for the first call and again after a failure, since a client
   * that timed out is replaced rather than reused.
   */
  readonly connect: () => EsdbClient;
}

/**
 * An {@link EventStore} on an EventStoreDB / KurrentDB node or cluster, configured by
 * connection string. No connection is made before the first call; an invalid connection
 * string throws.
 */
export const openEventStoreDbEventStore = (options: EventStoreDbOptions): EventStore => {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const connectionString = withDefaultDeadline(options.connectionString, timeoutMs);
  // Parse once now so that a malformed string fails at start-up, not on the first call.
  const first: EsdbClient = EventStoreDBClient.connectionString(connectionString);
  let pending: EsdbClient | undefined = first;
  return createEventStoreDbEventStore({
    ...options,
    timeoutMs,
    connect: () => {
      const client = pending ?? EventStoreDBClient.connectionString(connectionString);
      pending = undefined;
      return client;
    },
  });
};

/** Adds `defaultDeadline` to a connection string that does not set one. */
export const withDefaultDeadline = (connectionString: string, timeoutMs: number): string => {
  const query = connectionString.split("?")[1] ?? "";
  const keys = query
    .split("&")
    .map((pair) => (pair.split("=")[0] ?? "").trim().toLowerCase().replace(/[_-]/g, ""));
  if (keys.includes("defaultdeadline")) return connectionString;
  const separator = connectionString.includes("?") ? "&" : "?";
  return `${connectionString}${separator}defaultDeadline=${Math.max(1, Math.ceil(timeoutMs))}`;
};

/**
 * An {@link EventStore} over clients made by `options.connect`: for clients built with
 * the client's constructor (certificates in memory, say), and for tests.
 */
export const createEventStoreDbEventStore = (options: EventStoreDbClientOptions): EventStore => {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const streamPrefixes = options.streamPrefixes ?? DEFAULT_STREAM_PREFIXES;
  const reconnect = options.reconnect ?? {};
  const leases = new ClientLeases(options.connect, timeoutMs);
  const subscriptions = new Set<Subscription>();
  let closed = false;

  const unavailable = (message: string): StoreUnavailable => ({
    code: "store.unavailable",
    message,
  });

  /** Runs one call on a leased client, mapping the client's failures to the port's. */
  const call = async <T>(
    operation: string,
    run: (client: EsdbClient) => Promise<Either<StoreError, T> | typeof TIMED_OUT>,
    onStreamNotFound?: () => T,
  ): Promise<Either<StoreError, T>> => {
    if (closed) throw new Error("The EventStoreDB event store is closed");
    const lease: Lease = leases.acquire();
    try {
      const outcome = await run(lease.client);
      if (outcome === TIMED_OUT) {
        leases.retire(lease);
        return left(unavailable(timedOutMessage(operation, timeoutMs)));
      }
      return outcome;
    } catch (error) {
      const meaning = classifyClientError(error);
      switch (meaning.kind) {
        case "unavailable":
          leases.retire(lease);
          return left(unavailable(`${meaning.message} (during ${operation})`));
        case "stream-not-found":
          if (onStreamNotFound !== undefined) return right(onStreamNotFound());
          throw error;
        default:
          // A conflict is only expected from an append, which handles it itself.
          throw error;
      }
    } finally {
      leases.release(lease);
    }
  };

  const readRecorded = async (
    client: EsdbClient,
    stream: string,
    options: ReadStreamOptions,
  ): Promise<readonly RecordedEvent[] | typeof TIMED_OUT> => {
    const direction = options.direction ?? "forwards";
    const read = client.readStream(stream, {
      direction: direction === "forwards" ? FORWARDS : BACKWARDS,
      fromRevision: options.from ?? (direction === "forwards" ? START : END),
      maxCount: options.maxCount ?? Number.MAX_SAFE_INTEGER,
      deadline: timeoutMs,
    });
    const resolved = await collectWithin<ResolvedEvent>(read, timeoutMs);
    if (resolved === TIMED_OUT) return TIMED_OUT;
    return resolved.flatMap((event) => fromResolvedEvent(event) ?? []);
  };

  /**
   * The global position of the last event of a successful append. The append reply
   * carries the position of the write as a whole, which for a batch need not be its last
   * event's; read-your-writes waits for the last one, so a batch's is read back.
   */
  const lastPositionOf = async (
    client: EsdbClient,
    stream: string,
    count: number,
    result: EsdbAppendResult,
  ): Promise<GlobalPosition | undefined> => {
    const replied = result.position === undefined ? undefined : globalPositionOf(result.position);
    if (count === 1 && replied !== undefined) return replied;
    try {
      const last = await readRecorded(client, stream, {
        from: result.nextExpectedRevision,
        maxCount: 1,
      });
      // The read-back is the last event's own position; the reply is only a fallback.
      return (last === TIMED_OUT ? undefined : last[0]?.position) ?? replied;
    } catch {
      return replied;
    }
  };

  const store: EventStore = {
    appendToStream: (stream: string, events: readonly EventToAppend[], options?: AppendOptions) => {
      const expected = options?.expectedRevision ?? ANY;
      return call<AppendResult>(`an append to ${stream}`, async (client) => {
        const outcome = await withDeadline(
          client.appendToStream(stream, events.map(toEventData), {
            expectedRevision: toEsdbExpectedRevision(expected),
            deadline: timeoutMs,
          }),
          timeoutMs,
        ).catch((error: unknown) => {
          const meaning = classifyClientError(error);
          if (meaning.kind === "conflict")
            return concurrencyConflict(stream, expected, meaning.actual);
          throw error;
        });
        if (outcome === TIMED_OUT) return TIMED_OUT;
        if ("code" in outcome) return left(outcome);
        // A client configured with throwOnAppendFailure=false reports a conflict as a value.
        if (!outcome.success) {
          return left(concurrencyConflict(stream, expected, outcome.nextExpectedRevision));
        }
        const position = await lastPositionOf(client, stream, events.length, outcome);
        if (position === undefined) {
          return left(
            unavailable(
              `EventStoreDB appended to ${stream} but gave no position for it (EventStoreDB 22.10 or later is required)`,
            ),
          );
        }
        return right({ nextExpectedRevision: outcome.nextExpectedRevision, position });
      });
    },

    readStream: (stream: string, options: ReadStreamOptions = {}) => {
      if (options.maxCount === 0) return Promise.resolve(right([]));
      return call<readonly RecordedEvent[]>(
        `a read of ${stream}`,
        async (client) => {
          const events = await readRecorded(client, stream, options);
          return events === TIMED_OUT ? TIMED_OUT : right(events);
        },
        () => [],
      );
    },

    readAll: (options: ReadAllOptions = {}) => {
      const wanted = options.maxCount ?? Number.POSITIVE_INFINITY;
      if (wanted <= 0) return Promise.resolve(right([]));
      return call<readonly RecordedEvent[]>("a read of $all", async (client) => {
        const found: RecordedEvent[] = [];
        // Reads from a position include it, so everything at or before `floor` is skipped.
        let floor = options.after;
        let from: ReadPosition = floor === undefined ? START : esdbPositionOf(floor);
        for (;;) {
          const page = await collectWithin<AllStreamResolvedEvent>(
            client.readAll({
              fromPosition: from,
              maxCount: READ_ALL_PAGE,
              direction: FORWARDS,
              deadline: timeoutMs,
            }),
            timeoutMs,
          );
          if (page === TIMED_OUT) return TIMED_OUT;
          let lastSeen: Position | undefined;
          for (const resolved of page) {
            const position = resolved.event?.position;
            if (position === undefined) continue;
            lastSeen = position;
            if (floor !== undefined && globalPositionOf(position) <= floor) continue;
            const event = fromResolvedEvent(resolved);
            if (event === undefined || !matchesFilter(event, streamPrefixes, options.filter))
              continue;
            found.push(event);
            if (found.length >= wanted) return right(found);
          }
          if (page.length < READ_ALL_PAGE || lastSeen === undefined) return right(found);
          if (floor !== undefined && globalPositionOf(lastSeen) <= floor) {
            throw new Error(`EventStoreDB's $all did not advance past position ${floor}`);
          }
          floor = globalPositionOf(lastSeen);
          from = lastSeen;
        }
      });
    },

    subscribe: (options, handler) => {
      if (closed) {
        return { ended: Promise.resolve({ reason: "closed" }), close: () => Promise.resolve() };
      }
      const subscription = subscribeToAll(
        { leases, timeoutMs, streamPrefixes, reconnect },
        options,
        handler,
      );
      subscriptions.add(subscription);
      void subscription.ended.then(() => subscriptions.delete(subscription));
      return subscription;
    },

    close: async () => {
      if (closed) return;
      closed = true;
      await Promise.all([...subscriptions].map((subscription) => subscription.close()));
      await leases.closeAll();
    },
  };
  return store;
};

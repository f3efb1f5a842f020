import type { Either } from "fp-ts/lib/Either.js";

/** A JSON value as it is stored: what every store can keep and give back unchanged. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue };

/** A JSON object: the shape of an event's `data` and `metadata`. */
export type JsonObject = { readonly [key: string]: JsonValue };

/** Expect nothing of the stream: append whatever it holds. */
export const ANY = "any" as const;
/** Expect the stream not to exist yet: the first append of a new stream. */
export const NO_STREAM = "no_stream" as const;
/** Expect the stream to exist, at whatever revision. */
export const STREAM_EXISTS = "stream_exists" as const;

/**
 * What the writer believes the stream's last revision is. A bigint is an exact revision
 * (the revision of the stream's last event); the constants cover the other cases.
 */
export type ExpectedRevision = typeof ANY | typeof NO_STREAM | typeof STREAM_EXISTS | bigint;

/** The position of an event inside its stream: 0n for the first event, then contiguous. */
export type StreamRevision = bigint;

/**
 * The position of an event in the store's global log. Opaque except that it is totally
 * ordered (a later commit has a larger position) and survives `positionToString` /
 * `positionFromString` unchanged. Positions need not be contiguous.
 */
export type GlobalPosition = bigint;

/** Serialises a global position for checkpoints, HTTP and JSON. */
export const positionToString = (position: GlobalPosition): string => position.toString(10);

/** Parses a serialised global position; `undefined` if the text is not one. */
export const positionFromString = (text: string): GlobalPosition | undefined =>
  /^(0|[1-9][0-9]{0,39})$/.test(text) ? BigInt(text) : undefined;

/**
 * An event handed to a store. `id` is a UUID chosen by the writer, new for every event.
 * What a store does with an id it already holds is not part of this port, and stores
 * differ: the SQLite store refuses the append with an exception (a writer's bug), the
 * in-memory store keeps both events, and EventStoreDB may take it for a retry of an earlier
 * append and write nothing. The ledger never reuses one.
 */
export interface EventToAppend {
  readonly id: string;
  readonly type: string;
  readonly data: JsonObject;
  readonly metadata: JsonObject;
}

/** An event as a store gives it back, with where it stands in its stream and the log. */
export interface RecordedEvent extends EventToAppend {
  readonly stream: string;
  readonly revision: StreamRevision;
  readonly position: GlobalPosition;
}

export interface AppendOptions {
  /** Defaults to {@link ANY}. */
  readonly expectedRevision?: ExpectedRevision;
}

export interface AppendResult {
  /** The revision of the last event appended: what to expect on the next append. */
  readonly nextExpectedRevision: StreamRevision;
  /** The global position of the last event appended. */
  readonly position: GlobalPosition;
}

export interface ReadStreamOptions {
  /** First revision to read (inclusive). Forwards defaults to 0n, backwards to the end. */
  readonly from?: StreamRevision;
  readonly direction?: "forwards" | "backwards";
  /** At most this many events; unbounded by default. */
  readonly maxCount?: number;
}

/** Which events of the global log a reader wants. Omitted parts match everything. */
export interface EventFilter {
  /** Keep events whose stream name starts with one of these. */
  readonly streamPrefixes?: readonly string[];
  /** Keep events of these types. */
  readonly eventTypes?: readonly string[];
}

export interface ReadAllOptions {
  /** Read the events after this position (exclusive); from the start when omitted. */
  readonly after?: GlobalPosition;
  /** At most this many events; unbounded by default. */
  readonly maxCount?: number;
  readonly filter?: EventFilter;
}

/** Two writers expected the same revision and this one lost, or the stream was not as expected. */
export interface ConcurrencyConflict {
  readonly code: "concurrency.conflict";
  readonly stream: string;
  readonly expected: ExpectedRevision;
  /** The stream's actual last revision, or {@link NO_STREAM} when it does not exist. */
  readonly actual: StreamRevision | typeof NO_STREAM;
}

/** The store could not be reached or did not answer in time. Safe to retry later. */
export interface StoreUnavailable {
  readonly code: "store.unavailable";
  readonly message: string;
}

/** The expected failures of a store. Anything else is a bug and is thrown. */
export type StoreError = ConcurrencyConflict | StoreUnavailable;

export interface SubscribeOptions {
  /** Deliver the events after this position (exclusive); from the start when omitted. */
  readonly after?: GlobalPosition;
  readonly filter?: EventFilter;
}

/**
 * Receives one event at a time, in log order; the next one is not delivered before the
 * returned promise settles. A handler that throws or rejects ends the subscription.
 */
export type SubscriptionHandler = (event: RecordedEvent) => void | Promise<void>;

/** How a subscription ended. */
export type SubscriptionEnd =
  | { readonly reason: "closed" }
  | { readonly reason: "handler-failed"; readonly error: unknown }
  | { readonly reason: "store-failed"; readonly error: StoreError };

export interface Subscription {
  /** Stops delivery; resolves once no handler call is running any more. */
  close(): Promise<void>;
  /** Settles (never rejects) when the subscription has ended, saying why. */
  readonly ended: Promise<SubscriptionEnd>;
}

/**
 * The port every event store implements: streams with optimistic concurrency and one
 * global, totally ordered log. `eventStoreContract` in `@leadledger/testkit` is the suite
 * that every implementation must pass.
 */
export interface EventStore {
  /**
   * Appends a non-empty batch atomically: all events or none, contiguous revisions.
   * A failed expected-revision check is a `concurrency.conflict` value.
   */
  appendToStream(
    stream: string,
    events: readonly EventToAppend[],
    options?: AppendOptions,
  ): Promise<Either<StoreError, AppendResult>>;

  /** Reads a stream in revision order. A stream that does not exist reads as empty. */
  readStream(
    stream: string,
    options?: ReadStreamOptions,
  ): Promise<Either<StoreError, readonly RecordedEvent[]>>;

  /** Reads the global log in commit order. */
  readAll(options?: ReadAllOptions): Promise<Either<StoreError, readonly RecordedEvent[]>>;

  /**
   * Catch-up then live: delivers every matching event after `options.after`, then each new
   * one as it is committed. At-least-once; positions delivered only ever increase.
   */
  subscribe(options: SubscribeOptions, handler: SubscriptionHandler): Subscription;

  /** Releases the store's resources. Subscriptions are closed first. */
  close(): Promise<void>;
}

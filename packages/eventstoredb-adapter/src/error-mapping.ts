import {
  AccessDeniedError,
  CancelledError,
  type CurrentRevision,
  convertToCommandError,
  DeadlineExceededError,
  NotLeaderError,
  StreamNotFoundError,
  TimeoutError,
  UnavailableError,
  UnknownError,
  WrongExpectedVersionError,
} from "@eventstore/db-client";

/**
 * What an error thrown by the client means to the adapter:
 * - `conflict`: the expected-revision check failed; `actual` is the stream's revision;
 * - `stream-not-found`: a read of a stream that does not exist (reads as empty);
 * - `unavailable`: the cluster could not serve the call now; safe to retry later;
 * - `bug`: anything else (a deleted stream, an oversized append, an unsupported server):
 *   not an expected failure of the port, so the adapter throws it.
 */
export type ClientErrorMeaning =
  | { readonly kind: "conflict"; readonly actual: CurrentRevision }
  | { readonly kind: "stream-not-found" }
  | { readonly kind: "unavailable"; readonly message: string }
  | { readonly kind: "bug"; readonly error: unknown };

// gRPC status codes (from @grpc/grpc-js) that mean "not now" rather than "never".
const TRANSIENT_GRPC_CODES: ReadonlyMap<number, string> = new Map([
  [1, "CANCELLED"],
  [4, "DEADLINE_EXCEEDED"],
  [8, "RESOURCE_EXHAUSTED"],
  [10, "ABORTED"],
  [14, "UNAVAILABLE"],
]);

// Socket errors raised before gRPC has a call to attach them to (DNS discovery, gossip).
const TRANSIENT_SYSTEM_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EPIPE",
]);

const RETRIED_UNKNOWN_CODES = new Set([2, 13]);

const normalise = (error: Error): Error => {
  try {
    return convertToCommandError(error);
  } catch {
    // It reads `details`, which a bare error with a numeric `code` need not have.
    return error;
  }
};

/** Says what a thrown client error means; see {@link ClientErrorMeaning}. */
export const classifyClientError = (thrown: unknown): ClientErrorMeaning => {
  if (!(thrown instanceof Error)) return { kind: "bug", error: thrown };
  // Calls that fail before the client wraps them (the server-features probe run before
  // an append, for one) surface as bare gRPC service errors: normalise those first.
  const error = normalise(thrown);
  if (error instanceof WrongExpectedVersionError) {
    return { kind: "conflict", actual: error.actualVersion };
  }
  if (error instanceof StreamNotFoundError) return { kind: "stream-not-found" };
  if (error instanceof NotLeaderError) {
    return {
      kind: "unavailable",
      message: `EventStoreDB node is not the leader (leader: ${error.leader.address}:${error.leader.port})`,
    };
  }
  if (
    error instanceof UnavailableError ||
    error instanceof DeadlineExceededError ||
    error instanceof TimeoutError ||
    error instanceof CancelledError ||
    // The client files every status it does not name under UnknownError; only UNKNOWN and
    // INTERNAL (a reset HTTP/2 stream, a server hiccup) are worth another attempt.
    (error instanceof UnknownError &&
      (error.code === undefined || RETRIED_UNKNOWN_CODES.has(error.code)))
  ) {
    return { kind: "unavailable", message: `EventStoreDB unavailable: ${error.message}` };
  }
  if (error instanceof AccessDeniedError) {
    // Wrong or missing credentials: the store cannot be used until an operator acts, and
    // callers must answer "unavailable", not crash on an exception.
    return {
      kind: "unavailable",
      message: `EventStoreDB denied access (check the connection string's credentials): ${error.message}`,
    };
  }
  const code = (error as { code?: unknown }).code;
  if (typeof code === "number" && TRANSIENT_GRPC_CODES.has(code)) {
    return {
      kind: "unavailable",
      message: `EventStoreDB unavailable (gRPC ${TRANSIENT_GRPC_CODES.get(code)}): ${error.message}`,
    };
  }
  if (typeof code === "string" && TRANSIENT_SYSTEM_CODES.has(code)) {
    return { kind: "unavailable", message: `EventStoreDB unreachable (${code}): ${error.message}` };
  }
  if (/^Failed to discover after \d+ attempts/.test(error.message)) {
    return {
      kind: "unavailable",
      message: `EventStoreDB cluster discovery failed: ${error.message}`,
    };
  }
  return { kind: "bug", error: thrown };
};

/** The message for an unavailable store when no error came back at all. */
export const timedOutMessage = (operation: string, timeoutMs: number): string =>
  `EventStoreDB did not answer ${operation} within ${timeoutMs} ms`;

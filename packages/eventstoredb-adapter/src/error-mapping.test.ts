import {
  AccessDeniedError,
  CancelledError,
  DeadlineExceededError,
  InvalidArgumentError,
  InvalidTransactionError,
  MaxAppendSizeExceededError,
  NoStreamError,
  NotFoundError,
  NotLeaderError,
  StreamDeletedError,
  StreamNotFoundError,
  TimeoutError,
  UnavailableError,
  UnknownError,
  UnsupportedError,
  WrongExpectedVersionError,
} from "@eventstore/db-client";
import { describe, expect, it } from "vitest";
import { classifyClientError } from "./error-mapping.js";

/** A gRPC ServiceError as @grpc/grpc-js produces it, with the server's metadata. */
const serviceError = (code: number, details: string, metadata: Record<string, string> = {}) =>
  Object.assign(new Error(`${code} ${details}`), {
    code,
    details,
    metadata: { getMap: () => metadata },
  });

// The constructors want a ServiceError; the type is @grpc/grpc-js's, not a dependency here.
// biome-ignore lint/suspicious/noExplicitAny: test doubles for the client's constructors
const asService = (error: ReturnType<typeof serviceError>): any => error;

const kindOf = (error: unknown) => classifyClientError(error).kind;

describe("classifyClientError", () => {
  it("reads a wrong expected version as a conflict with the actual revision", () => {
    const fromAppend = new WrongExpectedVersionError(undefined, {
      streamName: "lead-1",
      expected: "no_stream",
      current: 4n,
    });
    expect(classifyClientError(fromAppend)).toEqual({ kind: "conflict", actual: 4n });
    const onMissing = new WrongExpectedVersionError(undefined, {
      streamName: "lead-1",
      expected: "stream_exists",
      current: "no_stream",
    });
    expect(classifyClientError(onMissing)).toEqual({ kind: "conflict", actual: "no_stream" });
    const fromServer = new WrongExpectedVersionError(
      asService(
        serviceError(9, "wrong expected version", {
          "stream-name": "lead-1",
          "expected-version": "1",
          "actual-version": "2",
        }),
      ),
    );
    expect(classifyClientError(fromServer)).toEqual({ kind: "conflict", actual: 2n });
  });

  it("reads a missing stream as such", () => {
    expect(kindOf(new StreamNotFoundError(undefined, "lead-1"))).toBe("stream-not-found");
  });

  it.each([
    ["UnavailableError", new UnavailableError()],
    ["DeadlineExceededError", new DeadlineExceededError()],
    ["TimeoutError", new TimeoutError()],
    ["CancelledError", new CancelledError()],
    ["UnknownError (no status)", new UnknownError()],
    ["UnknownError (UNKNOWN)", new UnknownError(asService(serviceError(2, "RST_STREAM")))],
    ["UnknownError (INTERNAL)", new UnknownError(asService(serviceError(13, "internal")))],
    [
      "NotLeaderError",
      new NotLeaderError(
        asService(
          serviceError(5, "not leader", {
            "leader-endpoint-host": "node2",
            "leader-endpoint-port": "2113",
          }),
        ),
      ),
    ],
    ["AccessDeniedError", new AccessDeniedError()],
  ])("reads %s as store.unavailable", (_name, error) => {
    expect(kindOf(error)).toBe("unavailable");
  });

  it("names the leader and the credentials where they are the cause", () => {
    const notLeader = new NotLeaderError(
      asService(
        serviceError(5, "not leader", {
          "leader-endpoint-host": "node2",
          "leader-endpoint-port": "2113",
        }),
      ),
    );
    expect(classifyClientError(notLeader)).toMatchObject({
      message: expect.stringMatching(/node2:2113/),
    });
    expect(classifyClientError(new AccessDeniedError())).toMatchObject({
      message: expect.stringMatching(/credentials/),
    });
  });

  it("reads the bare gRPC errors the client lets through as store.unavailable", () => {
    // What an append to an unreachable server throws: not an UnavailableError.
    expect(kindOf(serviceError(14, "UNAVAILABLE: No connection established"))).toBe("unavailable");
    expect(kindOf(serviceError(4, "Deadline exceeded"))).toBe("unavailable");
    expect(kindOf(serviceError(8, "RESOURCE_EXHAUSTED"))).toBe("unavailable");
    expect(kindOf(Object.assign(new Error("no details"), { code: 14 }))).toBe("unavailable");
    expect(kindOf(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }))).toBe(
      "unavailable",
    );
    expect(kindOf(new Error("Failed to discover after 10 attempts."))).toBe("unavailable");
  });

  it.each([
    ["StreamDeletedError", StreamDeletedError.fromStreamName("lead-1")],
    ["MaxAppendSizeExceededError", MaxAppendSizeExceededError.fromMaxAppendSize(1_048_576)],
    ["InvalidArgumentError", new InvalidArgumentError("fromRevision must be positive")],
    ["UnsupportedError", new UnsupportedError("batchAppend", "21.10")],
    ["NotFoundError", new NotFoundError()],
    ["NoStreamError", new NoStreamError()],
    ["InvalidTransactionError", new InvalidTransactionError()],
    [
      "UnknownError (UNIMPLEMENTED)",
      new UnknownError(asService(serviceError(12, "unimplemented"))),
    ],
    ["a bare INVALID_ARGUMENT", serviceError(3, "bad request")],
    ["a TypeError", new TypeError("x is undefined")],
    ["a thrown string", "boom"],
  ])("treats %s as a bug, to be thrown", (_name, error) => {
    expect(classifyClientError(error)).toEqual({ kind: "bug", error });
  });
});

import { ANY, NO_STREAM, STREAM_EXISTS } from "@leadledger/core";
import { describe, expect, it } from "vitest";
import {
  concurrencyConflict,
  fromEsdbCurrentRevision,
  toEsdbExpectedRevision,
} from "./expected-revision.js";

describe("toEsdbExpectedRevision", () => {
  it("maps each of the port's expectations to the client's", () => {
    expect(toEsdbExpectedRevision(ANY)).toBe("any");
    expect(toEsdbExpectedRevision(NO_STREAM)).toBe("no_stream");
    expect(toEsdbExpectedRevision(STREAM_EXISTS)).toBe("stream_exists");
    expect(toEsdbExpectedRevision(0n)).toBe(0n);
    expect(toEsdbExpectedRevision(2n ** 62n)).toBe(2n ** 62n);
  });
});

describe("fromEsdbCurrentRevision", () => {
  it("keeps revisions and spells a missing stream as the port does", () => {
    expect(fromEsdbCurrentRevision(5n)).toBe(5n);
    expect(fromEsdbCurrentRevision(0n)).toBe(0n);
    expect(fromEsdbCurrentRevision("no_stream")).toBe(NO_STREAM);
    // throwOnAppendFailure=false reports a missing stream as -1.
    expect(fromEsdbCurrentRevision(-1n)).toBe(NO_STREAM);
  });
});

describe("concurrencyConflict", () => {
  it("carries the stream, what was expected and the actual revision", () => {
    expect(concurrencyConflict("lead-1", NO_STREAM, 3n)).toEqual({
      code: "concurrency.conflict",
      stream: "lead-1",
      expected: NO_STREAM,
      actual: 3n,
    });
    expect(concurrencyConflict("lead-1", STREAM_EXISTS, "no_stream")).toEqual({
      code: "concurrency.conflict",
      stream: "lead-1",
      expected: STREAM_EXISTS,
      actual: NO_STREAM,
    });
  });
});

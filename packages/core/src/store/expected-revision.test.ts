import { describe, expect, it } from "vitest";
import type { ExpectedRevision, StreamRevision } from "./event-store.js";
import { ANY, NO_STREAM, STREAM_EXISTS } from "./event-store.js";
import { expectedRevisionConflict } from "./expected-revision.js";

// Every store that checks the expected revision itself uses this one rule (issue 13): a
// stream that does not exist is `undefined`, one that does is at its last revision.
const cases: ReadonlyArray<[ExpectedRevision, StreamRevision | undefined, boolean]> = [
  [ANY, undefined, true],
  [ANY, 0n, true],
  [ANY, 41n, true],
  [NO_STREAM, undefined, true],
  [NO_STREAM, 0n, false],
  [STREAM_EXISTS, undefined, false],
  [STREAM_EXISTS, 0n, true],
  [STREAM_EXISTS, 41n, true],
  [0n, undefined, false],
  [0n, 0n, true],
  [0n, 1n, false],
  [41n, 41n, true],
  [41n, 40n, false],
  [41n, 42n, false],
];

describe("expectedRevisionConflict", () => {
  it.each(cases)("expects %s of a stream at %s: accepted is %s", (expected, actual, accepted) => {
    const conflict = expectedRevisionConflict("lead-42", expected, actual);
    expect(conflict).toEqual(
      accepted
        ? undefined
        : {
            code: "concurrency.conflict",
            stream: "lead-42",
            expected,
            actual: actual ?? NO_STREAM,
          },
    );
  });
});

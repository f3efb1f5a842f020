import type { AppendExpectedRevision, CurrentRevision } from "@eventstore/db-client";
import {
  ANY,
  type ConcurrencyConflict,
  type ExpectedRevision,
  NO_STREAM,
  STREAM_EXISTS,
  type StreamRevision,
} from "@leadledger/core";

/**
 * The port's expected revision as the client spells it. The spellings happen to agree
 * today; the switch keeps a renamed constant on either side from passing silently.
 */
export const toEsdbExpectedRevision = (expected: ExpectedRevision): AppendExpectedRevision => {
  switch (expected) {
    case ANY:
      return "any";
    case NO_STREAM:
      return "no_stream";
    case STREAM_EXISTS:
      return "stream_exists";
    default:
      return expected;
  }
};

/** The stream's actual revision as the port spells it. */
export const fromEsdbCurrentRevision = (
  current: CurrentRevision,
): StreamRevision | typeof NO_STREAM =>
  // A client created with throwOnAppendFailure=false reports a missing stream as -1.
  current === "no_stream" || current < 0n ? NO_STREAM : current;

/** The conflict value for a failed expected-revision check. */
export const concurrencyConflict = (
  stream: string,
  expected: ExpectedRevision,
  actual: CurrentRevision,
): ConcurrencyConflict => ({
  code: "concurrency.conflict",
  stream,
  expected,
  actual: fromEsdbCurrentRevision(actual),
});

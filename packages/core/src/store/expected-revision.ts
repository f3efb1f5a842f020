import type { ConcurrencyConflict, ExpectedRevision, StreamRevision } from "./event-store.js";
import { ANY, NO_STREAM, STREAM_EXISTS } from "./event-store.js";

/**
 * The expected-revision check of {@link EventStore.appendToStream}, one rule for every
 * store that runs it itself (in-memory, SQLite): whether a stream whose last revision is
 * `actual` — `undefined` while the stream does not exist — takes an append that expects
 * `expected`. Answers `undefined` when it does, and otherwise the conflict to return, which
 * names the stream's actual revision or {@link NO_STREAM}.
 */
export const expectedRevisionConflict = (
  stream: string,
  expected: ExpectedRevision,
  actual: StreamRevision | undefined,
): ConcurrencyConflict | undefined => {
  const matches =
    expected === ANY ||
    (expected === NO_STREAM && actual === undefined) ||
    (expected === STREAM_EXISTS && actual !== undefined) ||
    (typeof expected === "bigint" && actual === expected);
  return matches
    ? undefined
    : { code: "concurrency.conflict", stream, expected, actual: actual ?? NO_STREAM };
};

import type { EventStore, RecordedEvent } from "@leadledger/core";
import * as E from "fp-ts/lib/Either.js";

/**
 * Appends generated events to a store in log order, one append each, so that the store's
 * global log has them in the same order (with positions of its own). Returns the
 * position of the last one.
 */
export const feed = async (
  store: EventStore,
  events: readonly RecordedEvent[],
): Promise<bigint | undefined> => {
  let last: bigint | undefined;
  for (const { id, type, data, metadata, stream } of events) {
    const appended = await store.appendToStream(stream, [{ id, type, data, metadata }]);
    if (E.isLeft(appended)) throw new Error(`append failed: ${appended.left.code}`);
    last = appended.right.position;
  }
  return last;
};

/** The whole global log of a store. */
export const readLog = async (store: EventStore): Promise<readonly RecordedEvent[]> => {
  const read = await store.readAll();
  if (E.isLeft(read)) throw new Error(read.left.code);
  return read.right;
};

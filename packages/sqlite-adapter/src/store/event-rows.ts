import type { EventFilter, JsonObject, RecordedEvent, StreamRevision } from "@leadledger/core";
import type Database from "better-sqlite3";

/** One row of the events table as read with safe integers, in column order. */
export type EventRow = [
  position: bigint,
  id: string,
  stream: string,
  revision: bigint,
  type: string,
  data: string,
  metadata: string,
];

// data and metadata come back as one JSON array text: one JSON.parse per event instead of
// two is most of what makes readAll fast (it is the bulk of the time spent per row).
type ReadRow = [
  position: bigint,
  id: string,
  stream: string,
  revision: bigint,
  type: string,
  dataAndMetadata: string,
];

const COLUMNS = "position, id, stream, revision, type, '[' || data || ',' || metadata || ']'";

/** Turns a stored row back into the event that was appended. */
const toRecordedEvent = (row: ReadRow): RecordedEvent => {
  const [data, metadata] = JSON.parse(row[5]) as [JsonObject, JsonObject];
  return {
    position: row[0],
    id: row[1],
    stream: row[2],
    revision: row[3],
    type: row[4],
    data,
    metadata,
  };
};

/** The prepared reads of the events table, shared by the store, its feed and backups. */
export interface EventReads {
  lastRevision(stream: string): StreamRevision | undefined;
  streamForwards(stream: string, from: StreamRevision, limit: number): RecordedEvent[];
  streamBackwards(stream: string, from: StreamRevision | undefined, limit: number): RecordedEvent[];
  /** The events after `position` up to `upTo` (both by global position), in log order. */
  after(
    position: bigint,
    upTo: bigint,
    limit: number,
    filter: EventFilter | undefined,
  ): RecordedEvent[];
  /** The largest position committed so far; 0n for an empty log. */
  lastPosition(): bigint;
  streams(): string[];
}

export const prepareEventReads = (db: Database.Database): EventReads => {
  const lastRevision = db
    .prepare<[string], bigint | null>("SELECT MAX(revision) FROM events WHERE stream = ?")
    .pluck()
    .safeIntegers();
  const forwards = db
    .prepare<[string, bigint, number], ReadRow>(
      `SELECT ${COLUMNS} FROM events WHERE stream = ? AND revision >= ? ORDER BY revision LIMIT ?`,
    )
    .raw()
    .safeIntegers();
  const backwardsFrom = db
    .prepare<[string, bigint, number], ReadRow>(
      `SELECT ${COLUMNS} FROM events WHERE stream = ? AND revision <= ? ORDER BY revision DESC LIMIT ?`,
    )
    .raw()
    .safeIntegers();
  const backwardsFromEnd = db
    .prepare<[string, number], ReadRow>(
      `SELECT ${COLUMNS} FROM events WHERE stream = ? ORDER BY revision DESC LIMIT ?`,
    )
    .raw()
    .safeIntegers();
  const lastPosition = db
    .prepare<[], bigint | null>("SELECT MAX(position) FROM events")
    .pluck()
    .safeIntegers();
  const streams = db
    .prepare<[], string>("SELECT DISTINCT stream FROM events ORDER BY stream")
    .pluck();

  // One statement per shape of filter, so that a filtered read is still one indexed query.
  const filtered = new Map<string, Database.Statement<unknown[], ReadRow>>();
  const afterStatement = (prefixes: number, types: number) => {
    const key = `${prefixes}:${types}`;
    let statement = filtered.get(key);
    if (statement === undefined) {
      const conditions = ["position > ? AND position <= ?"];
      // instr(...) = 1 rather than LIKE/GLOB: a prefix is matched literally, whatever it holds.
      if (prefixes > 0) {
        conditions.push(
          `(${Array.from({ length: prefixes }, () => "instr(stream, ?) = 1").join(" OR ")})`,
        );
      }
      if (types > 0)
        conditions.push(`type IN (${Array.from({ length: types }, () => "?").join(", ")})`);
      statement = db
        .prepare<unknown[], ReadRow>(
          `SELECT ${COLUMNS} FROM events WHERE ${conditions.join(" AND ")} ORDER BY position LIMIT ?`,
        )
        .raw()
        .safeIntegers();
      filtered.set(key, statement);
    }
    return statement;
  };

  return {
    lastRevision: (stream) => lastRevision.get(stream) ?? undefined,
    streamForwards: (stream, from, limit) => forwards.all(stream, from, limit).map(toRecordedEvent),
    streamBackwards: (stream, from, limit) =>
      (from === undefined
        ? backwardsFromEnd.all(stream, limit)
        : backwardsFrom.all(stream, from, limit)
      ).map(toRecordedEvent),
    after: (position, upTo, limit, filter) => {
      const prefixes = filter?.streamPrefixes ?? [];
      const types = filter?.eventTypes ?? [];
      // An empty list in a filter means "none of these", which matches nothing.
      if (filter?.streamPrefixes?.length === 0 || filter?.eventTypes?.length === 0) return [];
      return afterStatement(prefixes.length, types.length)
        .all(position, upTo, ...prefixes, ...types, limit)
        .map(toRecordedEvent);
    },
    lastPosition: () => lastPosition.get() ?? 0n,
    streams: () => streams.all(),
  };
};

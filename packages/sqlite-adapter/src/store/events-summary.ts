import Database from "better-sqlite3";

/** How much an events file holds. */
export interface EventsSummary {
  readonly eventCount: number;
  readonly streamCount: number;
  /** The last global position, as a decimal string; "0" for an empty log. */
  readonly lastPosition: string;
}

/**
 * Counts the events and streams of an events file, read-only, in one snapshot (a live file
 * too). A backup's manifest records it; a long job over the whole log (a rebuild of the
 * projections) knows from it how far it has to go.
 */
export const summariseEventsFile = (path: string): EventsSummary => {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const row = db
      .prepare<[], { eventCount: number; streamCount: number; lastPosition: bigint | null }>(
        "SELECT COUNT(*) AS eventCount, COUNT(DISTINCT stream) AS streamCount, MAX(position) AS lastPosition FROM events",
      )
      .safeIntegers()
      .get();
    return {
      eventCount: Number(row?.eventCount ?? 0),
      streamCount: Number(row?.streamCount ?? 0),
      lastPosition: (row?.lastPosition ?? 0n).toString(10),
    };
  } finally {
    db.close();
  }
};

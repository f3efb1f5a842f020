import { LEAD_STREAM_PREFIX } from "@leadledger/core";
import Database from "better-sqlite3";
import type { LedgerFiles } from "../ledger-files.js";

/** Lead ids found on one side only, at most {@link KEYS_AND_STREAMS_SAMPLE} of them named. */
export interface UnmatchedLeads {
  readonly count: number;
  readonly sample: readonly string[];
}

/** How a ledger's lead streams and its key rows match up. */
export interface KeysAndStreams {
  readonly leadStreams: number;
  /** Key rows: active keys and destroyed markers. */
  readonly keys: number;
  readonly destroyedKeys: number;
  /**
   * Keys whose lead has no stream. A capture makes the key before its first event, so a
   * capture that failed or crashed in between leaves one: harmless, but a whole lead stream
   * deleted from the events file looks the same (the log's checkpoints tell which).
   */
  readonly keysWithoutStreams: UnmatchedLeads;
  /**
   * Lead streams with no key row at all, not even a destroyed marker: their personal parts
   * cannot be read, and no purge says why. A key deleted from `keys.sqlite`, or a keys file
   * from another ledger.
   */
  readonly streamsWithoutKeys: UnmatchedLeads;
}

/** How many lead ids of each kind are named. */
export const KEYS_AND_STREAMS_SAMPLE = 20;

// The first name past every lead stream's: the prefix with its last character moved up one.
const PAST_LEAD_STREAMS = `${LEAD_STREAM_PREFIX.slice(0, -1)}${String.fromCharCode(
  LEAD_STREAM_PREFIX.charCodeAt(LEAD_STREAM_PREFIX.length - 1) + 1,
)}`;
// Lead streams, by range so that SQLite walks the (stream, revision) index.
const LEAD_STREAMS = `SELECT DISTINCT substr(stream, ${LEAD_STREAM_PREFIX.length + 1}) AS lead_id
  FROM events WHERE stream >= '${LEAD_STREAM_PREFIX}' AND stream < '${PAST_LEAD_STREAMS}'`;

/**
 * Compares the lead streams of an events file with the rows of a keys file, read-only in
 * one snapshot of each (live files too). Never writes.
 */
export const matchKeysWithStreams = (
  files: Pick<LedgerFiles, "events" | "keys">,
): KeysAndStreams => {
  const db = new Database(files.events, { readonly: true, fileMustExist: true });
  try {
    db.prepare("ATTACH DATABASE ? AS k").run(files.keys);
    const count = (sql: string): number => db.prepare<[], number>(sql).pluck().get() ?? 0;
    const unmatched = (sql: string): UnmatchedLeads => ({
      count: count(`SELECT COUNT(*) FROM (${sql})`),
      sample: db
        .prepare<[], string>(`${sql} ORDER BY lead_id LIMIT ${KEYS_AND_STREAMS_SAMPLE}`)
        .pluck()
        .all(),
    });
    return {
      leadStreams: count(`SELECT COUNT(*) FROM (${LEAD_STREAMS})`),
      keys: count("SELECT COUNT(*) FROM k.lead_keys"),
      destroyedKeys: count("SELECT COUNT(*) FROM k.lead_keys WHERE key IS NULL"),
      keysWithoutStreams: unmatched(
        `SELECT lead_id FROM k.lead_keys WHERE lead_id NOT IN (${LEAD_STREAMS})`,
      ),
      streamsWithoutKeys: unmatched(
        `SELECT lead_id FROM (${LEAD_STREAMS}) WHERE lead_id NOT IN (SELECT lead_id FROM k.lead_keys)`,
      ),
    };
  } finally {
    db.close();
  }
};

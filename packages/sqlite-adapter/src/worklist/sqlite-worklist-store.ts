import { type GlobalPosition, positionFromString, positionToString } from "@leadledger/core";
import type { WorklistCommit, WorklistStore, WorklistUnavailable } from "@leadledger/projections";
import Database from "better-sqlite3";
import * as E from "fp-ts/lib/Either.js";
import type { Durability } from "../connection/durability.js";
import { openDatabase } from "../connection/open-database.js";

/** How to open the SQLite worklist. */
export interface SqliteWorklistOptions {
  /** Its own file, e.g. `worklist.sqlite` in the data directory (mode 0600). */
  readonly path: string;
  /**
   * SQLite's `synchronous`. Default `"normal"`: after a power cut the last commits may be
   * lost, and the indexer redoes them from the older checkpoint.
   */
  readonly synchronous?: Durability;
}

const unavailable = (error: unknown): WorklistUnavailable => ({
  code: "worklist.unavailable",
  message: error instanceof Error ? error.message : String(error),
});

/** Runs `work`; a SQLite failure becomes a value, anything else is a bug and is thrown. */
const attempt = <A>(work: () => A): E.Either<WorklistUnavailable, A> => {
  try {
    return E.right(work());
  } catch (error) {
    if (error instanceof Database.SqliteError) return E.left(unavailable(error));
    throw error;
  }
};

/**
 * Lead ids of postings kept in memory, in all: about 100 bytes each, so some 50 MB at most.
 * A posting list of a common term (a frequent surname: 14,368 leads of 100,000) cost a few
 * milliseconds to read on every search; kept, it costs a lookup.
 */
const KEPT_POSTING_IDS = 500_000;

/**
 * A worklist store in SQLite: `worklist_cards` (lead id, sealed card), `worklist_terms`
 * (term, lead id: the blind index, looked up by term) and the checkpoint, all written in
 * one transaction per batch. Deleted rows are overwritten (`secure_delete`): a purged
 * lead's terms do not linger in free pages. The file is derived from the log and the
 * keys: delete it and the indexer rebuilds it on the next start (docs/operations.md).
 */
export const openSqliteWorklistStore = (options: SqliteWorklistOptions): WorklistStore => {
  const db = openDatabase({
    path: options.path,
    durability: options.synchronous ?? "normal",
    secureDelete: true,
  });
  db.exec(`
    CREATE TABLE IF NOT EXISTS worklist_cards (lead_id TEXT PRIMARY KEY, card TEXT NOT NULL) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS worklist_terms (term TEXT NOT NULL, lead_id TEXT NOT NULL, PRIMARY KEY (term, lead_id)) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS worklist_terms_by_lead ON worklist_terms (lead_id);
    CREATE TABLE IF NOT EXISTS worklist_checkpoint (one INTEGER PRIMARY KEY CHECK (one = 1), position TEXT NOT NULL);
  `);
  const readCheckpoint = db
    .prepare("SELECT position FROM worklist_checkpoint WHERE one = 1")
    .pluck();
  const saveCheckpoint = db.prepare(
    "INSERT INTO worklist_checkpoint (one, position) VALUES (1, ?) ON CONFLICT (one) DO UPDATE SET position = excluded.position",
  );
  const deleteCard = db.prepare("DELETE FROM worklist_cards WHERE lead_id = ?");
  const deleteTerms = db.prepare("DELETE FROM worklist_terms WHERE lead_id = ?");
  const insertCard = db.prepare("INSERT INTO worklist_cards (lead_id, card) VALUES (?, ?)");
  const insertTerm = db.prepare(
    "INSERT OR IGNORE INTO worklist_terms (term, lead_id) VALUES (?, ?)",
  );
  const selectCard = db.prepare("SELECT card FROM worklist_cards WHERE lead_id = ?").pluck();
  const selectLeads = db.prepare("SELECT lead_id FROM worklist_terms WHERE term = ?").pluck();
  // Changes whenever another connection (another server process on the same file) commits;
  // this connection's own commits clear the kept postings themselves.
  const dataVersion = db.prepare("PRAGMA data_version").pluck();

  // Posting lists as last read, the least recently used first: valid until the file
  // changes, checked on every read, so a search never sees an index older than an uncached
  // one would.
  const kept = new Map<string, readonly string[]>();
  let keptIds = 0;
  let keptAtVersion: unknown;
  const forgetPostings = (): void => {
    kept.clear();
    keptIds = 0;
  };
  const postingsOf = (term: string): readonly string[] => {
    const version = dataVersion.get();
    if (version !== keptAtVersion) {
      forgetPostings();
      keptAtVersion = version;
    }
    const known = kept.get(term);
    if (known !== undefined) {
      kept.delete(term);
      kept.set(term, known);
      return known;
    }
    const leads = Object.freeze(selectLeads.all(term) as string[]);
    kept.set(term, leads);
    keptIds += leads.length;
    for (const [oldest, postings] of kept) {
      if (keptIds <= KEPT_POSTING_IDS || oldest === term) break;
      kept.delete(oldest);
      keptIds -= postings.length;
    }
    return leads;
  };

  const write = db.transaction((batch: WorklistCommit) => {
    for (const leadId of batch.removed) {
      deleteCard.run(leadId);
      deleteTerms.run(leadId);
    }
    for (const entry of batch.entries) {
      deleteCard.run(entry.leadId);
      deleteTerms.run(entry.leadId);
      insertCard.run(entry.leadId, entry.sealedCard);
      for (const term of entry.terms) insertTerm.run(term, entry.leadId);
    }
    saveCheckpoint.run(positionToString(batch.checkpoint));
  });

  let closed = false;
  return {
    checkpoint: async () =>
      attempt(() => {
        const text = readCheckpoint.get() as string | undefined;
        return text === undefined ? undefined : (positionFromString(text) as GlobalPosition);
      }),
    commit: async (batch) =>
      attempt(() => {
        // Forgotten before the write, whether or not it succeeds: the write is synchronous,
        // so no read comes between, and this connection's commits leave data_version as is.
        forgetPostings();
        write(batch);
      }),
    sealedCards: async (leadIds) =>
      attempt(() => {
        const found = new Map<string, string>();
        for (const leadId of leadIds) {
          const card = selectCard.get(leadId) as string | undefined;
          if (card !== undefined) found.set(leadId, card);
        }
        return found;
      }),
    leadsWithTerm: async (term) => attempt(() => postingsOf(term)),
    close: async () => {
      if (closed) return;
      closed = true;
      db.close();
    },
  };
};

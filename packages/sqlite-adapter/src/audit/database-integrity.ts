import Database from "better-sqlite3";

/** What SQLite's own `integrity_check` says of a database file. */
export interface DatabaseIntegrity {
  readonly ok: boolean;
  /** SQLite's findings, at most 20; or why the file could not be read at all. */
  readonly messages: readonly string[];
}

// Reports at most this many integrity messages per file: enough to see what is wrong.
const INTEGRITY_MESSAGE_LIMIT = 20;

/** SQLite's findings on an open database: `["ok"]` when it found nothing. */
export const integrityMessages = (db: Database.Database): string[] =>
  db.prepare<[], string>(`PRAGMA integrity_check(${INTEGRITY_MESSAGE_LIMIT})`).pluck().all();

/**
 * Runs SQLite's `integrity_check` on a database file, read-only (a live file too: it reads
 * one snapshot and blocks no writer). Never throws: a missing or unreadable file is a
 * finding.
 */
export const checkDatabaseIntegrity = (path: string): DatabaseIntegrity => {
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    const messages = integrityMessages(db);
    return messages.length === 1 && messages[0] === "ok"
      ? { ok: true, messages: [] }
      : { ok: false, messages };
  } catch (error) {
    return { ok: false, messages: [error instanceof Error ? error.message : String(error)] };
  } finally {
    db?.close();
  }
};

import { existsSync } from "node:fs";
import Database from "better-sqlite3";
import type { LedgerFiles } from "./ledger-files.js";

const holdsRows = (path: string, table: "events" | "lead_keys"): boolean => {
  if (!existsSync(path)) return false;
  // Opened for writing (never creating) so that a WAL left by a crash is read as well.
  const db = new Database(path, { fileMustExist: true });
  try {
    const hasTable = db
      .prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?")
      .get(table);
    return (
      hasTable !== undefined && db.prepare(`SELECT 1 FROM ${table} LIMIT 1`).get() !== undefined
    );
  } finally {
    db.close();
  }
};

/**
 * Whether a ledger's files already hold an event or a key. A ledger that does must not be
 * given a new secret (its duplicate and suppression checks are keyed hashes under the old
 * one) nor demo data. Missing and empty files hold nothing; a file that is not a database
 * throws.
 */
export const ledgerHoldsData = (files: LedgerFiles): boolean =>
  holdsRows(files.events, "events") || holdsRows(files.keys, "lead_keys");

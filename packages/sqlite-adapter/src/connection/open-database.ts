import Database from "better-sqlite3";
import { DEFAULT_BUSY_TIMEOUT_MS, DEFAULT_DURABILITY, type Durability } from "./durability.js";

/** How to open one SQLite file of the ledger. */
export interface DatabaseSettings {
  readonly path: string;
  readonly durability?: Durability;
  readonly busyTimeoutMs?: number;
  /** Overwrite deleted content with zeros (needed where deleted bytes must not survive). */
  readonly secureDelete?: boolean;
  readonly readonly?: boolean;
}

/**
 * Opens a file in WAL mode with the ledger's pragmas. The busy timeout is set before
 * anything else so that switching to WAL while another process holds a lock waits
 * instead of failing.
 */
export const openDatabase = (settings: DatabaseSettings): Database.Database => {
  const readonly = settings.readonly ?? false;
  const db = new Database(settings.path, { readonly, fileMustExist: readonly });
  try {
    db.pragma(
      `busy_timeout = ${Math.max(0, Math.floor(settings.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS))}`,
    );
    if (!readonly) {
      db.pragma("journal_mode = WAL");
      db.pragma(`synchronous = ${(settings.durability ?? DEFAULT_DURABILITY).toUpperCase()}`);
      if (settings.secureDelete === true) db.pragma("secure_delete = ON");
    }
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
};

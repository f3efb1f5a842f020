import Database from "better-sqlite3";
import { DEFAULT_BUSY_TIMEOUT_MS, DEFAULT_DURABILITY, type Durability } from "./durability.js";
import { ensurePrivateFile } from "./private-files.js";

/** How to open one SQLite file of the ledger. */
export interface DatabaseSettings {
  readonly path: string;
  readonly durability?: Durability;
  readonly busyTimeoutMs?: number;
  /** Overwrite deleted content with zeros (needed where deleted bytes must not survive). */
  readonly secureDelete?: boolean;
  readonly readonly?: boolean;
}

/** Whether `path` names a file on disk (not SQLite's in-memory or URI forms). */
const isFilePath = (path: string): boolean =>
  path !== "" && path !== ":memory:" && !path.startsWith("file:");

/**
 * Creates the file of a database about to be opened for writing, if it is absent, with
 * mode 0600: SQLite would create it under the umask (0644 as a rule), and gives its -wal
 * and -shm files the database file's mode.
 */
export const ensurePrivateDatabaseFile = (path: string): void => {
  if (isFilePath(path)) ensurePrivateFile(path);
};

/**
 * Opens a file in WAL mode with the ledger's pragmas; a file opened for writing is created
 * readable by its owner only. The busy timeout is set before anything else so that
 * switching to WAL while another process holds a lock waits instead of failing.
 */
export const openDatabase = (settings: DatabaseSettings): Database.Database => {
  const readonly = settings.readonly ?? false;
  if (!readonly) ensurePrivateDatabaseFile(settings.path);
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

import { readFileSync } from "node:fs";
import { join } from "node:path";

/** The file in a backup directory that says what the backup holds. */
export const MANIFEST_FILE = "manifest.json";
/** The events copy inside a backup directory. */
export const EVENTS_BACKUP_FILE = "events.sqlite";
/** The keys copy inside a backup directory; erased when its retention ends. */
export const KEYS_BACKUP_FILE = "keys.sqlite";
/** The copy of the file holding the ledger secret (`LedgerFiles.config`) inside a backup. */
export const CONFIG_BACKUP_FILE = "config.json";
/** The copy of the API tokens' file (`LedgerFiles.tokens`) inside a backup. */
export const TOKENS_BACKUP_FILE = "tokens.sqlite";

/** What a backup directory holds, written last so that a backup without one is unfinished. */
export interface BackupManifest {
  readonly format: "leadledger-backup";
  readonly version: 1;
  /** When the backup was taken (ISO 8601). The events snapshot is taken before the keys. */
  readonly createdAt: string;
  readonly events: {
    readonly file: string;
    readonly sha256: string;
    readonly bytes: number;
    readonly eventCount: number;
    readonly streamCount: number;
    /** The last global position in the snapshot, as a decimal string. */
    readonly lastPosition: string;
  };
  readonly keys: {
    readonly file: string;
    readonly sha256: string;
    readonly bytes: number;
    readonly activeCount: number;
    readonly destroyedCount: number;
    /** Set once the key copy was erased at the end of its retention. */
    readonly expiredAt?: string;
  };
  /**
   * The copy of the file holding the ledger secret; absent when the ledger's files named
   * none (its secret is kept elsewhere) and in backups taken before it was included. It is
   * kept, and erased, with the key copy.
   */
  readonly config?: {
    readonly file: string;
    readonly sha256: string;
    readonly bytes: number;
    /** Set once the copy was erased with the key copy, at the end of its retention. */
    readonly expiredAt?: string;
  };
  /**
   * The copy of the API tokens' file (hashes only); absent when the ledger had none and in
   * backups taken before tokens were kept in a file of their own.
   */
  readonly tokens?: {
    readonly file: string;
    readonly sha256: string;
    readonly bytes: number;
    /** How many tokens it holds, revoked and expired ones included. */
    readonly tokenCount: number;
  };
}

/** Reads a backup's manifest; throws if it is missing or not one. */
export const readManifest = (directory: string): BackupManifest => {
  const manifest = JSON.parse(readFileSync(join(directory, MANIFEST_FILE), "utf8")) as unknown;
  if (
    typeof manifest !== "object" ||
    manifest === null ||
    (manifest as { format?: unknown }).format !== "leadledger-backup" ||
    (manifest as { version?: unknown }).version !== 1
  ) {
    throw new Error(`${join(directory, MANIFEST_FILE)} is not a leadledger backup manifest`);
  }
  return manifest as BackupManifest;
};

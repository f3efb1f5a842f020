import { readFileSync } from "node:fs";
import { join } from "node:path";

/** The file in a backup directory that says what the backup holds. */
export const MANIFEST_FILE = "manifest.json";
/** The events copy inside a backup directory. */
export const EVENTS_BACKUP_FILE = "events.sqlite";
/** The keys copy inside a backup directory; erased when its retention ends. */
export const KEYS_BACKUP_FILE = "keys.sqlite";

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

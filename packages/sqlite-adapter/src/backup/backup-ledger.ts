import { existsSync, mkdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import type { StoreUnavailable } from "@leadledger/core";
import Database from "better-sqlite3";
import type { Either } from "fp-ts/lib/Either.js";
import * as E from "fp-ts/lib/Either.js";
import { openDatabase } from "../connection/open-database.js";
import { unavailableFrom } from "../connection/store-failure.js";
import type { LedgerFiles } from "../ledger-files.js";
import {
  type BackupManifest,
  EVENTS_BACKUP_FILE,
  KEYS_BACKUP_FILE,
  MANIFEST_FILE,
} from "./backup-manifest.js";
import { sha256OfFile, syncToDisk, writeFileAtomically } from "./durable-files.js";

/** How `backupLedger` dates its backup. */
export interface BackupOptions {
  /** The clock that dates the backup; the system clock by default. */
  readonly now?: () => Date;
}

// VACUUM INTO reads one consistent snapshot (a read transaction, which in WAL mode blocks
// no writer, in this process or another) and writes a compact copy holding only live rows:
// no free pages, so nothing deleted from the source, such as a destroyed key, is carried over.
const snapshot = (source: string, target: string): void => {
  const db = openDatabase({ path: source, readonly: true });
  try {
    db.prepare("VACUUM INTO ?").run(target);
  } finally {
    db.close();
  }
  syncToDisk(target);
};

const summariseEvents = (path: string) => {
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

const summariseKeys = (path: string) => {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const row = db
      .prepare<[], { activeCount: number | null; destroyedCount: number | null }>(
        "SELECT SUM(key IS NOT NULL) AS activeCount, SUM(key IS NULL) AS destroyedCount FROM lead_keys",
      )
      .get();
    return { activeCount: row?.activeCount ?? 0, destroyedCount: row?.destroyedCount ?? 0 };
  } finally {
    db.close();
  }
};

/**
 * Takes a consistent online copy of a ledger's events and keys into `directory` (created
 * if needed; it must not already hold a backup) while the ledger keeps running. The events
 * are copied before the keys: a lead's key is created before its first event, so every
 * lead in the events copy has its key, or its destroyed marker, in the later keys copy.
 * The manifest is written last, with checksums, so a backup without one is unfinished.
 *
 * Runs synchronously inside: for large files, call it from a worker or a separate process.
 */
export const backupLedger = async (
  files: LedgerFiles,
  directory: string,
  options: BackupOptions = {},
): Promise<Either<StoreUnavailable, BackupManifest>> => {
  mkdirSync(directory, { recursive: true });
  const eventsCopy = join(directory, EVENTS_BACKUP_FILE);
  const keysCopy = join(directory, KEYS_BACKUP_FILE);
  for (const path of [eventsCopy, keysCopy, join(directory, MANIFEST_FILE)]) {
    if (existsSync(path)) throw new Error(`${path} exists: a backup is never written over another`);
  }
  const createdAt = (options.now ?? (() => new Date()))().toISOString();
  try {
    snapshot(files.events, eventsCopy);
    snapshot(files.keys, keysCopy);
    syncToDisk(directory);
    const manifest: BackupManifest = {
      format: "leadledger-backup",
      version: 1,
      createdAt,
      events: {
        file: EVENTS_BACKUP_FILE,
        sha256: sha256OfFile(eventsCopy),
        bytes: statSync(eventsCopy).size,
        ...summariseEvents(eventsCopy),
      },
      keys: {
        file: KEYS_BACKUP_FILE,
        sha256: sha256OfFile(keysCopy),
        bytes: statSync(keysCopy).size,
        ...summariseKeys(keysCopy),
      },
    };
    writeFileAtomically(join(directory, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
    return E.right(manifest);
  } catch (error) {
    rmSync(eventsCopy, { force: true });
    rmSync(keysCopy, { force: true });
    const unavailable = unavailableFrom(error);
    if (unavailable === undefined) throw error;
    return E.left(unavailable);
  }
};

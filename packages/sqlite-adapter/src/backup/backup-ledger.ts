import { existsSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import type { StoreUnavailable } from "@leadledger/core";
import Database from "better-sqlite3";
import type { Either } from "fp-ts/lib/Either.js";
import * as E from "fp-ts/lib/Either.js";
import { openDatabase } from "../connection/open-database.js";
import { createPrivateDirectory, ensurePrivateFile } from "../connection/private-files.js";
import { unavailableFrom } from "../connection/store-failure.js";
import type { LedgerFiles } from "../ledger-files.js";
import { summariseEventsFile } from "../store/events-summary.js";
import {
  type BackupManifest,
  CONFIG_BACKUP_FILE,
  EVENTS_BACKUP_FILE,
  KEYS_BACKUP_FILE,
  MANIFEST_FILE,
  TOKENS_BACKUP_FILE,
} from "./backup-manifest.js";
import {
  copyFilePrivately,
  sha256OfFile,
  syncToDisk,
  writeFileAtomically,
} from "./durable-files.js";

/** How `backupLedger` dates its backup. */
export interface BackupOptions {
  /** The clock that dates the backup; the system clock by default. */
  readonly now?: () => Date;
}

// VACUUM INTO reads one consistent snapshot (a read transaction, which in WAL mode blocks
// no writer, in this process or another) and writes a compact copy holding only live rows:
// no free pages, so nothing deleted from the source, such as a destroyed key, is carried over.
// It writes into the empty file made for it, so the copy is private (0600) from the start.
const snapshot = (source: string, target: string): void => {
  ensurePrivateFile(target);
  const db = openDatabase({ path: source, readonly: true });
  try {
    db.prepare("VACUUM INTO ?").run(target);
  } finally {
    db.close();
  }
  syncToDisk(target);
};

const countTokens = (path: string): number => {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return db.prepare<[], number>("SELECT COUNT(*) FROM api_tokens").pluck().get() ?? 0;
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
 * if needed; it must not already hold a backup) while the ledger keeps running, and a copy
 * of the file holding its secret (`files.config`), which must then exist: a backup restores
 * a working ledger or is not taken. The events are copied before the keys: a lead's key is
 * created before its first event, so every lead in the events copy has its key, or its
 * destroyed marker, in the later keys copy. The secret never changes. The manifest is
 * written last, with checksums, so a backup without one is unfinished. Every directory it
 * creates is 0700 and every file 0600, whatever the umask: the backup holds the keys and
 * the secret.
 *
 * Runs synchronously inside: for large files, call it from a worker or a separate process.
 */
export const backupLedger = async (
  files: LedgerFiles,
  directory: string,
  options: BackupOptions = {},
): Promise<Either<StoreUnavailable, BackupManifest>> => {
  if (files.config !== undefined && !existsSync(files.config)) {
    throw new Error(
      `${files.config} does not exist: a backup without the ledger secret would not restore a working ledger`,
    );
  }
  createPrivateDirectory(directory);
  const eventsCopy = join(directory, EVENTS_BACKUP_FILE);
  const keysCopy = join(directory, KEYS_BACKUP_FILE);
  const configCopy = join(directory, CONFIG_BACKUP_FILE);
  const tokensCopy = join(directory, TOKENS_BACKUP_FILE);
  // A ledger whose server never started since tokens moved to their own file has none yet.
  const tokens = files.tokens !== undefined && existsSync(files.tokens) ? files.tokens : undefined;
  for (const path of [
    eventsCopy,
    keysCopy,
    configCopy,
    tokensCopy,
    join(directory, MANIFEST_FILE),
  ]) {
    if (existsSync(path)) throw new Error(`${path} exists: a backup is never written over another`);
  }
  const createdAt = (options.now ?? (() => new Date()))().toISOString();
  try {
    snapshot(files.events, eventsCopy);
    snapshot(files.keys, keysCopy);
    if (files.config !== undefined) copyFilePrivately(files.config, configCopy);
    if (tokens !== undefined) snapshot(tokens, tokensCopy);
    syncToDisk(directory);
    const manifest: BackupManifest = {
      format: "leadledger-backup",
      version: 1,
      createdAt,
      events: {
        file: EVENTS_BACKUP_FILE,
        sha256: sha256OfFile(eventsCopy),
        bytes: statSync(eventsCopy).size,
        ...summariseEventsFile(eventsCopy),
      },
      keys: {
        file: KEYS_BACKUP_FILE,
        sha256: sha256OfFile(keysCopy),
        bytes: statSync(keysCopy).size,
        ...summariseKeys(keysCopy),
      },
      ...(files.config === undefined
        ? {}
        : {
            config: {
              file: CONFIG_BACKUP_FILE,
              sha256: sha256OfFile(configCopy),
              bytes: statSync(configCopy).size,
            },
          }),
      ...(tokens === undefined
        ? {}
        : {
            tokens: {
              file: TOKENS_BACKUP_FILE,
              sha256: sha256OfFile(tokensCopy),
              bytes: statSync(tokensCopy).size,
              tokenCount: countTokens(tokensCopy),
            },
          }),
    };
    writeFileAtomically(join(directory, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
    return E.right(manifest);
  } catch (error) {
    rmSync(eventsCopy, { force: true });
    rmSync(keysCopy, { force: true });
    rmSync(configCopy, { force: true });
    rmSync(tokensCopy, { force: true });
    const unavailable = unavailableFrom(error);
    if (unavailable === undefined) throw error;
    return E.left(unavailable);
  }
};

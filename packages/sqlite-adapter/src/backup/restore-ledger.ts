import { copyFileSync, existsSync, mkdirSync, renameSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Either } from "fp-ts/lib/Either.js";
import * as E from "fp-ts/lib/Either.js";
import type { LedgerFiles } from "../ledger-files.js";
import { readManifest } from "./backup-manifest.js";
import { syncToDisk } from "./durable-files.js";
import { type BackupVerification, type VerifyOptions, verifyBackup } from "./verify-backup.js";

/** Where to restore from and to. */
export interface RestoreRequest {
  /** The backup directory whose events are restored. */
  readonly from: string;
  /**
   * The backup directory whose keys are restored; `from` by default. Keys only ever gain
   * entries or lose them to erasure, so a newer key copy serves an older events copy: this
   * is how events kept longer than the key retention are restored.
   */
  readonly keysFrom?: string;
  /** The files to create. None of them, nor their -wal or -shm, may exist. */
  readonly to: LedgerFiles;
  readonly verify?: VerifyOptions;
}

/** Why a restore did not happen. Nothing was written in either case. */
export type RestoreRefused =
  | {
      readonly code: "restore.backup-damaged";
      readonly from: string;
      readonly verification: BackupVerification;
    }
  | { readonly code: "restore.keys-expired"; readonly from: string }
  | { readonly code: "restore.target-exists"; readonly path: string };

const installCopy = (source: string, target: string): void => {
  mkdirSync(dirname(target), { recursive: true });
  const temporary = `${target}.restoring`;
  copyFileSync(source, temporary);
  syncToDisk(temporary);
  renameSync(temporary, target);
  syncToDisk(dirname(target));
};

/**
 * Restores a ledger from backups: verifies them first, refuses to write over existing
 * files, and installs each file atomically. Stop every process using the target files
 * first; the ledger opened on them afterwards reads the same histories as when the
 * backup was taken.
 */
export const restoreLedger = async (
  request: RestoreRequest,
): Promise<Either<RestoreRefused, { readonly eventCount: number }>> => {
  const keysFrom = request.keysFrom ?? request.from;
  for (const path of [request.to.events, request.to.keys]) {
    for (const file of [path, `${path}-wal`, `${path}-shm`]) {
      if (existsSync(file)) return E.left({ code: "restore.target-exists", path: file });
    }
  }
  const verification = await verifyBackup(request.from, request.verify);
  if (!verification.ok) {
    return E.left({ code: "restore.backup-damaged", from: request.from, verification });
  }
  if (keysFrom !== request.from) {
    const keysVerification = await verifyBackup(keysFrom, request.verify);
    if (!keysVerification.ok) {
      return E.left({
        code: "restore.backup-damaged",
        from: keysFrom,
        verification: keysVerification,
      });
    }
  }
  const keysManifest = readManifest(keysFrom);
  if (keysManifest.keys.expiredAt !== undefined) {
    return E.left({ code: "restore.keys-expired", from: keysFrom });
  }
  installCopy(join(request.from, readManifest(request.from).events.file), request.to.events);
  installCopy(join(keysFrom, keysManifest.keys.file), request.to.keys);
  return E.right({ eventCount: verification.eventCount });
};

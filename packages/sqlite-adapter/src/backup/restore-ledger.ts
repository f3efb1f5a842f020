import { existsSync, renameSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Either } from "fp-ts/lib/Either.js";
import * as E from "fp-ts/lib/Either.js";
import { createPrivateDirectory } from "../connection/private-files.js";
import type { LedgerFiles } from "../ledger-files.js";
import { readManifest } from "./backup-manifest.js";
import { copyFilePrivately, syncToDisk } from "./durable-files.js";
import { type BackupVerification, type VerifyOptions, verifyBackup } from "./verify-backup.js";

/** Where to restore from and to. */
export interface RestoreRequest {
  /** The backup directory whose events are restored. */
  readonly from: string;
  /**
   * The backup directory whose keys, and secret, are restored; `from` by default. Keys only
   * ever gain entries or lose them to erasure, and the secret never changes, so a newer
   * backup serves an older events copy: this is how events kept longer than the key
   * retention are restored.
   */
  readonly keysFrom?: string;
  /**
   * The files to create. None of them, nor their -wal or -shm, may exist. When `to.config`
   * is named (as `ledgerFiles` does) the backup must hold the secret's file.
   */
  readonly to: LedgerFiles;
  readonly verify?: VerifyOptions;
}

/** Why a restore did not happen. Nothing was written in any case. */
export type RestoreRefused =
  | {
      readonly code: "restore.backup-damaged";
      readonly from: string;
      readonly verification: BackupVerification;
    }
  | { readonly code: "restore.keys-expired"; readonly from: string }
  /** `to.config` was named but the backup holds no copy of the ledger secret. */
  | { readonly code: "restore.config-missing"; readonly from: string }
  | { readonly code: "restore.target-exists"; readonly path: string };

const installCopy = (source: string, target: string): void => {
  createPrivateDirectory(dirname(target));
  const temporary = `${target}.restoring`;
  rmSync(temporary, { force: true }); // left by an interrupted restore
  copyFilePrivately(source, temporary);
  renameSync(temporary, target);
  syncToDisk(dirname(target));
};

/**
 * Restores a ledger from backups: verifies them first, refuses to write over existing
 * files, and installs each file atomically — the events, the keys and, when `to.config` is
 * named, the file holding the ledger secret — readable by its owner only (files 0600, the
 * directories it creates 0700). Stop every process using the target files first; the
 * ledger opened on them afterwards reads the same histories as when the backup was taken.
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
  if (request.to.config !== undefined && existsSync(request.to.config)) {
    return E.left({ code: "restore.target-exists", path: request.to.config });
  }
  if (request.to.tokens !== undefined) {
    for (const file of [
      request.to.tokens,
      `${request.to.tokens}-wal`,
      `${request.to.tokens}-shm`,
    ]) {
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
  // Without its secret the restored ledger would take every known person for a new one.
  if (request.to.config !== undefined && keysManifest.config === undefined) {
    return E.left({ code: "restore.config-missing", from: keysFrom });
  }
  installCopy(join(request.from, readManifest(request.from).events.file), request.to.events);
  installCopy(join(keysFrom, keysManifest.keys.file), request.to.keys);
  if (request.to.config !== undefined && keysManifest.config !== undefined) {
    installCopy(join(keysFrom, keysManifest.config.file), request.to.config);
  }
  // The tokens as they stood at the newer backup, like the secret; the events' own backup's
  // when the newer one holds none.
  const tokensFrom = keysManifest.tokens === undefined ? request.from : keysFrom;
  const tokensCopy = readManifest(tokensFrom).tokens;
  if (request.to.tokens !== undefined && tokensCopy !== undefined) {
    installCopy(join(tokensFrom, tokensCopy.file), request.to.tokens);
  }
  return E.right({ eventCount: verification.eventCount });
};

import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readdirSync,
  rmSync,
  statSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import { MANIFEST_FILE, readManifest } from "./backup-manifest.js";
import { syncToDisk, writeFileAtomically } from "./durable-files.js";

/** The default number of days a backup's key copy is kept. */
export const DEFAULT_KEY_RETENTION_DAYS = 30;

/** Which backups' key copies to erase: those older than the retention, under `root`. */
export interface KeyRetention {
  /** The directory holding one sub-directory per backup. */
  readonly root: string;
  /** Defaults to {@link DEFAULT_KEY_RETENTION_DAYS}. */
  readonly retentionDays?: number;
  /** Defaults to the system clock. */
  readonly now?: () => Date;
}

// Zeroed before it is unlinked: on filesystems that write in place the old blocks then no
// longer hold keys once they return to the free list.
const eraseFile = (path: string): void => {
  const size = statSync(path).size;
  const fd = openSync(path, "r+");
  try {
    const zeros = Buffer.alloc(Math.min(size, 1 << 20));
    for (let written = 0; written < size; written += zeros.length) {
      writeSync(fd, zeros, 0, Math.min(zeros.length, size - written), written);
    }
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  rmSync(path);
};

/**
 * Erases the key copy, and the copy of the ledger secret, of every backup under `root`
 * older than the retention, keeping its events copy: those stay restorable with a newer backup's keys. This is what makes erasure
 * reach backups: once a lead's key is destroyed, the last copy of it is gone when the last
 * key copy taken before the destruction expires, at most `retentionDays` later.
 * Returns the backup directories whose keys were erased.
 */
export const expireKeyBackups = (retention: KeyRetention): string[] => {
  const now = (retention.now ?? (() => new Date()))().getTime();
  const maxAgeMs = (retention.retentionDays ?? DEFAULT_KEY_RETENTION_DAYS) * 86_400_000;
  const expired: string[] = [];
  for (const entry of readdirSync(retention.root, { withFileTypes: true })) {
    const directory = join(retention.root, entry.name);
    if (!entry.isDirectory() || !existsSync(join(directory, MANIFEST_FILE))) continue;
    const manifest = readManifest(directory);
    if (manifest.keys.expiredAt !== undefined) continue;
    if (now - Date.parse(manifest.createdAt) < maxAgeMs) continue;
    const keysFile = join(directory, manifest.keys.file);
    if (existsSync(keysFile)) eraseFile(keysFile);
    // The ledger secret goes with the keys: it then lies in no more places than they do.
    const configFile =
      manifest.config === undefined ? undefined : join(directory, manifest.config.file);
    if (configFile !== undefined && existsSync(configFile)) eraseFile(configFile);
    syncToDisk(directory);
    const expiredAt = new Date(now).toISOString();
    const erased = {
      ...manifest,
      keys: { ...manifest.keys, expiredAt },
      ...(manifest.config === undefined ? {} : { config: { ...manifest.config, expiredAt } }),
    };
    writeFileAtomically(join(directory, MANIFEST_FILE), `${JSON.stringify(erased, null, 2)}\n`);
    expired.push(directory);
  }
  return expired.sort();
};

import { createHash } from "node:crypto";
import { closeSync, fsyncSync, openSync, readSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/** Flushes a file (or a directory's entries) to the disk. */
export const syncToDisk = (path: string): void => {
  const fd = openSync(path, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
};

/** Writes a file so that a crash leaves either the old content or the new, never a mix. */
export const writeFileAtomically = (path: string, content: string): void => {
  const temporary = `${path}.writing`;
  writeFileSync(temporary, content);
  syncToDisk(temporary);
  renameSync(temporary, path);
  syncToDisk(dirname(path));
};

/** The SHA-256 of a file's bytes, in hex, read in chunks so large files fit in memory. */
export const sha256OfFile = (path: string): string => {
  const hash = createHash("sha256");
  const buffer = Buffer.allocUnsafe(1 << 20);
  const fd = openSync(path, "r");
  try {
    for (;;) {
      const read = readSync(fd, buffer, 0, buffer.length, null);
      if (read === 0) break;
      hash.update(buffer.subarray(0, read));
    }
  } finally {
    closeSync(fd);
  }
  return hash.digest("hex");
};

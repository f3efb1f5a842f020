import { createHash } from "node:crypto";
import {
  closeSync,
  fsyncSync,
  openSync,
  readSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { dirname } from "node:path";
import { openNewPrivateFile } from "../connection/private-files.js";

/** Flushes a file (or a directory's entries) to the disk. */
export const syncToDisk = (path: string): void => {
  const fd = openSync(path, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
};

/**
 * Writes a file so that a crash leaves either the old content or the new, never a mix. The
 * file is readable by its owner only (0600).
 */
export const writeFileAtomically = (path: string, content: string): void => {
  const temporary = `${path}.writing`;
  rmSync(temporary, { force: true }); // left by a crash
  const fd = openNewPrivateFile(temporary);
  try {
    writeFileSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
  syncToDisk(dirname(path));
};

const CHUNK_BYTES = 1 << 20;

/**
 * Copies `source` to a new file `target` (which must not exist) readable by its owner only
 * (0600), and flushes it to the disk. Unlike `copyFileSync`, which gives the copy the
 * source's mode, the copy is private from its first byte.
 */
export const copyFilePrivately = (source: string, target: string): void => {
  const from = openSync(source, "r");
  try {
    const to = openNewPrivateFile(target);
    try {
      const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
      for (;;) {
        const read = readSync(from, buffer, 0, buffer.length, null);
        if (read === 0) break;
        for (let written = 0; written < read; ) {
          written += writeSync(to, buffer, written, read - written);
        }
      }
      fsyncSync(to);
    } finally {
      closeSync(to);
    }
  } finally {
    closeSync(from);
  }
};

/** The SHA-256 of a file's bytes, in hex, read in chunks so large files fit in memory. */
export const sha256OfFile = (path: string): string => {
  const hash = createHash("sha256");
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
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

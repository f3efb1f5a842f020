import {
  closeSync,
  constants,
  existsSync,
  fchmodSync,
  fstatSync,
  fsyncSync,
  openSync,
  readSync,
  writeSync,
} from "node:fs";
import { dirname } from "node:path";
import { decodeLogCheckpoint, type LogCheckpoint } from "@leadledger/core/adapter";
import * as E from "fp-ts/lib/Either.js";
import { syncToDisk } from "../backup/durable-files.js";
import { PRIVATE_FILE_MODE } from "../connection/private-files.js";

// The checkpoints file: one JSON checkpoint per line, only ever appended to. It lives beside
// the events database by default, but nothing in it is needed to run the ledger: it is
// evidence, and belongs wherever the database's writers cannot rewrite it (docs/operations.md,
// "Tamper evidence").

/** One line of a checkpoints file as read back: a checkpoint, or why it is not one. */
export type CheckpointLine =
  | { readonly line: number; readonly checkpoint: LogCheckpoint }
  | { readonly line: number; readonly unreadable: string };

const CHUNK_BYTES = 1 << 16;

const decodeLine = (line: number, text: string): CheckpointLine => {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { line, unreadable: "not JSON" };
  }
  const decoded = decodeLogCheckpoint(json);
  return E.isLeft(decoded)
    ? { line, unreadable: decoded.left }
    : { line, checkpoint: decoded.right };
};

/**
 * Every line of a checkpoints file, in file order, read in chunks (the file grows for as
 * long as the ledger runs). A file that does not exist has no lines.
 */
export function* readCheckpointLines(file: string): Generator<CheckpointLine> {
  if (!existsSync(file)) return;
  const fd = openSync(file, "r");
  try {
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    let pending = Buffer.alloc(0);
    let line = 0;
    for (;;) {
      const read = readSync(fd, buffer, 0, buffer.length, null);
      if (read === 0) break;
      pending = Buffer.concat([pending, buffer.subarray(0, read)]);
      for (let end = pending.indexOf(0x0a); end >= 0; end = pending.indexOf(0x0a)) {
        line += 1;
        const text = pending.subarray(0, end).toString("utf8");
        pending = pending.subarray(end + 1);
        if (text.trim() !== "") yield decodeLine(line, text);
      }
    }
    // A last line without its newline: a write cut short by a crash, or an edit.
    if (pending.length > 0) yield decodeLine(line + 1, pending.toString("utf8"));
  } finally {
    closeSync(fd);
  }
}

/**
 * The lines at the end of a checkpoints file, last first, without their line numbers (-1):
 * what a recorder resumes from, read without going through a file that grows for as long
 * as the ledger runs. At least the last complete line when the file has one.
 */
export const readLastCheckpointLines = (file: string): CheckpointLine[] => {
  if (!existsSync(file)) return [];
  const fd = openSync(file, "r");
  try {
    const size = fstatSync(fd).size;
    for (let span = Math.min(size, CHUNK_BYTES); ; span = Math.min(size, span * 4)) {
      const tail = Buffer.allocUnsafe(span);
      readSync(fd, tail, 0, span, size - span);
      const texts = tail.toString("utf8").split("\n");
      // The first piece may be the end of a line that began before the tail.
      if (span < size) texts.shift();
      const lines = texts
        .filter((text) => text.trim() !== "")
        .map((text) => decodeLine(-1, text))
        .reverse();
      if (lines.some((line) => "checkpoint" in line) || span === size) return lines;
    }
  } finally {
    closeSync(fd);
  }
};

/**
 * Appends one checkpoint as a line and flushes it to the disk before returning. The file is
 * created readable by its owner only (0600). A last line left unfinished by a crash is ended
 * first, so it stays a line of its own that a verify reports, and the new one stays whole.
 */
export const appendCheckpoint = (file: string, checkpoint: LogCheckpoint): void => {
  const created = !existsSync(file);
  const fd = openSync(
    file,
    constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT,
    PRIVATE_FILE_MODE,
  );
  try {
    if (created) fchmodSync(fd, PRIVATE_FILE_MODE);
    const size = fstatSync(fd).size;
    let text = `${JSON.stringify(checkpoint)}\n`;
    if (size > 0 && !endsWithNewline(file, size)) text = `\n${text}`;
    const bytes = Buffer.from(text, "utf8");
    for (let written = 0; written < bytes.length; ) {
      written += writeSync(fd, bytes, written, bytes.length - written);
    }
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  if (created) syncToDisk(dirname(file));
};

const endsWithNewline = (file: string, size: number): boolean => {
  const fd = openSync(file, "r");
  try {
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    return last[0] === 0x0a;
  } finally {
    closeSync(fd);
  }
};

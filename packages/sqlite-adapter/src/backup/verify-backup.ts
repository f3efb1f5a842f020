import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import {
  type HistoryBreak,
  type JsonObject,
  type RecordedEvent,
  verifyHistory,
} from "@leadledger/core";
import Database from "better-sqlite3";
import type { EventRow } from "../store/event-rows.js";
import { type BackupManifest, readManifest } from "./backup-manifest.js";
import { sha256OfFile } from "./durable-files.js";

/** One thing wrong with a backup. */
export type BackupProblem =
  | { readonly kind: "manifest-unreadable"; readonly message: string }
  | { readonly kind: "file-missing"; readonly file: string }
  | {
      readonly kind: "checksum-mismatch";
      readonly file: string;
      readonly expected: string;
      readonly actual: string;
    }
  | { readonly kind: "database-unreadable"; readonly file: string; readonly message: string }
  | {
      readonly kind: "integrity-check-failed";
      readonly file: string;
      readonly messages: readonly string[];
    }
  | {
      readonly kind: "event-undecodable";
      readonly file: string;
      readonly stream: string;
      readonly revision: string;
      readonly message: string;
    }
  | {
      readonly kind: "history-broken";
      readonly stream: string;
      readonly breaks: readonly HistoryBreak[];
    }
  | {
      readonly kind: "count-mismatch";
      readonly file: string;
      readonly what: string;
      readonly expected: number;
      readonly actual: number;
    };

/** What `verifyBackup` found: `ok` only when nothing at all is wrong. */
export interface BackupVerification {
  readonly ok: boolean;
  readonly problems: readonly BackupProblem[];
  readonly eventCount: number;
  readonly streamCount: number;
  /** `undefined` when there was no key copy to check (a lone events file, or expired keys). */
  readonly keyCount: number | undefined;
}

export interface VerifyOptions {
  /**
   * Which streams must carry an unbroken hash chain; all of them by default. Every stream,
   * chained or not, must be contiguous from revision 0.
   */
  readonly hashChained?: (stream: string) => boolean;
}

// Reports at most this many integrity messages per file: enough to see what is wrong.
const INTEGRITY_MESSAGE_LIMIT = 20;

const integrityProblems = (db: Database.Database, file: string): BackupProblem[] => {
  const messages = db
    .prepare<[], string>(`PRAGMA integrity_check(${INTEGRITY_MESSAGE_LIMIT})`)
    .pluck()
    .all();
  return messages.length === 1 && messages[0] === "ok"
    ? []
    : [{ kind: "integrity-check-failed", file, messages }];
};

const messageOf = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

const verifyEventsFile = (
  file: string,
  hashChained: (stream: string) => boolean,
): { problems: BackupProblem[]; eventCount: number; streamCount: number } => {
  const problems: BackupProblem[] = [];
  let eventCount = 0;
  let streamCount = 0;
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    problems.push(...integrityProblems(db, file));
    let stream: string | undefined;
    let history: RecordedEvent[] = [];
    const checkStream = (): void => {
      if (stream === undefined) return;
      streamCount += 1;
      const chained = hashChained(stream);
      const breaks = verifyHistory(history).breaks.filter(
        (found) => chained || found.kind === "revision-gap",
      );
      if (breaks.length > 0) problems.push({ kind: "history-broken", stream, breaks });
    };
    const rows = db
      .prepare<[], EventRow>(
        "SELECT position, id, stream, revision, type, data, metadata FROM events ORDER BY stream, revision",
      )
      .raw()
      .safeIntegers()
      .iterate();
    for (const [position, id, rowStream, revision, type, data, metadata] of rows) {
      eventCount += 1;
      if (rowStream !== stream) {
        checkStream();
        stream = rowStream;
        history = [];
      }
      try {
        history.push({
          position,
          id,
          stream: rowStream,
          revision,
          type,
          data: JSON.parse(data) as JsonObject,
          metadata: JSON.parse(metadata) as JsonObject,
        });
      } catch (error) {
        problems.push({
          kind: "event-undecodable",
          file,
          stream: rowStream,
          revision: revision.toString(10),
          message: messageOf(error),
        });
      }
    }
    checkStream();
  } catch (error) {
    problems.push({ kind: "database-unreadable", file, message: messageOf(error) });
  } finally {
    db?.close();
  }
  return { problems, eventCount, streamCount };
};

const verifyKeysFile = (
  file: string,
): { problems: BackupProblem[]; keyCount: number | undefined } => {
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const problems = integrityProblems(db, file);
    const keyCount = db.prepare<[], number>("SELECT COUNT(*) FROM lead_keys").pluck().get() ?? 0;
    return { problems, keyCount };
  } catch (error) {
    return {
      problems: [{ kind: "database-unreadable", file, message: messageOf(error) }],
      keyCount: undefined,
    };
  } finally {
    db?.close();
  }
};

const checksumProblems = (file: string, expected: string): BackupProblem[] => {
  if (!existsSync(file)) return [{ kind: "file-missing", file }];
  const actual = sha256OfFile(file);
  return actual === expected ? [] : [{ kind: "checksum-mismatch", file, expected, actual }];
};

const verifyBackupDirectory = (directory: string, options: VerifyOptions): BackupVerification => {
  let manifest: BackupManifest;
  try {
    manifest = readManifest(directory);
  } catch (error) {
    return {
      ok: false,
      problems: [{ kind: "manifest-unreadable", message: messageOf(error) }],
      eventCount: 0,
      streamCount: 0,
      keyCount: undefined,
    };
  }
  const problems: BackupProblem[] = [];
  const eventsFile = join(directory, manifest.events.file);
  problems.push(...checksumProblems(eventsFile, manifest.events.sha256));
  // Checked row by row even when the checksum already failed: the report then says which
  // streams the damage reaches.
  const events = existsSync(eventsFile)
    ? verifyEventsFile(eventsFile, options.hashChained ?? (() => true))
    : { problems: [], eventCount: 0, streamCount: 0 };
  problems.push(...events.problems);
  for (const [what, expected, actual] of [
    ["events", manifest.events.eventCount, events.eventCount],
    ["streams", manifest.events.streamCount, events.streamCount],
  ] as const) {
    if (expected !== actual)
      problems.push({ kind: "count-mismatch", file: eventsFile, what, expected, actual });
  }
  let keyCount: number | undefined;
  if (manifest.keys.expiredAt === undefined) {
    const keysFile = join(directory, manifest.keys.file);
    problems.push(...checksumProblems(keysFile, manifest.keys.sha256));
    if (existsSync(keysFile)) {
      const keys = verifyKeysFile(keysFile);
      problems.push(...keys.problems);
      keyCount = keys.keyCount;
      const expected = manifest.keys.activeCount + manifest.keys.destroyedCount;
      if (keyCount !== undefined && expected !== keyCount) {
        problems.push({
          kind: "count-mismatch",
          file: keysFile,
          what: "keys",
          expected,
          actual: keyCount,
        });
      }
    }
  }
  return {
    ok: problems.length === 0,
    problems,
    eventCount: events.eventCount,
    streamCount: events.streamCount,
    keyCount,
  };
};

/**
 * Checks a backup and reports everything wrong with it: `path` is a backup directory
 * written by `backupLedger` (checksums, SQLite's integrity check on both files, counts)
 * or a lone events database file. In both cases every stream must be contiguous from
 * revision 0 and its hash chain unbroken. Never throws for a damaged backup.
 */
export const verifyBackup = async (
  path: string,
  options: VerifyOptions = {},
): Promise<BackupVerification> => {
  if (!existsSync(path)) {
    return {
      ok: false,
      problems: [{ kind: "file-missing", file: path }],
      eventCount: 0,
      streamCount: 0,
      keyCount: undefined,
    };
  }
  if (statSync(path).isDirectory()) return verifyBackupDirectory(path, options);
  const events = verifyEventsFile(path, options.hashChained ?? (() => true));
  return { ok: events.problems.length === 0, ...events, keyCount: undefined };
};

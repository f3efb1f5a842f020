import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import type { HistoryBreak, JsonObject, RecordedEvent } from "@leadledger/core";
import { chainKeyOf, isHashChainedStream, verifyHistory } from "@leadledger/core/adapter";
import Database from "better-sqlite3";
import { integrityMessages } from "../audit/database-integrity.js";
import {
  type LogCheckpointProblem,
  verifyLogCheckpoints,
} from "../audit/verify-log-checkpoints.js";
import { VERIFY_PROGRESS_EVERY_EVENTS, type VerifyProgress } from "../audit/verify-progress.js";
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
    }
  | {
      /** The events do not match the log's checkpoints (`checkpoints` option). */
      readonly kind: "log-checkpoint";
      readonly problem: LogCheckpointProblem;
    };

/** What `verifyBackup` found: `ok` only when nothing at all is wrong. */
export interface BackupVerification {
  readonly ok: boolean;
  readonly problems: readonly BackupProblem[];
  readonly eventCount: number;
  readonly streamCount: number;
  /** `undefined` when there was no key copy to check (a lone events file, or expired keys). */
  readonly keyCount: number | undefined;
  /**
   * Keyed chain links left unchecked for want of the ledger secret (`secret` option): a
   * report without it checks the structure and the unkeyed links only.
   */
  readonly uncheckedLinks: number;
}

export interface VerifyOptions {
  /**
   * Which streams must carry an unbroken hash chain; by default those the ledger chains,
   * its lead streams (`isHashChainedStream`). Every stream, chained or not, must be
   * contiguous from revision 0.
   */
  readonly hashChained?: (stream: string) => boolean;
  /**
   * The ledger's secret: with it every keyed chain link is checked, so that a stream
   * rewritten by someone without the secret shows. Without it keyed links are only counted.
   */
  readonly secret?: Uint8Array;
  /**
   * A checkpoints file (the live one, or a copy kept elsewhere), checked with `secret`: the
   * events must match every checkpoint, which finds events deleted or changed anywhere
   * before the last one (docs/operations.md, "Tamper evidence"). For a backup directory the
   * checkpoints recorded after the backup are left out; a lone events file must reach them.
   */
  readonly checkpoints?: string;
  /**
   * Told how far the checks have come: every 10,000 events and at the end of each pass over
   * them. Verifying is synchronous inside: a caller that shows progress runs it off its main
   * thread (the `leadledger` command runs it in a worker).
   */
  readonly onProgress?: (progress: VerifyProgress) => void;
}

const integrityProblems = (db: Database.Database, file: string): BackupProblem[] => {
  const messages = integrityMessages(db);
  return messages.length === 1 && messages[0] === "ok"
    ? []
    : [{ kind: "integrity-check-failed", file, messages }];
};

const messageOf = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

const verifyEventsFile = (
  file: string,
  hashChained: (stream: string) => boolean,
  secret: Uint8Array | undefined,
  onProgress: VerifyOptions["onProgress"],
): {
  problems: BackupProblem[];
  eventCount: number;
  streamCount: number;
  uncheckedLinks: number;
} => {
  const problems: BackupProblem[] = [];
  let eventCount = 0;
  let streamCount = 0;
  let uncheckedLinks = 0;
  const chainOptions = secret === undefined ? {} : { chainKey: chainKeyOf(secret) };
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
      const verified = verifyHistory(history, chainOptions);
      if (chained) uncheckedLinks += verified.uncheckedLinks;
      const breaks = verified.breaks.filter((found) => chained || found.kind === "revision-gap");
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
      if (eventCount % VERIFY_PROGRESS_EVERY_EVENTS === 0) {
        onProgress?.({ pass: "histories", events: eventCount });
      }
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
  onProgress?.({ pass: "histories", events: eventCount });
  return { problems, eventCount, streamCount, uncheckedLinks };
};

/** The checkpoints' verdict on an events file, when the caller asked for it. */
const checkpointProblems = (
  eventsFile: string,
  options: VerifyOptions,
  tail: "must-reach" | "may-end-before",
): BackupProblem[] => {
  if (options.checkpoints === undefined) return [];
  if (options.secret === undefined) {
    throw new TypeError("verifyBackup: checking checkpoints needs the ledger secret");
  }
  const replay = verifyLogCheckpoints({
    events: eventsFile,
    checkpoints: options.checkpoints,
    secret: options.secret,
    tail,
    ...(options.onProgress === undefined
      ? {}
      : {
          onProgress: (events: number) => options.onProgress?.({ pass: "checkpoints", events }),
        }),
  });
  return replay.problems.map((problem) => ({ kind: "log-checkpoint", problem }));
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

const verifyTokensFile = (
  file: string,
  expected: { readonly tokenCount: number },
): BackupProblem[] => {
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const problems = integrityProblems(db, file);
    const count = db.prepare<[], number>("SELECT COUNT(*) FROM api_tokens").pluck().get() ?? 0;
    if (count !== expected.tokenCount) {
      problems.push({
        kind: "count-mismatch",
        file,
        what: "tokens",
        expected: expected.tokenCount,
        actual: count,
      });
    }
    return problems;
  } catch (error) {
    return [{ kind: "database-unreadable", file, message: messageOf(error) }];
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
      uncheckedLinks: 0,
    };
  }
  const problems: BackupProblem[] = [];
  const eventsFile = join(directory, manifest.events.file);
  problems.push(...checksumProblems(eventsFile, manifest.events.sha256));
  // Checked row by row even when the checksum already failed: the report then says which
  // streams the damage reaches.
  const events = existsSync(eventsFile)
    ? verifyEventsFile(
        eventsFile,
        options.hashChained ?? isHashChainedStream,
        options.secret,
        options.onProgress,
      )
    : { problems: [], eventCount: 0, streamCount: 0, uncheckedLinks: 0 };
  problems.push(...events.problems);
  if (existsSync(eventsFile))
    problems.push(...checkpointProblems(eventsFile, options, "may-end-before"));
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
  if (manifest.config !== undefined && manifest.config.expiredAt === undefined) {
    // The ledger secret's file: a restore installs it as it was backed up, or not at all.
    const configFile = join(directory, manifest.config.file);
    problems.push(...checksumProblems(configFile, manifest.config.sha256));
  }
  if (manifest.tokens !== undefined) {
    // The API tokens' hashes: a restore installs them as they were, or not at all.
    const tokensFile = join(directory, manifest.tokens.file);
    problems.push(...checksumProblems(tokensFile, manifest.tokens.sha256));
    if (existsSync(tokensFile)) problems.push(...verifyTokensFile(tokensFile, manifest.tokens));
  }
  return {
    ok: problems.length === 0,
    problems,
    eventCount: events.eventCount,
    streamCount: events.streamCount,
    keyCount,
    uncheckedLinks: events.uncheckedLinks,
  };
};

/**
 * Checks a backup and reports everything wrong with it: `path` is a backup directory
 * written by `backupLedger` (checksums of every file, the secret's copy included, SQLite's
 * integrity check on both databases, counts)
 * or a lone events database file. In both cases every stream must be contiguous from
 * revision 0, and every stream the ledger hash-chains (see {@link VerifyOptions}) must
 * have an unbroken chain. Never throws for a damaged backup.
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
      uncheckedLinks: 0,
    };
  }
  if (statSync(path).isDirectory()) return verifyBackupDirectory(path, options);
  const events = verifyEventsFile(
    path,
    options.hashChained ?? isHashChainedStream,
    options.secret,
    options.onProgress,
  );
  events.problems.push(...checkpointProblems(path, options, "must-reach"));
  return { ok: events.problems.length === 0, ...events, keyCount: undefined };
};

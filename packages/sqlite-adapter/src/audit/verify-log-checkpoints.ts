import { type JsonObject, positionToString } from "@leadledger/core";
import {
  EMPTY_LOG_HEAD,
  foldLogHead,
  headOfLogCheckpoint,
  isLogCheckpointSigned,
  isUnkeyedAfterKeyed,
  type LogCheckpoint,
  type LogHead,
  logCheckpointKeysOf,
  logHeadMatches,
} from "@leadledger/core/adapter";
import Database from "better-sqlite3";
import type { EventRow } from "../store/event-rows.js";
import { readCheckpointLines } from "./checkpoint-file.js";
import { VERIFY_PROGRESS_EVERY_EVENTS } from "./verify-progress.js";

/** The head as a problem reports it. */
export interface ReportedHead {
  readonly count: number;
  readonly headHash: string;
  readonly keyedFrom: string | null;
}

/** One thing that shows the log is not what its checkpoints recorded. */
export type LogCheckpointProblem =
  | { readonly kind: "checkpoints-missing"; readonly file: string }
  | { readonly kind: "checkpoint-unreadable"; readonly line: number; readonly message: string }
  | {
      /** Not signed with this secret: forged, edited, or recorded under another secret. */
      readonly kind: "checkpoint-unsigned";
      readonly line: number;
      readonly position: string;
    }
  | {
      /**
       * The log up to `position` is not what the checkpoint recorded: an event at a position
       * after `since` (the last checkpoint that still matches, "0" for none) and up to
       * `position` was deleted, inserted or changed. Every later checkpoint then differs too:
       * `laterMismatches` counts them.
       */
      readonly kind: "checkpoint-mismatch";
      readonly line: number;
      readonly since: string;
      readonly position: string;
      readonly recorded: ReportedHead;
      readonly replayed: ReportedHead;
      readonly laterMismatches: number;
    }
  | {
      /** A chain link hashed without the key after the log's links became keyed. */
      readonly kind: "unkeyed-after-keyed";
      readonly stream: string;
      readonly revision: string;
      readonly position: string;
    }
  | { readonly kind: "events-unreadable"; readonly message: string };

/** What a replay of the log against its checkpoints found. */
export interface LogCheckpointVerification {
  /** True when the file holds checkpoints and the log matches every one that was checked. */
  readonly ok: boolean;
  readonly problems: readonly LogCheckpointProblem[];
  readonly eventCount: number;
  /** Signed checkpoints compared with the log. */
  readonly checkpointsChecked: number;
  /** Signed checkpoints past the end of the events (only with `tail: "may-end-before"`). */
  readonly checkpointsBeyondLog: number;
  /** The last checkpoint checked: nothing vouches for the events after its position. */
  readonly lastChecked: LogCheckpoint | undefined;
  /** Events after the last checkpoint checked. */
  readonly eventsAfterLastCheckpoint: number;
}

export interface VerifyLogCheckpointsOptions {
  /** The events database: the live file, or a backup's copy. */
  readonly events: string;
  /** The checkpoints file (the live one, or a copy kept elsewhere). */
  readonly checkpoints: string;
  /** The ledger's secret. */
  readonly secret: Uint8Array;
  /**
   * `"must-reach"` (default): every checkpoint must be met by the events, so a log that ends
   * before a checkpoint's position lost its last events. `"may-end-before"`, for a backup
   * taken before later checkpoints: those are counted, not checked.
   */
  readonly tail?: "must-reach" | "may-end-before";
  /**
   * Told how many events were replayed so far, every 10,000 and once at the end. The replay
   * is synchronous: a caller that shows this runs it off its main thread (a worker).
   */
  readonly onProgress?: (events: number) => void;
}

const reported = (head: LogHead): ReportedHead => ({
  count: head.count,
  headHash: head.headHash,
  keyedFrom: head.keyedFrom === undefined ? null : positionToString(head.keyedFrom),
});

const messageOf = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

/**
 * Replays the events in position order, folding the head as the recorder did, and checks
 * it against every signed checkpoint; also that no link after the log's first keyed one is
 * unkeyed. Finds any event deleted, inserted or changed at a position up to the last
 * checkpoint — the last event of a stream included. Never throws for a damaged file.
 */
export const verifyLogCheckpoints = (
  options: VerifyLogCheckpointsOptions,
): LogCheckpointVerification => {
  const keys = logCheckpointKeysOf(options.secret);
  const problems: LogCheckpointProblem[] = [];
  const signed: { readonly line: number; readonly checkpoint: LogCheckpoint }[] = [];
  let lines = 0;
  try {
    for (const line of readCheckpointLines(options.checkpoints)) {
      lines += 1;
      if ("unreadable" in line) {
        problems.push({ kind: "checkpoint-unreadable", line: line.line, message: line.unreadable });
      } else if (!isLogCheckpointSigned(keys, line.checkpoint)) {
        problems.push({
          kind: "checkpoint-unsigned",
          line: line.line,
          position: line.checkpoint.position,
        });
      } else {
        signed.push(line);
      }
    }
  } catch (error) {
    problems.push({ kind: "checkpoint-unreadable", line: 0, message: messageOf(error) });
  }
  if (lines === 0) problems.push({ kind: "checkpoints-missing", file: options.checkpoints });
  // Several processes may append to one file: each checkpoint is checked at its position.
  signed.sort((a, b) => {
    const difference = BigInt(a.checkpoint.position) - BigInt(b.checkpoint.position);
    return difference < 0n ? -1 : difference > 0n ? 1 : a.line - b.line;
  });

  let head = EMPTY_LOG_HEAD;
  let next = 0;
  let checked = 0;
  let since = "0";
  let mismatch: Extract<LogCheckpointProblem, { kind: "checkpoint-mismatch" }> | undefined;
  let lastChecked: LogCheckpoint | undefined;
  let eventsAfterLastCheckpoint = 0;
  const check = (entry: { readonly line: number; readonly checkpoint: LogCheckpoint }) => {
    checked += 1;
    lastChecked = entry.checkpoint;
    eventsAfterLastCheckpoint = 0;
    if (logHeadMatches(head, entry.checkpoint)) {
      if (mismatch === undefined) since = entry.checkpoint.position;
      return;
    }
    if (mismatch !== undefined) {
      mismatch = { ...mismatch, laterMismatches: mismatch.laterMismatches + 1 };
      return;
    }
    mismatch = {
      kind: "checkpoint-mismatch",
      line: entry.line,
      since,
      position: entry.checkpoint.position,
      recorded: reported(headOfLogCheckpoint(entry.checkpoint)),
      replayed: reported(head),
      laterMismatches: 0,
    };
  };

  let db: Database.Database | undefined;
  try {
    db = new Database(options.events, { readonly: true, fileMustExist: true });
    const rows = db
      .prepare<[], EventRow>(
        "SELECT position, id, stream, revision, type, data, metadata FROM events ORDER BY position",
      )
      .raw()
      .safeIntegers()
      .iterate();
    for (const [position, id, stream, revision, type, data, metadata] of rows) {
      for (
        let due = signed[next];
        due !== undefined && BigInt(due.checkpoint.position) < position;
        due = signed[next]
      ) {
        check(due);
        next += 1;
      }
      const event = {
        position,
        id,
        stream,
        revision,
        type,
        data: JSON.parse(data) as JsonObject,
        metadata: JSON.parse(metadata) as JsonObject,
      };
      if (isUnkeyedAfterKeyed(head, event)) {
        problems.push({
          kind: "unkeyed-after-keyed",
          stream,
          revision: revision.toString(10),
          position: positionToString(position),
        });
      }
      head = foldLogHead(keys, head, event);
      eventsAfterLastCheckpoint += 1;
      if (head.count % VERIFY_PROGRESS_EVERY_EVENTS === 0) options.onProgress?.(head.count);
    }
    options.onProgress?.(head.count);
  } catch (error) {
    problems.push({ kind: "events-unreadable", message: messageOf(error) });
  } finally {
    db?.close();
  }

  // Checkpoints at or past the last event: met by the whole log, or beyond a copy's end.
  let beyond = 0;
  for (const entry of signed.slice(next)) {
    if (options.tail === "may-end-before" && BigInt(entry.checkpoint.position) > head.position) {
      beyond += 1;
    } else {
      check(entry);
    }
  }
  if (mismatch !== undefined) problems.push(mismatch);
  return {
    ok: problems.length === 0,
    problems,
    eventCount: head.count,
    checkpointsChecked: checked,
    checkpointsBeyondLog: beyond,
    lastChecked,
    eventsAfterLastCheckpoint,
  };
};

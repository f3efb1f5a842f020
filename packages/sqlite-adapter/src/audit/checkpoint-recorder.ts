import type { EventStore, GlobalPosition, StoreError, Subscription } from "@leadledger/core";
import {
  EMPTY_LOG_HEAD,
  foldLogHead,
  headOfLogCheckpoint,
  isLogCheckpointSigned,
  type LogCheckpoint,
  type LogHead,
  logCheckpointKeysOf,
  signLogCheckpoint,
} from "@leadledger/core/adapter";
import * as E from "fp-ts/lib/Either.js";
import {
  appendCheckpoint,
  type CheckpointLine,
  readLastCheckpointLines,
} from "./checkpoint-file.js";

/** How often checkpoints are recorded, and where. */
export interface LogCheckpointOptions {
  readonly eventStore: EventStore;
  /** The ledger's secret: the checkpoints' keys are derived from it. */
  readonly secret: Uint8Array;
  /** The checkpoints file, e.g. `<data dir>/checkpoints.jsonl`. */
  readonly file: string;
  /** A checkpoint at least every this many events. Default 1,000. */
  readonly everyEvents?: number;
  /** A checkpoint this often while events arrive, milliseconds. Default 60,000. */
  readonly everyMs?: number;
  /** Recording times, epoch milliseconds. Defaults to `Date.now`. */
  readonly clock?: () => number;
}

/** Why checkpoints cannot be recorded: the server must not start without them. */
export type LogCheckpointFailure =
  | {
      /** The file's last checkpoint is not signed with this secret: forged, or another secret. */
      readonly code: "checkpoint.unsigned";
      readonly file: string;
      readonly position: string;
    }
  | {
      /**
       * The event the last checkpoint ends with is not in the log: events were deleted, or
       * an older copy of the log was restored (then move the checkpoints file aside).
       */
      readonly code: "checkpoint.log-behind";
      readonly file: string;
      readonly position: string;
    }
  | { readonly code: "checkpoint.store-failed"; readonly error: StoreError };

/** Records checkpoints of a store's whole log as it grows. */
export interface LogCheckpointRecorder {
  /** The log as folded so far. */
  head(): LogHead;
  /**
   * Where chains are keyed from, for the ledger's `keyedChainFrom`: the first keyed event
   * folded, or, while there is none, the position after the log's end as it was opened
   * (every event the ledger writes from now on is keyed).
   */
  readonly keyedChainFrom: GlobalPosition;
  /** Lines at the file's end that were skipped because they are not checkpoints. */
  readonly skippedLines: readonly CheckpointLine[];
  /**
   * How many events of the log no checkpoint vouched for when it was opened: the whole
   * log, if the file had no checkpoint (a first start, or a file removed). The server logs
   * a warning when this is the whole of a log that was not empty.
   */
  readonly unvouchedOnOpen: { readonly events: number; readonly wholeLog: boolean };
  /**
   * Records a checkpoint now if the log grew since the last one, and then follows the log:
   * one every `everyEvents` events, and every `everyMs` while events arrive. Each recorded
   * checkpoint is handed to `onCheckpoint` (the server logs it: a copy off the machine).
   */
  follow(onCheckpoint?: (checkpoint: LogCheckpoint) => void): void;
  /** Stops following and records a last checkpoint if the log grew since the one before. */
  close(): Promise<void>;
}

const CATCH_UP_BATCH = 1_000;

/**
 * Opens the recorder: resumes from the file's last checkpoint (its signature checked) and
 * folds the events the log gained since, in batches — never the whole log again, except on
 * the first start, when there is no checkpoint yet. Writes nothing until {@link
 * LogCheckpointRecorder.follow}.
 */
export const openLogCheckpoints = async (
  options: LogCheckpointOptions,
): Promise<E.Either<LogCheckpointFailure, LogCheckpointRecorder>> => {
  const keys = logCheckpointKeysOf(options.secret);
  const clock = options.clock ?? Date.now;
  const everyEvents = options.everyEvents ?? 1_000;
  const everyMs = options.everyMs ?? 60_000;

  const lastLines = readLastCheckpointLines(options.file);
  const resumeIndex = lastLines.findIndex((line) => "checkpoint" in line);
  const resumeLine = lastLines[resumeIndex];
  let head = EMPTY_LOG_HEAD;
  let recorded = -1;
  if (resumeLine !== undefined && "checkpoint" in resumeLine) {
    if (!isLogCheckpointSigned(keys, resumeLine.checkpoint)) {
      return E.left({
        code: "checkpoint.unsigned",
        file: options.file,
        position: resumeLine.checkpoint.position,
      });
    }
    head = headOfLogCheckpoint(resumeLine.checkpoint);
    recorded = head.count;
    // The one check that costs a single read: the checkpoint's last event is still there.
    // Folding on after a log that lost it would vouch for a log that never was.
    if (head.count > 0) {
      const last = await options.eventStore.readAll({ after: head.position - 1n, maxCount: 1 });
      if (E.isLeft(last)) return E.left({ code: "checkpoint.store-failed", error: last.left });
      if (last.right[0]?.position !== head.position) {
        return E.left({
          code: "checkpoint.log-behind",
          file: options.file,
          position: resumeLine.checkpoint.position,
        });
      }
    }
  }
  const skippedLines = resumeIndex < 0 ? lastLines : lastLines.slice(0, resumeIndex);

  for (;;) {
    const read = await options.eventStore.readAll({
      after: head.position,
      maxCount: CATCH_UP_BATCH,
    });
    if (E.isLeft(read)) return E.left({ code: "checkpoint.store-failed", error: read.left });
    for (const event of read.right) head = foldLogHead(keys, head, event);
    if (read.right.length < CATCH_UP_BATCH) break;
  }
  const keyedChainFrom = head.keyedFrom ?? head.position + 1n;
  const unvouchedOnOpen = { events: head.count - Math.max(recorded, 0), wholeLog: recorded < 0 };

  let onCheckpoint: (checkpoint: LogCheckpoint) => void = () => {};
  let subscription: Subscription | undefined;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const record = (): void => {
    if (head.count === recorded) return;
    const checkpoint = signLogCheckpoint(keys, head, clock());
    appendCheckpoint(options.file, checkpoint);
    recorded = head.count;
    onCheckpoint(checkpoint);
  };

  return E.right({
    head: () => head,
    keyedChainFrom,
    skippedLines,
    unvouchedOnOpen,
    follow: (handler) => {
      if (closed || subscription !== undefined) return;
      if (handler !== undefined) onCheckpoint = handler;
      record();
      subscription = options.eventStore.subscribe({ after: head.position }, (event) => {
        // At least once: an event already folded may come again.
        if (event.position <= head.position) return;
        head = foldLogHead(keys, head, event);
        if (head.count - recorded >= everyEvents) record();
      });
      timer = setInterval(record, everyMs);
      // A checkpoint timer alone does not keep the process alive.
      timer.unref();
    },
    close: async () => {
      if (closed) return;
      closed = true;
      if (timer !== undefined) clearInterval(timer);
      await subscription?.close();
      record();
    },
  });
};

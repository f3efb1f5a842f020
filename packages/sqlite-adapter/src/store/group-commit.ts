import type { AppendResult, ExpectedRevision, StoreError } from "@leadledger/core";
import { expectedRevisionConflict } from "@leadledger/core/adapter";
import type Database from "better-sqlite3";
import type { Either } from "fp-ts/lib/Either.js";
import * as E from "fp-ts/lib/Either.js";
import { unavailableFrom } from "../connection/store-failure.js";
import type { EncodedEvent } from "./event-encoding.js";
import type { EventReads } from "./event-rows.js";

/** One append waiting for the next group commit. */
export interface PendingAppend {
  readonly stream: string;
  readonly events: readonly EncodedEvent[];
  readonly expected: ExpectedRevision;
  readonly settle: (outcome: AppendOutcome) => void;
}

/** What an append ends with: a value for the caller, or a bug to throw at it. */
export type AppendOutcome =
  | { readonly kind: "value"; readonly value: Either<StoreError, AppendResult> }
  | { readonly kind: "bug"; readonly error: unknown };

/** One event as a group commit wrote it: its row of the events table. */
export interface CommittedRow {
  readonly position: bigint;
  readonly stream: string;
  readonly revision: bigint;
  readonly event: EncodedEvent;
}

/**
 * What one group commit added to the log: every row it wrote, in position order, and the
 * log's last position before them (read under the write lock, so nothing lies between).
 */
export interface CommittedGroup {
  readonly after: bigint;
  readonly rows: readonly CommittedRow[];
}

/** Collects appends and commits them in groups. */
export interface GroupCommit {
  enqueue(append: PendingAppend): void;
  /** Commits whatever is waiting now, without waiting for the next turn of the loop. */
  drain(): void;
}

// Enough to amortise one fsync over many appends, small enough that one group does not
// hold the write lock (and this process's event loop) for long.
const MAX_GROUP_SIZE = 512;

/**
 * Group commit: appends that arrive while the event loop is busy are committed together in
 * one `BEGIN IMMEDIATE` transaction, so they share one fsync. Each append still runs its
 * own expected-revision check, against the stream as the earlier appends of the same group
 * left it, inside a savepoint: a conflicting or failing append is rolled back alone.
 * Nobody is answered before COMMIT has returned, so an acknowledged append is durable.
 */
export const createGroupCommit = (
  db: Database.Database,
  reads: EventReads,
  onCommitted: (group: CommittedGroup) => void,
): GroupCommit => {
  const begin = db.prepare("BEGIN IMMEDIATE");
  const commit = db.prepare("COMMIT");
  const rollback = db.prepare("ROLLBACK");
  const savepoint = db.prepare("SAVEPOINT append");
  const release = db.prepare("RELEASE append");
  const rollbackTo = db.prepare("ROLLBACK TO append");
  const insert = db.prepare<[string, string, bigint, string, string, string]>(
    "INSERT INTO events (id, stream, revision, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)",
  );

  let waiting: PendingAppend[] = [];
  let scheduled = false;

  const failAll = (group: readonly PendingAppend[], error: unknown): void => {
    const unavailable = unavailableFrom(error);
    for (const append of group) {
      append.settle(
        unavailable === undefined
          ? { kind: "bug", error }
          : { kind: "value", value: E.left(unavailable) },
      );
    }
  };

  /** Rows written by the appends of the group in hand, those rolled back removed. */
  let written: CommittedRow[] = [];

  const appendOne = (append: PendingAppend): AppendOutcome => {
    // Read inside the write transaction rather than cached: another process may have
    // appended since, and this also sees the earlier appends of the same group.
    const current = reads.lastRevision(append.stream);
    const conflict = expectedRevisionConflict(append.stream, append.expected, current);
    if (conflict !== undefined) return { kind: "value", value: E.left(conflict) };
    let revision = (current ?? -1n) + 1n;
    let position = 0n;
    for (const event of append.events) {
      const result = insert.run(
        event.id,
        append.stream,
        revision,
        event.type,
        event.data,
        event.metadata,
      );
      position = BigInt(result.lastInsertRowid);
      written.push({ position, stream: append.stream, revision, event });
      revision += 1n;
    }
    return { kind: "value", value: E.right({ nextExpectedRevision: revision - 1n, position }) };
  };

  const commitGroup = (group: readonly PendingAppend[]): void => {
    try {
      begin.run();
    } catch (error) {
      failAll(group, error);
      return;
    }
    const outcomes: AppendOutcome[] = [];
    written = [];
    let after: bigint;
    try {
      after = reads.lastPosition();
    } catch (error) {
      if (db.inTransaction) rollback.run();
      failAll(group, error);
      return;
    }
    for (const append of group) {
      savepoint.run();
      const before = written.length;
      try {
        outcomes.push(appendOne(append));
        release.run();
      } catch (error) {
        written.length = before;
        // Disk full or an I/O error may have rolled the whole transaction back already.
        if (!db.inTransaction) {
          failAll(group, error);
          return;
        }
        rollbackTo.run();
        release.run();
        const unavailable = unavailableFrom(error);
        outcomes.push(
          unavailable === undefined
            ? { kind: "bug", error }
            : { kind: "value", value: E.left(unavailable) },
        );
      }
    }
    try {
      commit.run();
    } catch (error) {
      if (db.inTransaction) rollback.run();
      failAll(group, error);
      return;
    }
    group.forEach((append, index) => {
      const outcome = outcomes[index];
      if (outcome !== undefined) append.settle(outcome);
    });
    const rows = written;
    written = [];
    onCommitted({ after, rows });
  };

  const drain = (): void => {
    scheduled = false;
    while (waiting.length > 0) {
      const group = waiting.slice(0, MAX_GROUP_SIZE);
      waiting = waiting.slice(MAX_GROUP_SIZE);
      commitGroup(group);
    }
  };

  return {
    enqueue: (append) => {
      waiting.push(append);
      if (!scheduled) {
        scheduled = true;
        // setImmediate rather than a microtask: it runs after the I/O callbacks and the
        // promise continuations of this turn, so every append they start joins the group.
        setImmediate(drain);
      }
    },
    drain,
  };
};

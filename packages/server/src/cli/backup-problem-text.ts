import type { HistoryBreak } from "@leadledger/core";
import type { BackupProblem, LogCheckpointProblem } from "@leadledger/sqlite-adapter";

// How the commands word each finding of a verification: one line a problem, saying what
// is wrong, where, and (for a break in the log) between which checkpoints.

const historyBreakText = (found: HistoryBreak): string => {
  switch (found.kind) {
    case "revision-gap":
      return `revision ${found.revision} where ${found.expectedRevision} was due (an event is missing)`;
    case "missing-hash":
      return `revision ${found.revision} carries no chain hash`;
    case "hash-mismatch":
      return `revision ${found.revision} does not match its chain hash (changed after it was written)`;
    case "unkeyed-link":
      return `revision ${found.revision} is linked without the key where only keyed links may stand (rewritten without the secret)`;
  }
};

/** A problem the log's checkpoints found, in words. */
export const logCheckpointProblemText = (problem: LogCheckpointProblem): string => {
  switch (problem.kind) {
    case "checkpoints-missing":
      return `no checkpoints in ${problem.file}`;
    case "checkpoint-unreadable":
      return `checkpoints file line ${problem.line} is not a checkpoint: ${problem.message}`;
    case "checkpoint-unsigned":
      return `checkpoint at position ${problem.position} (line ${problem.line}) is not signed with this ledger's secret`;
    case "checkpoint-mismatch":
      return (
        `the log up to position ${problem.position} is not what its checkpoint (line ${problem.line}) recorded: ` +
        `an event after position ${problem.since} and up to ${problem.position} was deleted, inserted or changed` +
        (problem.laterMismatches > 0
          ? ` (${problem.laterMismatches} later checkpoints differ too)`
          : "")
      );
    case "unkeyed-after-keyed":
      return `${problem.stream} revision ${problem.revision} (position ${problem.position}) is linked without the key after the log's links became keyed`;
    case "events-unreadable":
      return `the events could not be read: ${problem.message}`;
  }
};

/** A problem a verification found, in words. */
export const backupProblemText = (problem: BackupProblem): string => {
  switch (problem.kind) {
    case "manifest-unreadable":
      return `manifest unreadable: ${problem.message}`;
    case "file-missing":
      return `file missing: ${problem.file}`;
    case "checksum-mismatch":
      return `checksum mismatch: ${problem.file} (sha256 ${problem.actual}, the manifest says ${problem.expected})`;
    case "database-unreadable":
      return `database unreadable: ${problem.file}: ${problem.message}`;
    case "integrity-check-failed":
      return `SQLite integrity check failed on ${problem.file}: ${problem.messages.join("; ")}`;
    case "event-undecodable":
      return `event undecodable: ${problem.stream} revision ${problem.revision}: ${problem.message}`;
    case "history-broken":
      return `history broken: ${problem.stream}: ${problem.breaks.map(historyBreakText).join("; ")}`;
    case "count-mismatch":
      return `count mismatch: ${problem.file} holds ${problem.actual} ${problem.what}, the manifest says ${problem.expected}`;
    case "log-checkpoint":
      return `checkpoints: ${logCheckpointProblemText(problem.problem)}`;
  }
};

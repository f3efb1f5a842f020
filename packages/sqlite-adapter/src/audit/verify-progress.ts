/**
 * How far a verification has come, for a caller that shows it (e.g. the `leadledger`
 * command's progress bars): the pass under way and the events it has checked so far. A
 * verification of a backup with checkpoints makes two passes over the events: one stream
 * by stream (`histories`), one in log order (`checkpoints`).
 */
export interface VerifyProgress {
  readonly pass: "histories" | "checkpoints";
  readonly events: number;
}

/** Told of progress this often, and once at the end of each pass. */
export const VERIFY_PROGRESS_EVERY_EVENTS = 10_000;

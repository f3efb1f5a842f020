/**
 * What every `leadledger` command exits with, so that scripts and cron jobs can tell a
 * finding from a mistake in the command line.
 */
export const EXIT_CODES = {
  /** Done, and nothing wrong was found. */
  ok: 0,
  /** The command ran and found problems, or could not do its work (it says why). */
  problems: 1,
  /** The command line was wrong: an unknown option, a missing argument, a path that is not there. */
  usage: 2,
} as const;

export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

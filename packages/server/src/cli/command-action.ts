import type { CliIo } from "./cli-io.js";
import { EXIT_CODES, type ExitCode } from "./exit-codes.js";

/** Where a command's action leaves its exit code. */
export type Finish = (code: ExitCode) => void;

/**
 * Wraps a command's action: its exit code goes to `finish`. Mistakes in the command line
 * and expected failures are answered by the action itself, in a line; what it throws is a
 * bug, reported with its stack so that it can be fixed.
 */
export const guarded =
  <A extends unknown[]>(
    io: CliIo,
    command: string,
    finish: Finish,
    action: (...args: A) => Promise<ExitCode>,
  ): ((...args: A) => Promise<void>) =>
  async (...args) => {
    try {
      finish(await action(...args));
    } catch (error) {
      const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
      io.stderr.write(
        `leadledger ${command}: unexpected failure (a bug; please report it):\n${text}\n`,
      );
      finish(EXIT_CODES.problems);
    }
  };

/** The exit codes of a command, for the end of its `--help`. */
export const exitCodesHelp = (ok: string, problems: string): string =>
  `\nExit codes:\n  0  ${ok}\n  1  ${problems}\n  2  usage error: a wrong option or argument, a path that is not there\n`;

import { createRequire } from "node:module";
import { Command, CommanderError } from "commander";
import { defineBackupCommand } from "./backup-command.js";
import { type CliIo, processIo } from "./cli-io.js";
import { defineDoctorCommand } from "./doctor-command.js";
import { EXIT_CODES, type ExitCode } from "./exit-codes.js";
import { definePeopleCommand } from "./people-command.js";
import { defineRebuildCommand } from "./rebuild-command.js";
import { defineRestoreCommand } from "./restore-command.js";
import { defineServeCommand } from "./serve-command.js";
import { defineTokensCommand } from "./tokens-command.js";
import { defineVerifyCommand } from "./verify-command.js";

// Two levels up from src/cli/ and from dist/cli/ alike.
const { version } = createRequire(import.meta.url)("../../package.json") as { version: string };

// Commander's own ways out that are not mistakes.
const ANSWERED = new Set(["commander.helpDisplayed", "commander.version"]);

/**
 * Runs the `leadledger` command line (`argv` without node and the script) and answers its
 * exit code: 0 done and nothing wrong, 1 problems found or the work could not be done, 2 a
 * mistake in the command line. Writes to `io`; `serve` resolves once listening and the
 * server keeps the process alive.
 */
export const runLeadledger = async (
  argv: readonly string[],
  io: CliIo = processIo(),
): Promise<ExitCode> => {
  let exitCode: ExitCode = EXIT_CODES.ok;
  const finish = (code: ExitCode) => {
    exitCode = code;
  };
  // Settings made before the subcommands are added are inherited by each of them.
  const program = new Command("leadledger")
    .description(
      "The leadledger server and the operator's tools for its data directory: backups and " +
        "their verification, restores, the views' rebuild, and a health check.",
    )
    .version(version, "-V, --version")
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .showHelpAfterError("(run with --help for usage)")
    .addHelpText(
      "after",
      "\nEach command's --help tells its exit codes: 0 done and nothing wrong, 1 problems found\n" +
        "or the work could not be done, 2 a mistake in the command line.\n" +
        "Every path option defaults as `pnpm start` does: LEADLEDGER_DATA_DIR, else ./data.\n",
    );
  for (const define of [
    defineServeCommand,
    defineBackupCommand,
    defineVerifyCommand,
    defineRestoreCommand,
    defineRebuildCommand,
    defineDoctorCommand,
    defineTokensCommand,
    definePeopleCommand,
  ]) {
    define(program, io, finish);
  }
  try {
    await program.parseAsync([...argv], { from: "user" });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    return ANSWERED.has(error.code) ? EXIT_CODES.ok : EXIT_CODES.usage;
  }
  return exitCode;
};

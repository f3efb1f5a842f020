import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { readManifest, summariseEventsFile } from "@leadledger/sqlite-adapter";
import type { Command } from "commander";
import * as E from "fp-ts/lib/Either.js";
import { backupProblemText } from "./backup-problem-text.js";
import type { CliIo } from "./cli-io.js";
import { exitCodesHelp, type Finish, guarded } from "./command-action.js";
import { commandFailure, pathKind, usageFailure } from "./command-options.js";
import { EXIT_CODES, type ExitCode } from "./exit-codes.js";
import { readLedgerSecret } from "./ledger-secret.js";
import { runLedgerTask } from "./run-ledger-task.js";
import { verificationProgress } from "./verification-progress.js";

export interface VerifyCommandOptions {
  /** A checkpoints file, or a data directory holding `checkpoints.jsonl`. */
  readonly checkpoints?: string;
  /** A `config.json`, or a directory holding one, to take the secret from. */
  readonly secretFrom?: string;
}

/** `file` itself, or `name` inside it when it is a directory. */
const fileOrInside = (path: string, name: string): string =>
  pathKind(resolve(path)) === "directory" ? join(resolve(path), name) : resolve(path);

/** How many events the verification will go through, for its bars. */
const eventsToCheck = (path: string, isDirectory: boolean): number => {
  try {
    return isDirectory
      ? readManifest(path).events.eventCount
      : summariseEventsFile(path).eventCount;
  } catch {
    return 0; // not a backup, not a database: the verification says so
  }
};

/** `leadledger verify <path>`: checks a backup directory (or a lone events file). */
export const verify = async (
  io: CliIo,
  target: string,
  options: VerifyCommandOptions,
): Promise<ExitCode> => {
  const path = resolve(target);
  const kind = pathKind(path);
  if (kind === "missing") return usageFailure(io, "verify", `${path} does not exist`);

  // The secret: the one named, else the backup's own copy of config.json.
  let secret: Uint8Array | undefined;
  let secretSource: string | undefined;
  const warnings: string[] = [];
  if (options.secretFrom !== undefined) {
    secretSource = fileOrInside(options.secretFrom, "config.json");
    const read = readLedgerSecret(secretSource);
    if (E.isLeft(read)) return usageFailure(io, "verify", `--secret-from: ${read.left}`);
    secret = read.right;
  } else if (kind === "directory" && existsSync(join(path, "config.json"))) {
    secretSource = join(path, "config.json");
    const read = readLedgerSecret(secretSource);
    if (E.isRight(read)) secret = read.right;
    else warnings.push(`the backup's config.json gave no secret: ${read.left}`);
  }
  let checkpoints: string | undefined;
  if (options.checkpoints !== undefined) {
    checkpoints = fileOrInside(options.checkpoints, "checkpoints.jsonl");
    if (!existsSync(checkpoints)) {
      return usageFailure(io, "verify", `--checkpoints: ${checkpoints} does not exist`);
    }
    if (secret === undefined) {
      return usageFailure(
        io,
        "verify",
        "--checkpoints needs the ledger secret, and this backup holds no config.json: name one with --secret-from",
      );
    }
  }

  const progress = verificationProgress(io.stdout, eventsToCheck(path, kind === "directory"));
  const done = await runLedgerTask(
    {
      kind: "verify",
      path,
      options: {
        ...(secret === undefined ? {} : { secret }),
        ...(checkpoints === undefined ? {} : { checkpoints }),
      },
    },
    progress.onProgress,
  );
  progress.end();
  if (E.isLeft(done)) return commandFailure(io, "verify", done.left);
  const report = done.right;

  const lines = [`${report.ok ? "ok" : "PROBLEMS FOUND"}: ${path}`];
  if (kind === "directory") {
    try {
      lines.push(`  taken ${readManifest(path).createdAt}`);
    } catch {
      // the problems below say what is wrong with the manifest
    }
  }
  lines.push(
    `  events: ${report.eventCount.toLocaleString("en-US")} in ${report.streamCount.toLocaleString("en-US")} streams` +
      (report.keyCount === undefined
        ? "; no keys checked"
        : `; keys: ${report.keyCount.toLocaleString("en-US")}`),
    secret === undefined
      ? `  chains: structure and unkeyed links only; ${report.uncheckedLinks} keyed links NOT checked (no secret: use --secret-from)`
      : `  chains: every link checked with the secret from ${secretSource}`,
    checkpoints === undefined
      ? "  checkpoints: not checked (use --checkpoints)"
      : `  checkpoints: checked against ${checkpoints}`,
  );
  for (const warning of warnings) lines.push(`  warning: ${warning}`);
  if (report.problems.length === 0) lines.push("  problems: none");
  else {
    lines.push(`  problems: ${report.problems.length}`);
    for (const problem of report.problems) lines.push(`    - ${backupProblemText(problem)}`);
  }
  io.stdout.write(`${lines.join("\n")}\n`);
  return report.ok ? EXIT_CODES.ok : EXIT_CODES.problems;
};

/** Adds `verify` to the program. */
export const defineVerifyCommand = (program: Command, io: CliIo, finish: Finish): Command =>
  program
    .command("verify")
    .summary("check a backup: checksums, SQLite integrity, counts, hash chains, checkpoints")
    .description(
      "Checks a backup directory written by `leadledger backup` (or a lone events file): the manifest's " +
        "checksums, SQLite's integrity check of both databases, the counts, that every stream is " +
        "contiguous, and every lead's hash chain with the ledger secret taken from the backup's own " +
        "config.json (or --secret-from). With --checkpoints, also that the events match the log's " +
        "signed checkpoints up to the backup's last event. Prints a report.",
    )
    .argument("<dir>", "the backup directory (or an events.sqlite file)")
    .option(
      "--checkpoints <file>",
      "the log's checkpoints file, or the data directory holding checkpoints.jsonl",
    )
    .option(
      "--secret-from <file>",
      "the config.json holding the ledger secret (or its directory), when the backup's own copy expired",
    )
    .addHelpText(
      "after",
      exitCodesHelp(
        "the backup is sound",
        "problems found (each listed), or the verification could not run",
      ),
    )
    .action(
      guarded(io, "verify", finish, (dir: string, options: VerifyCommandOptions) =>
        verify(io, dir, options),
      ),
    );

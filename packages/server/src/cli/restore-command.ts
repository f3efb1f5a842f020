import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { type BackupManifest, type RestoreRefused, readManifest } from "@leadledger/sqlite-adapter";
import type { Command } from "commander";
import * as E from "fp-ts/lib/Either.js";
import { dataDirectoryFiles } from "../data-directory.js";
import { backupProblemText } from "./backup-problem-text.js";
import type { CliIo } from "./cli-io.js";
import { exitCodesHelp, type Finish, guarded } from "./command-action.js";
import { commandFailure, pathKind, usageFailure } from "./command-options.js";
import { EXIT_CODES, type ExitCode } from "./exit-codes.js";
import { readLedgerSecret } from "./ledger-secret.js";
import { runLedgerTask } from "./run-ledger-task.js";
import { verificationProgress } from "./verification-progress.js";

export interface RestoreCommandOptions {
  /** The backup whose keys and config.json are restored; the first one by default. */
  readonly keysFrom?: string;
  /** A checkpoints file the backup is checked against first. */
  readonly checkpoints?: string;
}

const backupAt = (
  path: string,
  what: string,
): E.Either<string, { path: string; manifest: BackupManifest }> => {
  const absolute = resolve(path);
  if (pathKind(absolute) !== "directory") return E.left(`${what} ${absolute} is not a directory`);
  try {
    return E.right({ path: absolute, manifest: readManifest(absolute) });
  } catch (error) {
    return E.left(`${what} ${absolute} is not a backup: ${(error as Error).message}`);
  }
};

const refusalText = (refused: RestoreRefused): string[] => {
  switch (refused.code) {
    case "restore.backup-damaged":
      return [
        `${refused.from} did not pass verification; nothing was written:`,
        ...refused.verification.problems.map((problem) => `  - ${backupProblemText(problem)}`),
      ];
    case "restore.keys-expired":
      return [
        `the key copy of ${refused.from} has expired (its retention ended); nothing was written.`,
        "Take the keys from a newer backup: --keys-from <newer backup>.",
      ];
    case "restore.config-missing":
      return [
        `${refused.from} holds no config.json (a backup taken before backups included it); nothing was written.`,
        'Restore it with restoreLedger and { events, keys } alone, then put the ledger\'s own config.json back (docs/operations.md, "Restoring").',
      ];
    case "restore.target-exists":
      return [
        `${refused.path} exists: a restore never writes over a file; nothing was written.`,
        "Stop the server, move the damaged files aside yourself (events.sqlite*, keys.sqlite*, config.json), and run the restore again.",
      ];
  }
};

/** `leadledger restore <backup> <data-dir>`: restores a verified backup into a data directory. */
export const restore = async (
  io: CliIo,
  backup: string,
  dataDir: string,
  options: RestoreCommandOptions,
): Promise<ExitCode> => {
  const from = backupAt(backup, "the backup");
  if (E.isLeft(from)) return usageFailure(io, "restore", from.left);
  const keysFrom =
    options.keysFrom === undefined ? from : backupAt(options.keysFrom, "--keys-from");
  if (E.isLeft(keysFrom)) return usageFailure(io, "restore", keysFrom.left);
  const target = resolve(dataDir);
  if (pathKind(target) === "file") return usageFailure(io, "restore", `${target} is a file`);
  const files = dataDirectoryFiles(target);

  // The views' rows and the worklist's index of the ledger being replaced are ahead of the
  // backup: the server would resume from their checkpoints and pass over the events
  // recorded after the restore.
  const derived = [
    { path: files.readModel, what: "the views' rows" },
    { path: files.worklist, what: "the worklist's names and search index" },
  ];
  for (const { path, what } of derived) {
    for (const file of [path, `${path}-wal`, `${path}-shm`]) {
      if (existsSync(file)) {
        return commandFailure(
          io,
          "restore",
          `${file} exists: ${what} of the ledger being replaced, ahead of the backup. ` +
            "Move it aside (or delete it: it is rebuilt from the events at start); nothing was written.",
        );
      }
    }
  }

  // The secret the restored ledger will have: the config.json restored with the keys.
  const configCopy = join(keysFrom.right.path, "config.json");
  const secret = existsSync(configCopy) ? readLedgerSecret(configCopy) : undefined;
  let checkpoints: string | undefined;
  if (options.checkpoints !== undefined) {
    checkpoints = resolve(options.checkpoints);
    if (pathKind(checkpoints) === "directory") checkpoints = join(checkpoints, "checkpoints.jsonl");
    if (!existsSync(checkpoints)) {
      return usageFailure(io, "restore", `--checkpoints: ${checkpoints} does not exist`);
    }
    if (secret === undefined || E.isLeft(secret)) {
      return usageFailure(
        io,
        "restore",
        "--checkpoints needs the ledger secret, and the backup holds none",
      );
    }
  }

  const progress = verificationProgress(io.stdout, from.right.manifest.events.eventCount);
  const done = await runLedgerTask(
    {
      kind: "restore",
      from: from.right.path,
      keysFrom: keysFrom.right.path === from.right.path ? undefined : keysFrom.right.path,
      to: {
        events: files.events,
        keys: files.keys,
        config: files.config,
        ...(files.tokens === undefined ? {} : { tokens: files.tokens }),
      },
      options: {
        ...(secret !== undefined && E.isRight(secret) ? { secret: secret.right } : {}),
        ...(checkpoints === undefined ? {} : { checkpoints }),
      },
    },
    progress.onProgress,
  );
  progress.end();
  if (E.isLeft(done)) return commandFailure(io, "restore", done.left);
  if (E.isLeft(done.right))
    return commandFailure(io, "restore", refusalText(done.right.left).join("\n"));

  const lines = [
    `restored ${done.right.right.eventCount.toLocaleString("en-US")} events into ${target}`,
    `  events from ${from.right.path} (taken ${from.right.manifest.createdAt})`,
    `  keys and config.json from ${keysFrom.right.path}`,
    "Before opening the ledger to users:",
    `  - re-apply every purge made since ${from.right.manifest.createdAt}: the backup still holds those leads' keys;`,
  ];
  if (existsSync(files.checkpoints)) {
    lines.push(
      `  - ${files.checkpoints} is still there, and vouches for a log that went further: the server refuses to start over a log behind its checkpoints.`,
      `    Check the backup against it (leadledger verify ${from.right.path} --checkpoints ${files.checkpoints}), then move it aside (keep it).`,
    );
  }
  lines.push(`  - start the server: leadledger serve --data-dir ${target}`, "");
  io.stdout.write(lines.join("\n"));
  return EXIT_CODES.ok;
};

/** Adds `restore` to the program. */
export const defineRestoreCommand = (program: Command, io: CliIo, finish: Finish): Command =>
  program
    .command("restore")
    .summary("restore a verified backup into a data directory, writing over nothing")
    .description(
      "Verifies the backup (with the ledger secret from its config.json, and against --checkpoints " +
        "when given), then installs its events, keys and config.json into <data-dir>, each file " +
        "atomically and 0600. Refuses, writing nothing, when any of those files (or their -wal, " +
        "-shm), the views' read-model.sqlite or the worklist's worklist.sqlite is already there: " +
        "it moves nothing aside by itself. " +
        "Stop every process using the data directory first.",
    )
    .argument("<backup>", "the backup directory whose events are restored")
    .argument("<data-dir>", "the data directory to restore into (created 0700 if absent)")
    .option(
      "--keys-from <backup>",
      "take keys and config.json from this (newer) backup: for events kept past the key retention",
    )
    .option("--checkpoints <file>", "check the backup against this checkpoints file first")
    .addHelpText(
      "after",
      exitCodesHelp(
        "restored",
        "refused, nothing written: the backup is damaged or its keys expired, or a file is in the way",
      ),
    )
    .action(
      guarded(
        io,
        "restore",
        finish,
        (backup: string, dataDir: string, options: RestoreCommandOptions) =>
          restore(io, backup, dataDir, options),
      ),
    );

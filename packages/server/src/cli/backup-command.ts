import { existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import {
  CONFIG_BACKUP_FILE,
  EVENTS_BACKUP_FILE,
  KEYS_BACKUP_FILE,
  MANIFEST_FILE,
} from "@leadledger/sqlite-adapter";
import type { Command } from "commander";
import * as E from "fp-ts/lib/Either.js";
import { dataDirectoryFiles } from "../data-directory.js";
import type { CliIo } from "./cli-io.js";
import { exitCodesHelp, type Finish, guarded } from "./command-action.js";
import {
  commandFailure,
  dataDirOption,
  existingDirectory,
  pathKind,
  usageFailure,
} from "./command-options.js";
import { EXIT_CODES, type ExitCode } from "./exit-codes.js";
import { formatMegabytes, startProgressBar } from "./progress-bar.js";
import { runLedgerTask } from "./run-ledger-task.js";

// How often the size of the copies is looked at while the worker copies.
const POLL_MS = 200;

const sizeOf = (path: string): number => {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
};

/** `leadledger backup <dir>`: an online backup of the data directory's ledger. */
export const backup = async (io: CliIo, dir: string, dataDir: string): Promise<ExitCode> => {
  const source = existingDirectory(dataDir, "the data directory");
  if (E.isLeft(source)) return usageFailure(io, "backup", source.left);
  const files = dataDirectoryFiles(source.right);
  for (const file of [files.events, files.keys]) {
    if (!existsSync(file)) {
      return usageFailure(io, "backup", `${source.right} holds no ledger: ${file} does not exist`);
    }
  }
  if (!existsSync(files.config)) {
    return commandFailure(
      io,
      "backup",
      `${files.config} does not exist: a backup without the ledger secret would not restore a working ledger`,
    );
  }
  const target = resolve(dir);
  if (pathKind(target) === "file") return usageFailure(io, "backup", `${target} is a file`);
  for (const name of [MANIFEST_FILE, EVENTS_BACKUP_FILE, KEYS_BACKUP_FILE, CONFIG_BACKUP_FILE]) {
    if (existsSync(join(target, name))) {
      return usageFailure(
        io,
        "backup",
        `${target} already holds a backup (${name}): a backup is never written over another; name a new directory`,
      );
    }
  }

  // The copies hold live rows only, so they come out no larger than the files (WAL included).
  const estimate = [files.events, files.keys]
    .flatMap((file) => [file, `${file}-wal`])
    .reduce((sum, file) => sum + sizeOf(file), 0);
  const bar = startProgressBar(io.stdout, {
    label: "copying events and keys",
    total: estimate,
    unit: "MB",
    formatAmount: formatMegabytes,
  });
  // The copy runs on a worker thread (SQLite's VACUUM INTO is one synchronous statement):
  // this thread measures the copies as they grow. The server, a process of its own, is
  // never held up: the copy reads one snapshot, which in WAL mode blocks no writer.
  const poll = setInterval(() => {
    bar.update(sizeOf(join(target, EVENTS_BACKUP_FILE)) + sizeOf(join(target, KEYS_BACKUP_FILE)));
  }, POLL_MS);
  const ledgerFiles = {
    events: files.events,
    keys: files.keys,
    config: files.config,
    ...(files.tokens === undefined ? {} : { tokens: files.tokens }),
  };
  const done = await runLedgerTask({ kind: "backup", files: ledgerFiles, directory: target });
  clearInterval(poll);
  if (E.isLeft(done)) return commandFailure(io, "backup", done.left);
  if (E.isLeft(done.right)) {
    return commandFailure(
      io,
      "backup",
      `the ledger's files could not be read now (${done.right.left.message}); nothing was kept, try again`,
    );
  }
  bar.finish();
  const manifest = done.right.right;
  const count = (n: number) => n.toLocaleString("en-US");
  io.stdout.write(
    [
      `backup written to ${target}`,
      `  events: ${count(manifest.events.eventCount)} in ${count(manifest.events.streamCount)} streams, up to position ${manifest.events.lastPosition} (${formatMegabytes(manifest.events.bytes)} MB)`,
      `  keys:   ${count(manifest.keys.activeCount)} active, ${count(manifest.keys.destroyedCount)} destroyed by erasure`,
      `  ${manifest.config === undefined ? "no config.json" : "config.json (the ledger secret)"}`,
      `  ${manifest.tokens === undefined ? "no tokens.sqlite" : `tokens.sqlite: ${count(manifest.tokens.tokenCount)} API tokens (hashes only)`}`,
      "It holds every lead's key and the secret: keep it as private as the data directory.",
      `Check it with: leadledger verify ${target}`,
      "",
    ].join("\n"),
  );
  return EXIT_CODES.ok;
};

/** Adds `backup` to the program. */
export const defineBackupCommand = (program: Command, io: CliIo, finish: Finish): Command =>
  program
    .command("backup")
    .summary("take an online backup of the ledger into a new directory")
    .description(
      "Takes a consistent copy of the ledger's events, keys and config.json (its secret) into <dir>, " +
        "with a manifest of checksums and counts written last. Runs beside a running server, as a " +
        "process of its own: the copy reads one snapshot, which blocks no writer. <dir> is created 0700 and " +
        "each file 0600; a directory that already holds a backup is refused.",
    )
    .argument("<dir>", "the backup directory to create (its missing parents too)")
    .addOption(dataDirOption("the data directory of the ledger to back up"))
    .addHelpText(
      "after",
      exitCodesHelp(
        "the backup was written",
        "no backup was written: the data directory has no config.json, or the files could not be read",
      ),
    )
    .action(
      guarded(io, "backup", finish, (dir: string, options: { dataDir: string }) =>
        backup(io, dir, options.dataDir),
      ),
    );

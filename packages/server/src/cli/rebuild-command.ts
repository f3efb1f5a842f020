import { existsSync } from "node:fs";
import { positionToString } from "@leadledger/core";
import { createProjectionRunner, type RebuildProgress } from "@leadledger/projections";
import {
  openSqliteEventStore,
  openSqliteReadModelStore,
  summariseEventsFile,
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
  usageFailure,
} from "./command-options.js";
import { EXIT_CODES, type ExitCode } from "./exit-codes.js";
import { type ProgressBar, startProgressBar } from "./progress-bar.js";

/** `leadledger rebuild`: the views' rows made again from the whole log. */
export const rebuild = async (io: CliIo, dataDir: string): Promise<ExitCode> => {
  const directory = existingDirectory(dataDir, "the data directory");
  if (E.isLeft(directory)) return usageFailure(io, "rebuild", directory.left);
  const files = dataDirectoryFiles(directory.right);
  if (!existsSync(files.events)) {
    return usageFailure(
      io,
      "rebuild",
      `${directory.right} holds no ledger: ${files.events} does not exist`,
    );
  }
  const eventCount = summariseEventsFile(files.events).eventCount;

  const eventStore = openSqliteEventStore({ path: files.events });
  const readModel = openSqliteReadModelStore({ path: files.readModel });
  let skipped = 0;
  const runner = createProjectionRunner({
    events: eventStore,
    readModel,
    onProblem: () => {
      skipped += 1;
    },
  });
  let step: RebuildProgress["step"] | undefined;
  let bar: ProgressBar | undefined;
  let leads = 0;
  const onProgress = (progress: RebuildProgress): void => {
    if (progress.step !== step) {
      bar?.finish();
      step = progress.step;
      bar =
        progress.step === "reading"
          ? startProgressBar(io.stdout, {
              label: "reading events",
              total: eventCount,
              unit: "events",
            })
          : startProgressBar(io.stdout, {
              label: "writing rows",
              total: progress.totalRows,
              unit: "leads",
            });
    }
    if (progress.step === "reading") bar?.update(progress.events);
    else {
      leads = progress.totalRows;
      bar?.update(progress.rows);
    }
  };
  try {
    const rebuilt = await runner.rebuild({ onProgress });
    bar?.finish();
    if (E.isLeft(rebuilt)) {
      return commandFailure(
        io,
        "rebuild",
        `the rebuild failed (${rebuilt.left.code}${"message" in rebuilt.left ? `: ${rebuilt.left.message}` : ""}); the rows as they were stay in place`,
      );
    }
    const checkpoint = runner.checkpoint();
    io.stdout.write(
      [
        `rebuilt ${files.readModel}: ${leads.toLocaleString("en-US")} leads from ${eventCount.toLocaleString("en-US")} events` +
          (checkpoint === undefined ? "" : `, up to position ${positionToString(checkpoint)}`),
        ...(skipped > 0 ? [`  ${skipped} events could not be used and were skipped`] : []),
        "A server running on this data directory keeps the rows it holds until it restarts.",
        "",
      ].join("\n"),
    );
    return EXIT_CODES.ok;
  } finally {
    await runner.stop();
    await readModel.close();
    await eventStore.close();
  }
};

/** Adds `rebuild` to the program. */
export const defineRebuildCommand = (program: Command, io: CliIo, finish: Finish): Command =>
  program
    .command("rebuild")
    .summary("rebuild the views' read model from the events")
    .description(
      "Replays the whole log into a fresh read model (read-model.sqlite) beside the live one and " +
        "swaps it in at the end: the views' rows, derived from the events only. Run it after a " +
        "change to the projections, or when the read model is damaged. Best with the server " +
        "stopped: a running server keeps the rows it holds until it restarts.",
    )
    .addOption(dataDirOption("the data directory whose read model is rebuilt"))
    .addHelpText(
      "after",
      exitCodesHelp("rebuilt and swapped in", "the rebuild failed; the old rows stay in place"),
    )
    .action(
      guarded(io, "rebuild", finish, (options: { dataDir: string }) =>
        rebuild(io, options.dataDir),
      ),
    );

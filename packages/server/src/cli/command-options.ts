import { statSync } from "node:fs";
import { resolve } from "node:path";
import { InvalidArgumentError, Option } from "commander";
import * as E from "fp-ts/lib/Either.js";
import type { CliIo } from "./cli-io.js";
import { EXIT_CODES, type ExitCode } from "./exit-codes.js";

// What several commands share: the data directory option, argument checks, and how a
// mistake in the command line is answered (one line, exit 2, never a stack trace).

/** `--data-dir`, as `pnpm start` reads it: `LEADLEDGER_DATA_DIR`, else `./data`. */
export const dataDirOption = (what: string): Option =>
  new Option("-d, --data-dir <dir>", what).env("LEADLEDGER_DATA_DIR").default("./data");

/** Parses a whole number ≥ 0 for commander; what is not one is a usage error. */
export const wholeNumber = (text: string): number => {
  const value = Number(text);
  if (text.trim() === "" || !Number.isSafeInteger(value) || value < 0) {
    throw new InvalidArgumentError("must be a whole number (0 or more).");
  }
  return value;
};

/** What is at `path`, if anything. */
export const pathKind = (path: string): "directory" | "file" | "missing" => {
  try {
    return statSync(path).isDirectory() ? "directory" : "file";
  } catch {
    return "missing";
  }
};

/** An absolute path to an existing directory, or why not. */
export const existingDirectory = (path: string, what: string): E.Either<string, string> => {
  const absolute = resolve(path);
  switch (pathKind(absolute)) {
    case "directory":
      return E.right(absolute);
    case "file":
      return E.left(`${what} ${absolute} is a file, not a directory`);
    case "missing":
      return E.left(`${what} ${absolute} does not exist`);
  }
};

/** Says what was wrong with the command line and answers exit code 2. */
export const usageFailure = (io: CliIo, command: string, message: string): ExitCode => {
  io.stderr.write(
    `leadledger ${command}: ${message}\n(run leadledger ${command} --help for usage)\n`,
  );
  return EXIT_CODES.usage;
};

/** Says why a command could not do its work and answers exit code 1. */
export const commandFailure = (io: CliIo, command: string, message: string): ExitCode => {
  io.stderr.write(`leadledger ${command}: ${message}\n`);
  return EXIT_CODES.problems;
};

import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import {
  checkDatabaseIntegrity,
  type EventsSummary,
  matchKeysWithStreams,
  summariseEventsFile,
  summariseWorklistFile,
} from "@leadledger/sqlite-adapter";
import { type Command, Option } from "commander";
import * as E from "fp-ts/lib/Either.js";
import { dataDirectoryFiles } from "../data-directory.js";
import { censusOfTokenFile } from "../tokens/token-file-census.js";
import { backupProblemText } from "./backup-problem-text.js";
import type { CliIo } from "./cli-io.js";
import { exitCodesHelp, type Finish, guarded } from "./command-action.js";
import { dataDirOption, existingDirectory, usageFailure } from "./command-options.js";
import { EXIT_CODES, type ExitCode } from "./exit-codes.js";
import { readLedgerSecret } from "./ledger-secret.js";
import { runLedgerTask } from "./run-ledger-task.js";
import { verificationProgress } from "./verification-progress.js";

/** One check of the data directory and what it found. */
export interface DoctorFinding {
  readonly severity: "ok" | "warning" | "problem";
  readonly check: string;
  readonly summary: string;
  readonly details: readonly string[];
}

const finding = (
  severity: DoctorFinding["severity"],
  check: string,
  summary: string,
  details: readonly string[] = [],
): DoctorFinding => ({ severity, check, summary, details });

const count = (n: number): string => n.toLocaleString("en-US");
const octal = (mode: number): string => `0${(mode & 0o777).toString(8)}`;
const reason = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * The API tokens' file: SQLite's integrity, and how many tokens are active, expired and
 * revoked (ids of damaged rows at most; never a token or a hash). Without the file nobody
 * can call the API until a server starts and makes it.
 */
const tokenFindings = (file: string, now: number): DoctorFinding => {
  const name = "tokens.sqlite";
  if (!existsSync(file)) {
    return finding("warning", name, `${file} does not exist: no API token is accepted`, [
      "a server makes it at its next start, and moves there the tokens an older config.json still holds",
      "if it was deleted, its tokens are gone: restore it from a backup, or issue new ones (leadledger tokens issue)",
    ]);
  }
  const integrity = checkDatabaseIntegrity(file);
  if (!integrity.ok) {
    return finding("problem", name, "SQLite integrity check failed", integrity.messages);
  }
  try {
    const census = censusOfTokenFile(file, now);
    const { active, expired, revoked } = census.standing;
    const counted = `${count(census.tokens)} tokens: ${count(active)} active, ${count(expired)} expired, ${count(revoked)} revoked`;
    if (census.undecodable.length > 0) {
      return finding(
        "problem",
        name,
        `${count(census.undecodable.length)} of ${count(census.tokens)} tokens name no valid person, role or department (changed by hand?): each is refused`,
        [
          `tokens: ${census.undecodable.join(", ")}`,
          "revoke them (leadledger tokens revoke) and issue new ones",
        ],
      );
    }
    return active === 0
      ? finding("warning", name, `SQLite integrity; ${counted}: nobody can call the API`, [
          "issue one: leadledger tokens issue --person <id> --label <what for>",
        ])
      : finding("ok", name, `SQLite integrity; ${counted}`);
  } catch (error) {
    return finding("problem", name, `holds no API tokens' table: ${reason(error)}`);
  }
};

/**
 * The worklist's index: SQLite's integrity, its cards and index rows, and its checkpoint,
 * which must not lie past the log's last event (an index of another log, or of this one
 * before a restore, would be taken as caught up). It is derived: absent, the server builds it.
 */
const worklistFindings = (file: string, log: EventsSummary | undefined): DoctorFinding => {
  const name = "worklist.sqlite";
  if (!existsSync(file)) {
    return finding("ok", name, "not there: the server builds it from the log at its next start");
  }
  const integrity = checkDatabaseIntegrity(file);
  if (!integrity.ok) {
    return finding("problem", name, "SQLite integrity check failed", [
      ...integrity.messages,
      `stop the server, delete ${file} (and its -wal, -shm), and start it: it rebuilds the index`,
    ]);
  }
  try {
    const summary = summariseWorklistFile(file);
    const indexed = `${count(summary.cards)} leads' cards, ${count(summary.terms)} index entries`;
    const upTo = summary.checkpoint === undefined ? 0n : BigInt(summary.checkpoint);
    const last = log === undefined ? undefined : BigInt(log.lastPosition);
    if (last !== undefined && upTo > last) {
      return finding(
        "problem",
        name,
        `its checkpoint (position ${upTo}) lies past the log's last event (${last}): an index of another log, or of this one before a restore; a server would pass over the events it has not seen`,
        [
          `stop the server, delete ${file} (and its -wal, -shm), and start it: it rebuilds the index`,
        ],
      );
    }
    return finding(
      "ok",
      name,
      `SQLite integrity; ${indexed}, up to position ${upTo}${last === undefined ? "" : ` of ${last}`}`,
    );
  } catch (error) {
    return finding("problem", name, `holds no worklist: ${reason(error)}`);
  }
};

/**
 * Files 0600 and directories 0700, as the ledger creates them (docs/operations.md,
 * "Files"): the data directory, everything in it, and the checkpoints file wherever it is.
 */
const permissionFindings = (dataDir: string, checkpoints: string): DoctorFinding => {
  if (process.platform === "win32") {
    return finding("warning", "permissions", "not checked on Windows: use the folder's ACL");
  }
  const paths = [
    dataDir,
    ...readdirSync(dataDir).map((name) => join(dataDir, name)),
    ...(existsSync(checkpoints) && resolve(checkpoints, "..") !== dataDir ? [checkpoints] : []),
  ];
  const open: string[] = [];
  for (const path of paths) {
    const stat = statSync(path);
    if ((stat.mode & 0o077) === 0) continue;
    const wanted = stat.isDirectory() ? "700" : "600";
    open.push(
      `${path} is ${octal(stat.mode)}, readable or writable by others: chmod ${wanted} ${path}`,
    );
  }
  return open.length === 0
    ? finding("ok", "permissions", `the data directory 0700 and its ${paths.length - 1} files 0600`)
    : finding("problem", "permissions", `${open.length} readable or writable by others`, open);
};

/** `leadledger doctor`: checks a data directory and reports. */
export const doctor = async (
  io: CliIo,
  dataDir: string,
  checkpointsOption: string | undefined,
): Promise<ExitCode> => {
  const directory = existingDirectory(dataDir, "the data directory");
  if (E.isLeft(directory)) return usageFailure(io, "doctor", directory.left);
  const files = dataDirectoryFiles(directory.right);
  const checkpoints =
    checkpointsOption === undefined ? files.checkpoints : resolve(checkpointsOption);
  const findings: DoctorFinding[] = [];

  const missing = [files.events, files.keys, files.config].filter((file) => !existsSync(file));
  findings.push(
    missing.length === 0
      ? finding("ok", "files", "events.sqlite, keys.sqlite and config.json are there")
      : finding(
          "problem",
          "files",
          `${missing.length} of the ledger's files missing`,
          missing.map((file) => `${file} does not exist`),
        ),
  );
  findings.push(permissionFindings(directory.right, checkpoints));

  let secret: Uint8Array | undefined;
  if (existsSync(files.config)) {
    const read = readLedgerSecret(files.config);
    if (E.isRight(read)) {
      secret = read.right;
      findings.push(finding("ok", "config.json", "holds the ledger secret"));
    } else findings.push(finding("problem", "config.json", read.left));
  }

  let log: EventsSummary | undefined;
  if (existsSync(files.events)) {
    const withCheckpoints = secret !== undefined && existsSync(checkpoints);
    try {
      log = summariseEventsFile(files.events);
    } catch {
      // unreadable: the verification below says so
    }
    const total = log?.eventCount ?? 0;
    const progress = verificationProgress(io.stdout, total);
    const done = await runLedgerTask(
      {
        kind: "verify",
        path: files.events,
        options: {
          ...(secret === undefined ? {} : { secret }),
          ...(withCheckpoints ? { checkpoints } : {}),
        },
      },
      progress.onProgress,
    );
    progress.end();
    if (E.isLeft(done)) findings.push(finding("problem", "events", done.left));
    else {
      const report = done.right;
      const checked = [
        "SQLite integrity",
        secret === undefined
          ? `chains without the secret (${count(report.uncheckedLinks)} keyed links not checked)`
          : "every hash chain with the secret",
        ...(withCheckpoints ? [`the log against ${checkpoints}`] : []),
      ].join(", ");
      findings.push(
        report.ok
          ? finding(
              "ok",
              "events",
              `${count(report.eventCount)} events in ${count(report.streamCount)} streams; checked ${checked}`,
            )
          : finding(
              "problem",
              "events",
              `${report.problems.length} problems in ${count(report.eventCount)} events (checked ${checked})`,
              report.problems.map(backupProblemText),
            ),
      );
    }
    if (!existsSync(checkpoints)) {
      findings.push(
        finding(
          "warning",
          "checkpoints",
          `${checkpoints} does not exist: nothing vouches for the whole log (deleted events, a deleted stream)`,
          ["the server writes it; if it keeps it elsewhere, name it with --checkpoints"],
        ),
      );
    } else if (secret === undefined) {
      findings.push(
        finding("warning", "checkpoints", "not checked: no secret to check their signatures"),
      );
    }
  }

  for (const [name, file] of [
    ["keys.sqlite", files.keys],
    ["read-model.sqlite", files.readModel],
  ] as const) {
    if (!existsSync(file)) continue;
    const integrity = checkDatabaseIntegrity(file);
    findings.push(
      integrity.ok
        ? finding("ok", name, "SQLite integrity")
        : finding("problem", name, "SQLite integrity check failed", integrity.messages),
    );
  }

  findings.push(tokenFindings(files.tokens ?? join(directory.right, "tokens.sqlite"), Date.now()));
  findings.push(worklistFindings(files.worklist, log));

  if (existsSync(files.events) && existsSync(files.keys)) {
    try {
      const matched = matchKeysWithStreams(files);
      const { streamsWithoutKeys, keysWithoutStreams } = matched;
      const listed = (ids: readonly string[], total: number) =>
        `${ids.join(", ")}${total > ids.length ? `, … (${count(total - ids.length)} more)` : ""}`;
      findings.push(
        finding(
          streamsWithoutKeys.count > 0 ? "problem" : "ok",
          "streams without keys",
          streamsWithoutKeys.count === 0
            ? `every one of ${count(matched.leadStreams)} lead streams has its key or its erasure marker (${count(matched.destroyedKeys)} erased)`
            : `${count(streamsWithoutKeys.count)} lead streams have no key, nor an erasure marker: their personal parts cannot be read, and no purge says why (a key deleted from keys.sqlite?)`,
          streamsWithoutKeys.count === 0
            ? []
            : [`leads: ${listed(streamsWithoutKeys.sample, streamsWithoutKeys.count)}`],
        ),
      );
      findings.push(
        finding(
          keysWithoutStreams.count > 0 ? "warning" : "ok",
          "keys without streams",
          keysWithoutStreams.count === 0
            ? `every one of ${count(matched.keys)} keys belongs to a lead stream`
            : `${count(keysWithoutStreams.count)} keys belong to no lead stream: a capture that failed after making its key leaves one; a deleted stream looks the same (the checkpoints tell)`,
          keysWithoutStreams.count === 0
            ? []
            : [`leads: ${listed(keysWithoutStreams.sample, keysWithoutStreams.count)}`],
        ),
      );
    } catch (error) {
      findings.push(
        finding("problem", "keys and streams", `could not compare: ${(error as Error).message}`),
      );
    }
  }

  const label = { ok: "ok      ", warning: "warning ", problem: "PROBLEM " } as const;
  const lines = [`leadledger doctor: ${directory.right}`];
  for (const found of findings) {
    lines.push(`  ${label[found.severity]} ${found.check}: ${found.summary}`);
    for (const detail of found.details) lines.push(`             ${detail}`);
  }
  const problems = findings.filter((found) => found.severity === "problem").length;
  const warnings = findings.filter((found) => found.severity === "warning").length;
  lines.push(`${problems} problems, ${warnings} warnings`, "");
  io.stdout.write(lines.join("\n"));
  return problems === 0 ? EXIT_CODES.ok : EXIT_CODES.problems;
};

/** Adds `doctor` to the program. */
export const defineDoctorCommand = (program: Command, io: CliIo, finish: Finish): Command =>
  program
    .command("doctor")
    .summary("check a data directory: integrity, chains, checkpoints, keys, permissions")
    .description(
      "Checks a data directory, read-only (a live one too): that its files are there; file and " +
        "directory permissions (0600/0700); the ledger secret in config.json; SQLite's integrity " +
        "check of every database; every stream's continuity and every lead's hash chain with the " +
        "secret; the log against its signed checkpoints; lead streams without a key (problem) and " +
        "keys without a lead stream (warning); the API tokens (active, expired, revoked; never " +
        "a token or a hash); the worklist's index against the log. Prints a report.",
    )
    .addOption(dataDirOption("the data directory to check"))
    .addOption(
      new Option(
        "--checkpoints <file>",
        "the checkpoints file, when the server keeps it elsewhere",
      ).env("LEADLEDGER_CHECKPOINTS_FILE"),
    )
    .addHelpText(
      "after",
      exitCodesHelp("no problems (warnings may be listed)", "problems found, each listed"),
    )
    .action(
      guarded(io, "doctor", finish, (options: { dataDir: string; checkpoints?: string }) =>
        doctor(io, options.dataDir, options.checkpoints),
      ),
    );

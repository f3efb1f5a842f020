import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { createOrganisation, type StoreUnavailable } from "@leadledger/core";
import type {
  ApiTokenAdministrationError,
  ApiTokenDescription,
  IssuedApiToken,
} from "@leadledger/http-adapter";
import { ledgerFiles, openSqliteEventStore } from "@leadledger/sqlite-adapter";
import { type Command, InvalidArgumentError, Option } from "commander";
import * as E from "fp-ts/lib/Either.js";
import { currentActorFromDirectory } from "../tokens/current-actor.js";
import { openServerTokens, type ServerTokens } from "../tokens/server-tokens.js";
import { DEFAULT_TOKEN_DAYS, MAX_TOKEN_DAYS } from "../tokens/token-expiry.js";
import { alignedColumns } from "./aligned-columns.js";
import type { CliIo } from "./cli-io.js";
import { exitCodesHelp, type Finish, guarded } from "./command-action.js";
import {
  commandFailure,
  dataDirOption,
  existingDirectory,
  usageFailure,
} from "./command-options.js";
import { EXIT_CODES, type ExitCode } from "./exit-codes.js";

/** `--expires-in-days`: a whole number from 1 to the longest life. */
const lifeDays = (text: string): number => {
  const value = Number(text);
  if (text.trim() === "" || !Number.isSafeInteger(value) || value < 1 || value > MAX_TOKEN_DAYS) {
    throw new InvalidArgumentError(`must be a whole number of days from 1 to ${MAX_TOKEN_DAYS}.`);
  }
  return value;
};

const expiresOption = () =>
  new Option(
    "--expires-in-days <days>",
    `days until the token expires (1–${MAX_TOKEN_DAYS}; default ${DEFAULT_TOKEN_DAYS})`,
  ).argParser(lifeDays);

/** Why the work could not be done, in a line. */
const refusalText = (error: ApiTokenAdministrationError | StoreUnavailable): string => {
  switch (error.code) {
    case "token.not-found":
      return `no API token ${error.tokenId} (leadledger tokens list shows them)`;
    case "token.inactive":
      return `${error.tokenId} is revoked or expired: issue a new token instead`;
    case "token.person-unknown":
      return `no active person ${error.personId} in this data directory's organisation`;
    case "store.unavailable":
      return `the token store is unavailable: ${error.message}`;
  }
};

const iso = (millis: number | null): string =>
  millis === null ? "-" : new Date(millis).toISOString().replace(/\.000Z$/, "Z");

/** One token as a line of the list. */
const COLUMNS = ["token id", "person", "role", "department", "status", "expires", "label"];
const rowOf = (token: ApiTokenDescription): string[] => [
  token.tokenId,
  token.personId,
  token.role,
  token.department,
  token.status,
  iso(token.expiresAt),
  token.label,
];

/** A table whose last column (the label, free text) may be as wide as it likes. */
const table = (rows: readonly string[][]): string => alignedColumns([COLUMNS, ...rows]);

const issuedText = (token: IssuedApiToken, verb: string): string =>
  [
    `${verb} ${token.tokenId} for ${token.personId} (${token.role}, ${token.department}), "${token.label}", expires ${iso(token.expiresAt)}${token.replaces === null ? "" : `; ${token.replaces} is revoked`}.`,
    "The token, shown this once (only its SHA-256 is stored):",
    `  ${token.token}`,
    "",
  ].join("\n");

/**
 * Opens the data directory's tokens, with its organisation when it has events: a token is
 * then issued only for an active person, in their current role and department. Works while
 * a server runs on the same directory: the files are SQLite in WAL mode.
 */
const withTokens = async (
  io: CliIo,
  command: string,
  dataDir: string,
  work: (tokens: ServerTokens) => Promise<ExitCode>,
): Promise<ExitCode> => {
  const directory = existingDirectory(dataDir, "the data directory");
  if (E.isLeft(directory)) return usageFailure(io, command, directory.left);
  const files = ledgerFiles(directory.right);
  if (files.config === undefined || !existsSync(files.config)) {
    return usageFailure(
      io,
      command,
      `${directory.right} holds no config.json: start the server on it once first`,
    );
  }
  const events = existsSync(files.events)
    ? openSqliteEventStore({ path: files.events })
    : undefined;
  try {
    const organisation =
      events === undefined
        ? undefined
        : createOrganisation({ eventStore: events, newId: randomUUID });
    const tokens = await openServerTokens({
      dataDir: directory.right,
      ...(organisation === undefined
        ? {}
        : { currentActorOf: currentActorFromDirectory(organisation) }),
    });
    try {
      return await work(tokens);
    } finally {
      await tokens.close();
    }
  } finally {
    await events?.close();
  }
};

const done = (io: CliIo, text: string): ExitCode => {
  io.stdout.write(text);
  return EXIT_CODES.ok;
};

/** Adds `tokens` (issue, list, revoke, rotate) to the program. */
export const defineTokensCommand = (program: Command, io: CliIo, finish: Finish): Command => {
  const tokens = program
    .command("tokens")
    .summary("issue, list, revoke and rotate API tokens")
    .description(
      "The operator's hand on the data directory's API tokens (tokens.sqlite), also while a " +
        "server runs on it: a revoked token is refused by every server on its next request. " +
        `A token lives ${DEFAULT_TOKEN_DAYS} days unless told otherwise, at most ${MAX_TOKEN_DAYS}; ` +
        "it is shown once, when issued or rotated, and only its SHA-256 is stored.",
    )
    .addHelpText("after", exitCodesHelp("done", "the work could not be done (it says why)"));

  tokens
    .command("issue")
    .description("issue a token for a person; prints it once")
    .requiredOption("--person <id>", "the person it acts for")
    .option(
      "--label <text>",
      "what it is for (stored in the clear: no personal data)",
      "issued by the operator",
    )
    .addOption(expiresOption())
    .addOption(dataDirOption("the data directory"))
    .addHelpText("after", exitCodesHelp("issued", "no such active person, or the store failed"))
    .action(
      guarded(
        io,
        "tokens issue",
        finish,
        (options: { person: string; label: string; expiresInDays?: number; dataDir: string }) =>
          withTokens(io, "tokens issue", options.dataDir, async ({ administration }) => {
            if (options.label.trim() === "" || options.label.length > 200) {
              return usageFailure(
                io,
                "tokens issue",
                "--label must be 1 to 200 characters, not blank",
              );
            }
            const issued = await administration.issue({
              personId: options.person,
              label: options.label,
              ...(options.expiresInDays === undefined
                ? {}
                : { expiresInDays: options.expiresInDays }),
            });
            return E.isLeft(issued)
              ? commandFailure(io, "tokens issue", refusalText(issued.left))
              : done(io, issuedText(issued.right, "issued"));
          }),
      ),
    );

  tokens
    .command("list")
    .description("list the tokens, or one person's: never a token or its hash")
    .option("--person <id>", "only this person's tokens")
    .addOption(dataDirOption("the data directory"))
    .addHelpText("after", exitCodesHelp("listed", "the store failed"))
    .action(
      guarded(io, "tokens list", finish, (options: { person?: string; dataDir: string }) =>
        withTokens(io, "tokens list", options.dataDir, async ({ administration }) => {
          const listed = await administration.list(
            options.person === undefined ? {} : { personId: options.person },
          );
          if (E.isLeft(listed)) return commandFailure(io, "tokens list", refusalText(listed.left));
          return done(io, `${table(listed.right.map(rowOf))}\n`);
        }),
      ),
    );

  tokens
    .command("revoke")
    .description("revoke a token at once, for every server on the data directory")
    .argument("<tokenId>", "the token's id, as `tokens list` shows it")
    .addOption(dataDirOption("the data directory"))
    .addHelpText(
      "after",
      exitCodesHelp("revoked (or revoked already)", "no such token, or the store failed"),
    )
    .action(
      guarded(io, "tokens revoke", finish, (tokenId: string, options: { dataDir: string }) =>
        withTokens(io, "tokens revoke", options.dataDir, async ({ administration }) => {
          const revoked = await administration.revoke(tokenId);
          if (E.isLeft(revoked))
            return commandFailure(io, "tokens revoke", refusalText(revoked.left));
          return done(io, `revoked ${tokenId} at ${iso(revoked.right.revokedAt)}\n`);
        }),
      ),
    );

  tokens
    .command("rotate")
    .description("replace an active token with a new one, printed once, and revoke the old one")
    .argument("<tokenId>", "the token's id, as `tokens list` shows it")
    .addOption(expiresOption())
    .addOption(dataDirOption("the data directory"))
    .addHelpText(
      "after",
      exitCodesHelp("rotated", "no such active token or person, or the store failed"),
    )
    .action(
      guarded(
        io,
        "tokens rotate",
        finish,
        (tokenId: string, options: { expiresInDays?: number; dataDir: string }) =>
          withTokens(io, "tokens rotate", options.dataDir, async ({ administration }) => {
            const rotated = await administration.rotate(
              tokenId,
              options.expiresInDays === undefined ? {} : { expiresInDays: options.expiresInDays },
            );
            return E.isLeft(rotated)
              ? commandFailure(io, "tokens rotate", refusalText(rotated.left))
              : done(io, issuedText(rotated.right, "rotated into"));
          }),
      ),
    );
  return tokens;
};

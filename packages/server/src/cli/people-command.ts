import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import {
  createOrganisation,
  Identifier,
  Instant,
  NonEmptyString,
  type Organisation,
  type OrganisationError,
  type Person,
  Role,
} from "@leadledger/core";
import { ledgerFiles, openSqliteEventStore } from "@leadledger/sqlite-adapter";
import { type Command, InvalidArgumentError, Option } from "commander";
import * as E from "fp-ts/lib/Either.js";
import type * as t from "io-ts";
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

// `leadledger people`: the operator's hand on the organisation (docs/organisation.md), the
// same commands as POST /people and its departure and move, recorded in the data
// directory's events.sqlite. It works while servers run on the directory: each reads the
// organisation stream again at its next command, and appends are checked against the
// stream's revision, so a concurrent change is decided again rather than overwritten.

/** A commander parser from an io-ts codec: what does not decode is a usage error. */
const parsedBy =
  <A>(codec: t.Decoder<unknown, A>, expected: string) =>
  (text: string): A => {
    const decoded = codec.decode(text);
    if (E.isLeft(decoded)) throw new InvalidArgumentError(`must be ${expected}.`);
    return decoded.right;
  };

const IDENTIFIER = "1 to 128 characters without leading or trailing blanks";
const personIdOf = parsedBy(Identifier, IDENTIFIER);
const departmentOption = (description: string) =>
  new Option("--department <id>", description).argParser(parsedBy(Identifier, IDENTIFIER));
const atOption = () =>
  new Option(
    "--at <instant>",
    "when it takes effect, ISO-8601 with an offset, like 2026-11-20T09:00:00+08:00 (default: now)",
  ).argParser(
    parsedBy(Instant, "an ISO-8601 instant with an offset, like 2026-11-20T09:00:00+08:00"),
  );

/** Why the organisation refused, in a line. */
const refusalText = (error: OrganisationError): string => {
  switch (error.code) {
    case "person.already-active":
      return `${error.personId} is active already (person.already-active)`;
    case "person.unknown":
      return `no person ${error.personId} ever joined (person.unknown; leadledger people list shows them)`;
    case "person.inactive":
      return `${error.personId} has left already (person.inactive)`;
    case "person.unchanged":
      return `${error.personId} is in that department already (person.unchanged)`;
    case "concurrency.conflict":
      return "the organisation kept changing meanwhile (concurrency.conflict): try again";
    case "store.unavailable":
      return `the event store is unavailable: ${error.message ?? error.code}`;
  }
};

const describePerson = (person: Person): string =>
  `${person.personId} (${person.displayName}), ${person.role} in ${person.department}`;

/**
 * Opens the data directory's organisation: over its events.sqlite, which a server made on
 * its first start. A directory without one is a mistake in the command line.
 */
const withOrganisation = async (
  io: CliIo,
  command: string,
  dataDir: string,
  work: (organisation: Organisation) => Promise<ExitCode>,
): Promise<ExitCode> => {
  const directory = existingDirectory(dataDir, "the data directory");
  if (E.isLeft(directory)) return usageFailure(io, command, directory.left);
  const files = ledgerFiles(directory.right);
  if (!existsSync(files.events)) {
    return usageFailure(
      io,
      command,
      `${directory.right} holds no events.sqlite: start the server on it once first`,
    );
  }
  const events = openSqliteEventStore({ path: files.events });
  try {
    return await work(createOrganisation({ eventStore: events, newId: randomUUID }));
  } finally {
    await events.close();
  }
};

const now = (): Instant => new Date().toISOString() as Instant;

const COLUMNS = ["person", "role", "department", "status", "name"];
/** A table whose last column (the display name, free text) may be as wide as it likes. */
const table = (people: readonly Person[]): string => {
  const rows = [
    COLUMNS,
    ...people.map((p) => [
      p.personId,
      p.role,
      p.department,
      p.active ? "active" : "left",
      p.displayName,
    ]),
  ];
  return alignedColumns(rows);
};

/** Adds `people` (list, add, leave, move) to the program. */
export const definePeopleCommand = (program: Command, io: CliIo, finish: Finish): Command => {
  const people = program
    .command("people")
    .summary("list, add, move and retire the organisation's people")
    .description(
      "The operator's hand on the organisation (docs/organisation.md): who may own leads, in " +
        "which department. Recorded as events in the data directory's events.sqlite, also while " +
        "servers run on it: each sees a change at its next command.",
    )
    .addHelpText(
      "after",
      exitCodesHelp("done", "the organisation refused (it says why), or the store failed"),
    );

  people
    .command("list")
    .description("everyone who has joined, those who left among them")
    .option("--active", "only those who have not left")
    .addOption(departmentOption("only this department's people"))
    .addOption(dataDirOption("the data directory"))
    .addHelpText("after", exitCodesHelp("listed", "the store failed"))
    .action(
      guarded(
        io,
        "people list",
        finish,
        (options: { active?: boolean; department?: string; dataDir: string }) =>
          withOrganisation(io, "people list", options.dataDir, async (organisation) => {
            const listed = await organisation.people();
            if (E.isLeft(listed))
              return commandFailure(io, "people list", refusalText(listed.left));
            const shown = listed.right.filter(
              (person) =>
                (options.active !== true || person.active) &&
                (options.department === undefined || person.department === options.department),
            );
            io.stdout.write(`${table(shown)}\n`);
            return EXIT_CODES.ok;
          }),
      ),
    );

  people
    .command("add")
    .description("a person joins (a person who left may join again)")
    .argument("<personId>", "the person's id: the repId of the leads they own", personIdOf)
    .requiredOption(
      "--name <displayName>",
      "their work name, such as colleagues use",
      parsedBy(NonEmptyString, "1 to 4000 characters, not blank"),
    )
    .addOption(
      new Option("--role <role>", "rep and head own leads of their department; executive none")
        .choices(Object.keys(Role.keys))
        .makeOptionMandatory(),
    )
    .addOption(departmentOption("the department they work in").makeOptionMandatory())
    .addOption(atOption())
    .addOption(dataDirOption("the data directory"))
    .addHelpText(
      "after",
      exitCodesHelp("joined", "the person is active already, or the store failed"),
    )
    .action(
      guarded(
        io,
        "people add",
        finish,
        (
          personId: Identifier,
          options: {
            name: NonEmptyString;
            role: Role;
            department: Identifier;
            at?: Instant;
            dataDir: string;
          },
        ) =>
          withOrganisation(io, "people add", options.dataDir, async (organisation) => {
            const joining = {
              personId,
              displayName: options.name,
              role: options.role,
              department: options.department,
              at: options.at ?? now(),
            };
            const joined = await organisation.join(joining);
            if (E.isLeft(joined)) return commandFailure(io, "people add", refusalText(joined.left));
            io.stdout.write(
              `joined: ${describePerson({ ...joining, active: true })}, from ${joining.at}\n`,
            );
            return EXIT_CODES.ok;
          }),
      ),
    );

  people
    .command("leave")
    .description("a person leaves: from then on they own no new leads (hand theirs over)")
    .argument("<personId>", "the person's id", personIdOf)
    .addOption(atOption())
    .addOption(dataDirOption("the data directory"))
    .addHelpText(
      "after",
      exitCodesHelp("left", "no such person, gone already, or the store failed"),
    )
    .action(
      guarded(
        io,
        "people leave",
        finish,
        (personId: Identifier, options: { at?: Instant; dataDir: string }) =>
          withOrganisation(io, "people leave", options.dataDir, async (organisation) => {
            const at = options.at ?? now();
            const left = await organisation.leave(personId, at);
            if (E.isLeft(left)) return commandFailure(io, "people leave", refusalText(left.left));
            io.stdout.write(`left: ${personId}, from ${at}\n`);
            return EXIT_CODES.ok;
          }),
      ),
    );

  people
    .command("move")
    .description("a person moves to another department, keeping their role")
    .argument("<personId>", "the person's id", personIdOf)
    .addOption(departmentOption("the department they move to").makeOptionMandatory())
    .addOption(atOption())
    .addOption(dataDirOption("the data directory"))
    .addHelpText(
      "after",
      exitCodesHelp(
        "moved",
        "no such person, gone, in that department already, or the store failed",
      ),
    )
    .action(
      guarded(
        io,
        "people move",
        finish,
        (
          personId: Identifier,
          options: { department: Identifier; at?: Instant; dataDir: string },
        ) =>
          withOrganisation(io, "people move", options.dataDir, async (organisation) => {
            const at = options.at ?? now();
            const moved = await organisation.move(personId, options.department, at);
            if (E.isLeft(moved)) return commandFailure(io, "people move", refusalText(moved.left));
            io.stdout.write(`moved: ${personId} to ${options.department}, from ${at}\n`);
            return EXIT_CODES.ok;
          }),
      ),
    );
  return people;
};

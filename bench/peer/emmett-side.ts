// emmett's side: the lead decider of lead-decider.ts behind emmett's CommandHandler, on
// getInMemoryEventStore() or on emmett-sqlite's getSQLiteEventStore() as its README sets it
// up (a file name; a connection per operation, WAL, SQLite's default synchronous = FULL).
import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { join } from "node:path";
import { CommandHandler, type EventStore, getInMemoryEventStore } from "@event-driven-io/emmett";
import { getSQLiteEventStore, sqliteConnection } from "@event-driven-io/emmett-sqlite";
import {
  decide,
  evolve,
  evolveSummary,
  initialState,
  initialSummary,
  type PeerLeadCommand,
} from "./lead-decider.js";
import type { RunSize, SideRun } from "./leadledger-side.js";
import {
  type Batch,
  captureCommand,
  contactFacts,
  contactSlots,
  drive,
  type Figure,
  NOW,
} from "./workload.js";

/** Which evolve the handler replays streams with (see lead-decider.ts). */
export type EmmettVariant = "idiomatic" | "tuned";

const handlerOf = (variant: EmmettVariant) => {
  const now = new Date(NOW).toISOString();
  if (variant === "idiomatic") {
    const handle = CommandHandler({ evolve, initialState, mapToStreamId: (id) => `lead-${id}` });
    return (store: EventStore, command: PeerLeadCommand) =>
      handle(store, command.data.leadId, (state) => decide(command, state, now));
  }
  const handle = CommandHandler({
    evolve: evolveSummary,
    initialState: initialSummary,
    mapToStreamId: (id) => `lead-${id}`,
  });
  return (store: EventStore, command: PeerLeadCommand) =>
    handle(store, command.data.leadId, (state) => decide(command, state, now));
};

const captureOf = (batch: Batch, n: number): PeerLeadCommand => {
  const { party, contact, needs, source, classification, owner, acquiredAt } = captureCommand(
    batch,
    n,
  );
  return {
    type: "CaptureLead",
    data: {
      leadId: randomUUID(),
      party,
      contact,
      needs,
      source,
      classification,
      owner,
      acquiredAt,
    },
  };
};

/** Errors met outside any command's promise, by code; read and reset per phase. */
type StrayErrors = () => Record<string, number>;
const noStrayErrors: StrayErrors = () => ({});

const withStray = (figure: Figure, stray: Record<string, number>): Figure => {
  const errors = { ...figure.errors };
  for (const [code, n] of Object.entries(stray)) {
    const key = `${code} (uncaught)`;
    errors[key] = (errors[key] ?? 0) + n;
  }
  return { ...figure, errors };
};

const run = async (
  store: EventStore,
  variant: EmmettVariant,
  size: RunSize,
  strayErrors: StrayErrors,
): Promise<SideRun> => {
  const handle = handlerOf(variant);
  const timed = Array.from({ length: size.captures }, (_, n) => captureOf("timed", n));
  strayErrors();
  const captures = await drive(
    timed,
    size.inFlight,
    async (command) => {
      await handle(store, command);
    },
    size.seconds,
  );
  const capturesStray = strayErrors();
  const setup = Array.from({ length: size.leads }, (_, n) => captureOf("setup", n));
  const captured = await drive(setup, 1, async (command) => {
    await handle(store, command);
  });
  if (captured.done !== size.leads) {
    throw new Error(`setup captures failed: ${JSON.stringify(captured.errors)}`);
  }
  const commands = contactSlots(size.leads, size.contactsPerLead).map(
    ({ lead, n }): PeerLeadCommand => ({
      type: "RecordContact",
      data: { leadId: (setup[lead] as PeerLeadCommand).data.leadId, ...contactFacts(n) },
    }),
  );
  strayErrors();
  const contacts = await drive(
    commands,
    size.inFlight,
    async (command) => {
      await handle(store, command);
    },
    size.seconds,
  );
  return {
    captures: withStray(captures, capturesStray),
    contacts: withStray(contacts, strayErrors()),
  };
};

/** emmett's in-memory event store. */
export const emmettInMemory = (size: RunSize, variant: EmmettVariant): Promise<SideRun> =>
  run(getInMemoryEventStore(), variant, size, noStrayErrors);

/**
 * How emmett-sqlite reaches its file: "per-operation" is its default and README setup (a
 * connection opened and closed by every read and append); "shared" hands it one connection
 * for the whole run (its `connectionOptions.singleton`), the tuning a user would try next.
 */
export type EmmettSqliteConnection = "per-operation" | "shared";

/** emmett-sqlite on a fresh file, with the idiomatic decider. */
export const emmettOnSqlite = async (
  size: RunSize,
  connectionMode: EmmettSqliteConnection,
  directory: string,
): Promise<SideRun> => {
  const fileName = join(mkdtempSync(join(directory, "emmett-")), "events.sqlite");
  const shared = connectionMode === "shared" ? sqliteConnection({ fileName }) : undefined;
  const store = getSQLiteEventStore(
    shared === undefined
      ? { fileName }
      : { fileName, connectionOptions: { singleton: true, connection: shared } },
  );
  // Each connection runs `PRAGMA journal_mode = WAL` without a callback: when the file is
  // locked, node-sqlite3 emits SQLITE_BUSY as an 'error' event nobody listens to, and the
  // process would die. Those are counted beside the side's other errors rather than let
  // crash the bench; any other uncaught error still ends it.
  let stray: Record<string, number> = {};
  const count = (error: unknown) => {
    const code = (error as { code?: unknown } | null)?.code;
    if (typeof code !== "string" || !code.startsWith("SQLITE_")) throw error;
    stray[code] = (stray[code] ?? 0) + 1;
  };
  // Its transactions also console.log() every error they rethrow; drive() counts those
  // already, so the echo is kept off the bench's output for the length of the run.
  const log = console.log;
  console.log = () => {};
  process.on("uncaughtException", count);
  try {
    return await run(store, "idiomatic", size, () => {
      const taken = stray;
      stray = {};
      return taken;
    });
  } finally {
    process.off("uncaughtException", count);
    console.log = log;
    shared?.close();
  }
};

/** The synchronous setting a connection of emmett-sqlite gets (0 OFF, 1 NORMAL, 2 FULL). */
export const emmettSqliteSynchronous = async (directory: string): Promise<number | undefined> => {
  const connection = sqliteConnection({ fileName: join(directory, "probe.sqlite") });
  try {
    const row = await connection.querySingle<{ synchronous: number }>("PRAGMA synchronous");
    return row?.synchronous;
  } finally {
    connection.close();
  }
};

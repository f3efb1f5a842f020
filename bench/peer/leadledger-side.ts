// The ledger's side: createLeadLedger on the in-memory stores, or on the SQLite adapter's
// event and key stores at FULL durability, driven as bench/core drives it.
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { join } from "node:path";
import {
  type Actor,
  createInMemoryEventStore,
  createInMemoryKeyStore,
  createLeadLedger,
  type LeadLedger,
} from "@leadledger/core";
import { openSqliteEventStore, openSqliteKeyStore } from "@leadledger/sqlite-adapter";
import * as E from "fp-ts/lib/Either.js";
import {
  type Batch,
  captureCommand,
  contactFacts,
  contactSlots,
  drive,
  type Figure,
  NOW,
} from "./workload.js";

const rep = { id: "rep-1", role: "rep", department: "east" } as Actor;

/** A refusal becomes an error carrying its code, so that drive() counts it. */
const refused = (left: { readonly code: string }): Error =>
  Object.assign(new Error(left.code), { code: left.code });

interface Opened {
  readonly ledger: LeadLedger;
  readonly close: () => Promise<void>;
}

const inMemory = (): Opened => ({
  ledger: createLeadLedger({
    eventStore: createInMemoryEventStore(),
    keyStore: createInMemoryKeyStore(),
    secret: randomBytes(32),
    clock: () => NOW,
  }),
  close: async () => {},
});

const onSqlite = (directory: string): Opened => {
  const folder = mkdtempSync(join(directory, "leadledger-"));
  const eventStore = openSqliteEventStore({
    path: join(folder, "events.sqlite"),
    synchronous: "full",
  });
  const keyStore = openSqliteKeyStore({ path: join(folder, "keys.sqlite"), synchronous: "full" });
  return {
    ledger: createLeadLedger({ eventStore, keyStore, secret: randomBytes(32), clock: () => NOW }),
    close: async () => {
      await eventStore.close();
      await keyStore.close();
    },
  };
};

const captures = async (
  ledger: LeadLedger,
  batch: Batch,
  count: number,
  inFlight: number,
  seconds?: number,
) => {
  const commands = Array.from({ length: count }, (_, n) => captureCommand(batch, n));
  const leadIds: string[] = [];
  const figure = await drive(
    commands,
    inFlight,
    async (command) => {
      const outcome = await ledger.execute(rep, command);
      if (E.isLeft(outcome)) throw refused(outcome.left);
      leadIds.push(outcome.right.leadId);
    },
    seconds,
  );
  return { figure, leadIds };
};

const contacts = async (
  ledger: LeadLedger,
  leadIds: readonly string[],
  perLead: number,
  inFlight: number,
  seconds?: number,
): Promise<Figure> => {
  const commands = contactSlots(leadIds.length, perLead).map(({ lead, n }) => ({
    type: "RecordContact",
    commandId: `c-${lead}-${n}`,
    leadId: leadIds[lead],
    ...contactFacts(n),
  }));
  return drive(
    commands,
    inFlight,
    async (command) => {
      const outcome = await ledger.execute(rep, command);
      if (E.isLeft(outcome)) throw refused(outcome.left);
    },
    seconds,
  );
};

/** What one side measures: captures/s, then contacts/s on the leads it captured. */
export interface SideRun {
  readonly captures: Figure;
  readonly contacts: Figure;
}

/** The sizes of a run. */
export interface RunSize {
  readonly captures: number;
  readonly leads: number;
  readonly contactsPerLead: number;
  readonly inFlight: number;
  /** The longest a timed phase may start commands for; unbounded when absent. */
  readonly seconds?: number;
}

const run = async (opened: Opened, size: RunSize): Promise<SideRun> => {
  try {
    const captured = await captures(
      opened.ledger,
      "timed",
      size.captures,
      size.inFlight,
      size.seconds,
    );
    // The contacts' leads are captured apart, untimed, so that both figures have their own.
    const setup = await captures(opened.ledger, "setup", size.leads, 1);
    if (setup.leadIds.length !== size.leads) {
      throw new Error(`setup captures failed: ${JSON.stringify(setup.figure.errors)}`);
    }
    const contacted = await contacts(
      opened.ledger,
      setup.leadIds,
      size.contactsPerLead,
      size.inFlight,
      size.seconds,
    );
    return { captures: captured.figure, contacts: contacted };
  } finally {
    await opened.close();
  }
};

/** The ledger on the in-memory event and key stores. */
export const leadledgerInMemory = (size: RunSize): Promise<SideRun> => run(inMemory(), size);

/** The ledger on the SQLite adapter (events and keys, synchronous = FULL). */
export const leadledgerOnSqlite = (size: RunSize, directory: string): Promise<SideRun> =>
  run(onSqlite(directory), size);

import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { captureLead, executiveActor, recordContact, repActor } from "@leadledger/testkit";
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { leadStreamName } from "../lead/stream-name.js";
import type { LeadId } from "../lead/values.js";
import { createInMemoryKeyStore } from "../privacy/key-store.js";
import type { EventStore, RecordedEvent } from "../store/event-store.js";
import { createInMemoryEventStore } from "../store/in-memory.js";
import { fnvFingerprint } from "./command-index.js";
import { createLeadLedger } from "./ledger.js";
import {
  catchUpLoadedLead,
  commandKeyOf,
  emptyLoadedLead,
  findCommand,
  type LoadedLead,
  weighLoadedLead,
} from "./loaded-lead.js";

const NOW = Date.parse("2026-11-20T00:00:00.000Z");
const leadIdOf = (n: number) =>
  `00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}` as LeadId;
const contactId = (lead: number, n: number) => `contact-${lead}-${n}`;

/**
 * `leads` leads of one capture (two events) and `contacts` contacts each, written by a
 * ledger; with the key each contact's command is known by.
 */
const writeLeads = async (leads: number, contacts: number) => {
  const keys: string[][] = [];
  const eventStore = createInMemoryEventStore();
  const ledger = createLeadLedger({
    eventStore,
    keyStore: createInMemoryKeyStore(),
    secret: new Uint8Array(32).fill(7),
    clock: () => NOW,
  });
  for (let lead = 0; lead < leads; lead++) {
    const leadId = leadIdOf(lead);
    const captured = await ledger.execute(
      executiveActor,
      captureLead({
        commandId: `capture-${lead}`,
        leadId,
        lateEntryReason: "typed in after the fair",
        contact: {
          ...captureLead().contact,
          phone: `+86 139${10_000_000 + lead}`,
          email: `l${lead}@example.cn`,
        },
      } as never),
    );
    if (E.isLeft(captured)) throw new Error(captured.left.code);
    keys.push([]);
    for (let n = 0; n < contacts; n++) {
      const outcome = await ledger.execute(
        repActor,
        recordContact({ leadId, commandId: contactId(lead, n) } as never),
      );
      if (E.isLeft(outcome)) throw new Error(outcome.left.code);
      const metadata = outcome.right.events[0]?.metadata;
      if (metadata !== undefined) keys[lead]?.push(commandKeyOf(metadata));
    }
  }
  return { store: eventStore as EventStore, keys };
};

/** Serves fresh copies of the streams, as a database would: nothing shared with the writer. */
const copyingStore = (streams: ReadonlyMap<string, readonly RecordedEvent[]>): EventStore =>
  ({
    readStream: async (stream: string, options?: { from?: bigint; maxCount?: number }) => {
      const from = Number(options?.from ?? 0n);
      const events = streams.get(stream) ?? [];
      return E.right(structuredClone(events.slice(from, from + (options?.maxCount ?? Infinity))));
    },
  }) as unknown as EventStore;

const streamsOf = async (store: EventStore, leads: number) => {
  const streams = new Map<string, readonly RecordedEvent[]>();
  for (let lead = 0; lead < leads; lead++) {
    const read = await store.readStream(leadStreamName(leadIdOf(lead)));
    if (E.isLeft(read)) throw new Error(read.left.code);
    streams.set(leadStreamName(leadIdOf(lead)), read.right);
  }
  return streams;
};

const loaded = async (
  store: EventStore,
  lead: number,
  commands = emptyLoadedLead(leadIdOf(lead)),
) => {
  const caught = await catchUpLoadedLead(store, commands);
  if (E.isLeft(caught)) throw new Error(caught.left.code);
  return caught.right;
};

describe("a loaded lead's memory (issue 12, item 17)", () => {
  it("a lead of 1,000 events does not keep its whole history, and weighs what it keeps", async () => {
    setFlagsFromString("--expose-gc");
    const collect = runInNewContext("gc") as () => void;
    const leads = 24;
    const store = copyingStore(await streamsOf((await writeLeads(leads, 998)).store, leads));
    const retained = () => {
      collect();
      collect();
      const memory = process.memoryUsage();
      return memory.heapUsed + memory.arrayBuffers;
    };
    const kept: LoadedLead[] = [];
    for (let lead = 0; lead < leads; lead++) kept.push(await loaded(store, lead));
    const revisions = kept.map((lead) => lead.revision);
    const weighed = kept.reduce((sum, lead) => sum + weighLoadedLead(lead), 0) / leads;
    // What the leads keep alive is what letting go of them frees.
    const holding = retained();
    kept.length = 0;
    const perLead = (holding - retained()) / leads;
    expect(revisions.every((revision) => revision >= 999n)).toBe(true);
    // A record of every command kept ~255 bytes each, ~257 KB for such a lead; 16 exact
    // records and a fingerprint of each older command keep ~16 KB.
    expect(perLead).toBeLessThan(40_000);
    // The cache's budget is only as good as this estimate.
    expect(weighed).toBeGreaterThan(perLead * 0.75);
    expect(weighed).toBeLessThan(perLead * 1.5);
  });
});

describe("catching up a loaded lead", () => {
  it("applies each event once when two catch-ups of the lead overlap", async () => {
    const { store } = await writeLeads(1, 3);
    const once = await loaded(store, 0);
    const lead = emptyLoadedLead(leadIdOf(0));
    await Promise.all([catchUpLoadedLead(store, lead), catchUpLoadedLead(store, lead)]);
    expect(lead.revision).toBe(once.revision);
    expect(lead.state).toEqual(once.state);
    expect(lead.state?.contactCount).toBe(3);
  });
});

describe("finding a command on a loaded lead", () => {
  it("finds an old command, known only by its fingerprint, in the stream", async () => {
    const { store, keys } = await writeLeads(1, 40);
    const streams = await streamsOf(store, 1);
    const lead = await loaded(
      store,
      0,
      emptyLoadedLead(leadIdOf(0), { recent: 2, fingerprint: fnvFingerprint }),
    );
    const key = (n: number) => keys[0]?.[n] ?? "";
    const unbounded = await loaded(
      store,
      0,
      emptyLoadedLead(leadIdOf(0), { recent: 1_000, fingerprint: fnvFingerprint }),
    );
    for (const n of [0, 17, 38, 39]) {
      const expected = unbounded.commands.lookup(key(n));
      expect(expected.found).toBe("recorded");
      const found = await findCommand(store, lead, key(n));
      expect(found).toEqual(E.right(expected.found === "recorded" ? expected.record : undefined));
    }
    expect(lead.revision).toBe(BigInt((streams.get(lead.stream)?.length ?? 0) - 1));
  });

  it("takes a command whose fingerprint collides for a new one once the stream says so", async () => {
    const { store } = await writeLeads(1, 5);
    const lead = await loaded(
      store,
      0,
      emptyLoadedLead(leadIdOf(0), { recent: 1, fingerprint: () => 1 }),
    );
    expect(lead.commands.lookup("never-sent")).toEqual({ found: "perhaps" });
    expect(await findCommand(store, lead, "never-sent")).toEqual(E.right(undefined));
  });
});

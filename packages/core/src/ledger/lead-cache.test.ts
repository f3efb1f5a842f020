import { captureLead, executiveActor, recordContact, repActor } from "@leadledger/testkit";
import fc from "fast-check";
import * as E from "fp-ts/lib/Either.js";
import { beforeAll, describe, expect, it } from "vitest";
import { leadStreamName } from "../lead/stream-name.js";
import type { LeadId } from "../lead/values.js";
import { createInMemoryKeyStore } from "../privacy/key-store.js";
import type { EventStore, RecordedEvent } from "../store/event-store.js";
import { createInMemoryEventStore } from "../store/in-memory.js";
import { LeadCache } from "./lead-cache.js";
import { createLeadLedger } from "./ledger.js";
import {
  catchUpLoadedLead,
  emptyLoadedLead,
  type LoadedLead,
  weighLoadedLead,
} from "./loaded-lead.js";

const NOW = Date.parse("2026-11-20T00:00:00.000Z");
const LEADS = 12;
const CONTACTS = 60;
const leadIdOf = (n: number) =>
  `00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}` as LeadId;

/** Each lead's stream as a ledger wrote it: a capture, then CONTACTS contacts. */
let streams: readonly (readonly RecordedEvent[])[] = [];
beforeAll(async () => {
  const eventStore = createInMemoryEventStore();
  const ledger = createLeadLedger({
    eventStore,
    keyStore: createInMemoryKeyStore(),
    secret: new Uint8Array(32).fill(7),
    clock: () => NOW,
  });
  const written: RecordedEvent[][] = [];
  for (let lead = 0; lead < LEADS; lead++) {
    const leadId = leadIdOf(lead);
    const capture = captureLead({
      commandId: `capture-${lead}`,
      leadId,
      lateEntryReason: "typed in after the fair",
      contact: {
        ...captureLead().contact,
        phone: `+86 139${10_000_000 + lead}`,
        email: `l${lead}@example.cn`,
      },
    } as never);
    if (E.isLeft(await ledger.execute(executiveActor, capture))) throw new Error("capture");
    for (let n = 0; n < CONTACTS; n++) {
      const contact = recordContact({ leadId, commandId: `contact-${lead}-${n}` } as never);
      if (E.isLeft(await ledger.execute(repActor, contact))) throw new Error("contact");
    }
    const read = await eventStore.readStream(leadStreamName(leadId));
    if (E.isLeft(read)) throw new Error(read.left.code);
    written.push([...read.right]);
  }
  streams = written;
});

/** The store as it stood when each lead's stream held `visible[lead]` events. */
const storeShowing = (visible: readonly number[]): EventStore =>
  ({
    readStream: async (stream: string, options?: { from?: bigint }) => {
      const lead = streams.findIndex((events) => events[0]?.stream === stream);
      const from = Number(options?.from ?? 0n);
      return E.right((streams[lead] ?? []).slice(from, visible[lead] ?? 0));
    },
  }) as unknown as EventStore;

describe("the ledger's lead cache (issue 12, item 17)", () => {
  it("holds its weight under a tiny budget while many leads and commands go through", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(LEADS - 1), fc.integer({ min: 1, max: 12 })), {
          minLength: 1,
          maxLength: 150,
        }),
        fc.integer({ min: 0, max: 60_000 }),
        fc.integer({ min: 1, max: LEADS }),
        fc.integer({ min: 1, max: 6 }),
        async (steps, maxBytes, maxLeads, recent) => {
          const cache = new LeadCache({ maxBytes, maxLeads });
          const visible = new Array<number>(LEADS).fill(0);
          // Every lead remembered, whether the cache still holds it or not.
          const remembered = new Map<string, LoadedLead>();
          for (const [lead, more] of steps) {
            // As the ledger does: take the cached lead or start one, catch it up with what
            // the store gained since, and remember it.
            visible[lead] = Math.min((visible[lead] ?? 0) + more, (streams[lead] ?? []).length);
            const leadId = leadIdOf(lead);
            const loaded =
              cache.get(leadId) ??
              emptyLoadedLead(leadId, { recent, fingerprint: (key) => key.length });
            const caught = await catchUpLoadedLead(storeShowing(visible), loaded);
            if (E.isLeft(caught)) throw new Error(caught.left.code);
            cache.remember(caught.right);
            remembered.set(leadId, caught.right);

            expect(cache.bytes).toBeLessThanOrEqual(maxBytes);
            expect(cache.size).toBeLessThanOrEqual(maxLeads);
            const held = [...remembered.values()].filter((one) => cache.get(one.leadId) === one);
            expect(held).toHaveLength(cache.size);
            expect(cache.bytes).toBe(held.reduce((sum, one) => sum + weighLoadedLead(one), 0));
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it("lets the least recently used lead go first", () => {
    const lead = (n: number) => emptyLoadedLead(leadIdOf(n));
    const one = weighLoadedLead(lead(0));
    const cache = new LeadCache({ maxBytes: 3 * one, maxLeads: 10 });
    const [a, b, c, d] = [lead(0), lead(1), lead(2), lead(3)];
    for (const loaded of [a, b, c]) cache.remember(loaded);
    cache.remember(a);
    cache.remember(d);
    expect([a, b, c, d].map((loaded) => cache.get(loaded.leadId) === loaded)).toEqual([
      true,
      false,
      true,
      true,
    ]);
  });

  it("keeps no lead heavier than its whole budget", () => {
    const loaded = emptyLoadedLead(leadIdOf(0));
    const cache = new LeadCache({ maxBytes: weighLoadedLead(loaded) - 1, maxLeads: 10 });
    cache.remember(loaded);
    expect(cache.get(loaded.leadId)).toBeUndefined();
    expect(cache.bytes).toBe(0);
  });
});

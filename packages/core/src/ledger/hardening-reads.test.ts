import { captureLead, executiveActor, recordContact, repActor } from "@leadledger/testkit";
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it, vi } from "vitest";
import type { LeadId } from "../lead/values.js";
import { createInMemoryKeyStore, type KeyStore } from "../privacy/key-store.js";
import type { EventStore } from "../store/event-store.js";
import { createInMemoryEventStore } from "../store/in-memory.js";
import { createLeadLedger, type LeadLedger } from "./ledger.js";

// Issue 12, item 6: reading a lead out of reach and a lead never captured must do the same
// work before answering, so that neither the answer nor its cost tells them apart. Counted,
// not timed: the stream reads, the key store's calls and the decryptions of each path.

const decryptions = vi.hoisted(() => ({ count: 0 }));
vi.mock("../privacy/cipher.js", async (importOriginal) => {
  const cipher = await importOriginal<typeof import("../privacy/cipher.js")>();
  return {
    ...cipher,
    openPersonal: (...args: Parameters<typeof cipher.openPersonal>) => {
      decryptions.count++;
      return cipher.openPersonal(...args);
    },
  };
});

const NOW = Date.parse("2026-11-20T00:00:00.000Z");
const SOUTH_LEAD = "0b9a8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d" as LeadId;
const NEVER_CAPTURED = "3c4d5e6f-0a1b-4c2d-8e3f-405162738495" as LeadId;

/** Stores that count what is asked of them. */
const counted = () => {
  const calls = { readStream: 0, readAll: 0, keyStore: 0 };
  const events = createInMemoryEventStore();
  const keys = createInMemoryKeyStore();
  const eventStore: EventStore = {
    ...events,
    readStream: (...args) => {
      calls.readStream++;
      return events.readStream(...args);
    },
    readAll: (...args) => {
      calls.readAll++;
      return events.readAll(...args);
    },
  };
  const keyStore: KeyStore = {
    ...keys,
    getKey: (...args) => {
      calls.keyStore++;
      return keys.getKey(...args);
    },
    ensureKey: (...args) => {
      calls.keyStore++;
      return keys.ensureKey(...args);
    },
    destroyKey: (...args) => {
      calls.keyStore++;
      return keys.destroyKey(...args);
    },
  };
  const deps = { eventStore, keyStore, secret: new Uint8Array(32).fill(7), clock: () => NOW };
  return { calls, deps };
};

type Read = (ledger: LeadLedger, leadId: LeadId) => Promise<E.Either<{ code: string }, unknown>>;
const READS: Array<[string, Read]> = [
  ["getLead", (ledger, leadId) => ledger.getLead(repActor, leadId)],
  [
    "getLead asOf",
    (ledger, leadId) => ledger.getLead(repActor, leadId, { asOf: "2026-11-19T00:00:00Z" }),
  ],
  ["getHistory", (ledger, leadId) => ledger.getHistory(repActor, leadId)],
];

/** What one read cost and answered. */
const measure = async (
  calls: ReturnType<typeof counted>["calls"],
  read: () => Promise<E.Either<{ code: string }, unknown>>,
) => {
  const before = { ...calls, decryptions: decryptions.count };
  const answer = await read();
  return {
    answer: E.isLeft(answer) ? answer.left.code : "read",
    readStream: calls.readStream - before.readStream,
    readAll: calls.readAll - before.readAll,
    keyStore: calls.keyStore - before.keyStore,
    decryptions: decryptions.count - before.decryptions,
  };
};

describe("a hidden lead and a missing one cost the same to read", () => {
  it.each(READS)(
    "%s, by the ledger that wrote the lead (cached) and by a fresh one",
    async (_name, read) => {
      const { calls, deps } = counted();
      const writer = createLeadLedger(deps);
      const south = captureLead({
        leadId: SOUTH_LEAD,
        owner: { repId: "rep-9", department: "south" },
        lateEntryReason: "typed in after the fair",
      } as never);
      expect(E.isRight(await writer.execute(executiveActor, south))).toBe(true);
      expect(
        E.isRight(
          await writer.execute(
            executiveActor,
            recordContact({ leadId: SOUTH_LEAD, summary: "asked about fees" } as never),
          ),
        ),
      ).toBe(true);
      for (const ledger of [writer, createLeadLedger(deps)]) {
        // Twice each: the first read of a fresh ledger may load what the second finds cached.
        for (let round = 0; round < 2; round++) {
          const hidden = await measure(calls, () => read(ledger, SOUTH_LEAD));
          const missing = await measure(calls, () => read(ledger, NEVER_CAPTURED));
          expect(hidden).toEqual(missing);
          expect(hidden).toEqual({
            answer: "lead.not-found",
            readStream: 1,
            readAll: 0,
            keyStore: 0,
            decryptions: 0,
          });
        }
      }
      // The counters do count: who reaches the lead reads it with its key, and decrypts.
      const head = { id: "head-south", role: "head", department: "south" };
      const reached = await measure(calls, () =>
        createLeadLedger(deps).getHistory(head, SOUTH_LEAD),
      );
      expect(reached).toMatchObject({ answer: "read", keyStore: 1 });
      expect(reached.decryptions).toBeGreaterThan(0);
    },
  );
});

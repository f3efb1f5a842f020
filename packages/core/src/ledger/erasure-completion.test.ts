import {
  captureLead,
  executiveActor,
  headActor,
  purgeLead,
  recordContact,
  repActor,
} from "@leadledger/testkit";
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { isRedacted } from "../lead/events.js";
import type { LeadId } from "../lead/values.js";
import type { KeyStore } from "../privacy/key-store.js";
import { createInMemoryKeyStore } from "../privacy/key-store.js";
import type { EventStore } from "../store/event-store.js";
import { createInMemoryEventStore } from "../store/in-memory.js";
import { RESERVATION_STREAM_PREFIX } from "./contact-identity.js";
import { createLeadLedger } from "./ledger.js";

// Issue 12, item 10: erasure must always succeed. Here, what a damaged ciphertext does not
// cover: a lead whose data key is missing from the key store (restored from an older key
// backup, lost), and an erasure interrupted between its purge event and the suppression.

const NOW = Date.parse("2026-11-20T00:00:00.000Z");
const LEAD = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b" as LeadId;
const SECRET = new Uint8Array(32).fill(7);

const ok = <A>(result: E.Either<{ code: string }, A>): A => {
  if (E.isLeft(result)) throw new Error(`expected success, got ${JSON.stringify(result.left)}`);
  return result.right;
};
const code = (result: E.Either<{ code: string }, unknown>): string =>
  E.isLeft(result) ? result.left.code : "succeeded";

/** The last event of every reservation stream: what the store says of each phone and e-mail. */
const reservations = async (store: EventStore): Promise<string[]> => {
  const all = ok(await store.readAll({ filter: { streamPrefixes: [RESERVATION_STREAM_PREFIX] } }));
  const last = new Map<string, string>();
  for (const event of all) last.set(event.stream, event.type);
  return [...last.values()];
};

const ledgerOn = (eventStore: EventStore, keyStore: KeyStore) =>
  createLeadLedger({ eventStore, keyStore, secret: SECRET, clock: () => NOW });

/** A lead with a contact, written with one key store. */
const capturedLead = async (eventStore: EventStore = createInMemoryEventStore()) => {
  const ledger = ledgerOn(eventStore, createInMemoryKeyStore());
  ok(
    await ledger.execute(
      executiveActor,
      captureLead({ lateEntryReason: "typed in after the fair" } as never),
    ),
  );
  ok(await ledger.execute(repActor, recordContact({ summary: "王芳 asked about fees" } as never)));
  return eventStore;
};

const erase = purgeLead({
  erasureRequest: true,
  recheckNote: "王芳 called and asked to be forgotten",
} as never);
const captureAgain = captureLead({
  commandId: "capture-again",
  leadId: undefined,
  lateEntryReason: "typed in after the fair",
} as never);

describe("an erasure request on a lead whose key is missing", () => {
  it("is recorded without a personal part, suppresses the person and marks the key destroyed", async () => {
    const store = await capturedLead();
    // Started on a key store that never had the lead's key.
    const keyStore = createInMemoryKeyStore();
    const ledger = ledgerOn(store, keyStore);
    expect(code(await ledger.getLead(headActor, LEAD))).toBe("history.undecodable");

    const erased = ok(await ledger.execute(headActor, erase));
    expect(erased.events.map((event) => event.type)).toEqual(["LeadPurged"]);
    // Nothing personal could be sealed: the re-check note is not kept, in the outcome or
    // in the store.
    expect(erased.events[0]?.data).toEqual({ reason: "erasure-request", erasureRequest: true });
    const stored = ok(await store.readStream(`lead-${LEAD}`, { direction: "backwards" }))[0];
    expect(stored?.data).toEqual({ reason: "erasure-request", erasureRequest: true });

    expect(ok(await keyStore.getKey(LEAD)).status).toBe("destroyed");
    expect(await reservations(store)).toEqual(["ContactSuppressed", "ContactSuppressed"]);
    expect(code(await ledger.execute(repActor, captureAgain))).toBe("lead.suppressed");
    expect(ok(await ledger.execute(headActor, erase)).replayed).toBe(true);

    // Reads answer: the lead is purged and its personal data redacted, not "missing".
    for (const reader of [ledger, ledgerOn(store, keyStore)]) {
      const lead = ok(await reader.getLead(headActor, LEAD)).state;
      expect(lead.stage).toBe("purged");
      expect(isRedacted(lead.personal)).toBe(true);
      const history = ok(await reader.getHistory(headActor, LEAD));
      const purged = history.entries[history.entries.length - 1]?.event;
      expect(purged?.type).toBe("LeadPurged");
      expect(purged?.data).toEqual({ reason: "erasure-request", erasureRequest: true });
      for (const { event } of history.entries.slice(0, -1)) {
        if ("personal" in event.data) expect(isRedacted(event.data.personal)).toBe(true);
      }
      expect(history.verification.intact).toBe(true);
    }
  });

  it("is finished by the next read when the key store failed to record the key destroyed", async () => {
    const store = await capturedLead();
    const keyStore = createInMemoryKeyStore();
    let down = true;
    const flaky: KeyStore = {
      ...keyStore,
      destroyKey: async (id) =>
        down
          ? E.left({ code: "store.unavailable" as const, message: "key store down" })
          : keyStore.destroyKey(id),
    };
    const ledger = ledgerOn(store, flaky);
    expect(code(await ledger.execute(headActor, erase))).toBe("store.unavailable");
    expect(ok(await keyStore.getKey(LEAD)).status).toBe("missing");
    down = false;
    const lead = ok(await ledger.getLead(headActor, LEAD)).state;
    expect(isRedacted(lead.personal)).toBe(true);
    expect(ok(await keyStore.getKey(LEAD)).status).toBe("destroyed");
  });

  it("is still refused to a rep, and then nothing changes", async () => {
    const store = await capturedLead();
    const keyStore = createInMemoryKeyStore();
    const ledger = ledgerOn(store, keyStore);
    expect(code(await ledger.execute(repActor, erase))).toBe("access.denied");
    expect(ok(await keyStore.getKey(LEAD)).status).toBe("missing");
    expect(await reservations(store)).toEqual(["ContactReserved", "ContactReserved"]);
  });
});

describe("an erasure interrupted after its purge event", () => {
  it("suppresses the person on the next read, from the personal data as it was before the purge", async () => {
    // The store refuses the first suppression: the purge is committed, the rest is not.
    const inner = createInMemoryEventStore();
    let refusals = 1;
    const store: EventStore = {
      ...inner,
      appendToStream: (stream, events, options) => {
        if (events.some((event) => event.type === "ContactSuppressed") && refusals > 0) {
          refusals--;
          return Promise.resolve(
            E.left({ code: "store.unavailable" as const, message: "disk full" }),
          );
        }
        return inner.appendToStream(stream, events, options);
      },
    };
    const keyStore = createInMemoryKeyStore();
    const ledger = ledgerOn(store, keyStore);
    ok(
      await ledger.execute(
        executiveActor,
        captureLead({ lateEntryReason: "typed in after the fair" } as never),
      ),
    );
    expect(code(await ledger.execute(headActor, erase))).toBe("store.unavailable");
    expect(ok(await keyStore.getKey(LEAD)).status).toBe("active");

    for (const reader of [ledger, ledgerOn(store, keyStore)]) {
      expect(isRedacted(ok(await reader.getLead(headActor, LEAD)).state.personal)).toBe(true);
    }
    expect(ok(await keyStore.getKey(LEAD)).status).toBe("destroyed");
    expect(await reservations(inner)).toEqual(["ContactSuppressed", "ContactSuppressed"]);
    expect(code(await ledger.execute(repActor, captureAgain))).toBe("lead.suppressed");
  });
});

import {
  captureLead,
  executiveActor,
  flagForPurge,
  headActor,
  purgeLead,
  recordContact,
  repActor,
} from "@leadledger/testkit";
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import type { Actor } from "../access/actor.js";
import { isRedacted } from "../lead/events.js";
import type { LeadId } from "../lead/values.js";
import { createInMemoryKeyStore } from "../privacy/key-store.js";
import type { EventStore, EventToAppend, JsonObject } from "../store/event-store.js";
import { createInMemoryEventStore } from "../store/in-memory.js";
import { RESERVATION_STREAM_PREFIX } from "./contact-identity.js";
import { createLeadLedger } from "./ledger.js";

// Issue 12, item 10: a damaged ciphertext (or an event that no longer decodes) never stands
// in the way of erasure, and reading a damaged lead is a clear refusal, not a server error.

const NOW = Date.parse("2026-11-20T00:00:00.000Z");
const LEAD = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b" as LeadId;
const southHead = { id: "head-south", role: "head", department: "south" } as Actor;

type Damage = (event: EventToAppend) => EventToAppend;

/** Flips one byte of the ciphertext: the personal part no longer authenticates. */
const flipped: Damage = (event) => {
  const sealed = event.data.personal as { alg: string; box: string };
  const box = Buffer.from(sealed.box, "base64");
  box[20] = (box[20] ?? 0) ^ 0xff;
  return {
    ...event,
    data: { ...event.data, personal: { ...sealed, box: box.toString("base64") } },
  };
};
/** The stored personal part is no sealed box at all any more. */
const mangled: Damage = (event) => ({ ...event, data: { ...event.data, personal: "�\u0000" } });
/** A plain fact no longer decodes: the whole event is unreadable. */
const undecodable: Damage = (event) => ({
  ...event,
  data: { ...event.data, method: 42 } as JsonObject,
});

/**
 * An in-memory store that damages the one event of `type` on the lead's stream as it is
 * written, as a bad disk or a careless hand would: every later read sees the damage.
 */
const damagedStore = (type: string, damage: Damage) => {
  const inner = createInMemoryEventStore();
  const store: EventStore = {
    ...inner,
    appendToStream: (stream, events, options) =>
      inner.appendToStream(
        stream,
        stream === `lead-${LEAD}`
          ? events.map((event) => (event.type === type ? damage(event) : event))
          : events,
        options,
      ),
  };
  return { inner, store };
};

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

/** What is damaged, how, and whether the lead's state (not only its history) needs it. */
const CASES: Array<[string, string, Damage, boolean]> = [
  ["a capture whose ciphertext no longer authenticates", "LeadCaptured", flipped, true],
  ["a capture whose personal part is no sealed box", "LeadCaptured", mangled, true],
  ["a contact whose ciphertext no longer authenticates", "LeadContacted", flipped, false],
  ["a contact that no longer decodes", "LeadContacted", undecodable, true],
];

const damagedLead = async (type: string, damage: Damage) => {
  const { inner, store } = damagedStore(type, damage);
  const keyStore = createInMemoryKeyStore();
  const deps = {
    eventStore: store,
    keyStore,
    secret: new Uint8Array(32).fill(7),
    clock: () => NOW,
  };
  const ledger = createLeadLedger(deps);
  ok(
    await ledger.execute(
      executiveActor,
      captureLead({ lateEntryReason: "typed in after the fair" } as never),
    ),
  );
  ok(await ledger.execute(repActor, recordContact({ summary: "王芳 asked about fees" } as never)));
  // The ledger that wrote the damage never read it back; one started afresh (a restart,
  // another process) reads everything from the store.
  return { inner, keyStore, ledger, restarted: () => createLeadLedger(deps) };
};

describe("a damaged lead", () => {
  it.each(CASES)(
    "%s: reading it is history.undecodable for who reaches it, not-found for others",
    async (_what, type, damage, inState) => {
      const { ledger, restarted } = await damagedLead(type, damage);
      for (const reader of [ledger, restarted()]) {
        expect(code(await reader.getLead(repActor, LEAD))).toBe(
          inState ? "history.undecodable" : "succeeded",
        );
        expect(code(await reader.getHistory(headActor, LEAD))).toBe("history.undecodable");
        expect(code(await reader.getLead(southHead, LEAD))).toBe("lead.not-found");
        expect(code(await reader.getHistory(southHead, LEAD))).toBe("lead.not-found");
      }
    },
  );

  const erasures = CASES.flatMap(([what, type, damage]) =>
    (["the ledger that wrote it", "a ledger started afresh"] as const).map(
      (by) => [what, by, type, damage] as const,
    ),
  );
  it.each(erasures)(
    "%s, erased by %s: the erasure request still suppresses the person and destroys the key",
    async (_what, by, type, damage) => {
      const { inner, keyStore, ledger: writer, restarted } = await damagedLead(type, damage);
      const ledger = by === "a ledger started afresh" ? restarted() : writer;
      expect(await reservations(inner)).toEqual(["ContactReserved", "ContactReserved"]);
      const erase = purgeLead({ erasureRequest: true, recheckNote: undefined } as never);
      const erased = ok(await ledger.execute(headActor, erase));
      expect(erased.events.map((event) => event.type)).toEqual(["LeadPurged"]);
      expect(ok(await keyStore.getKey(LEAD)).status).toBe("destroyed");
      expect(await reservations(inner)).toEqual(["ContactSuppressed", "ContactSuppressed"]);
      // The person cannot be captured again without renewed consent.
      const again = captureLead({
        commandId: "capture-again",
        leadId: undefined,
        lateEntryReason: "typed in after the fair",
      } as never);
      expect(code(await ledger.execute(repActor, again))).toBe("lead.suppressed");
      // A retry replays; nothing is decided again on the damaged history.
      expect(ok(await ledger.execute(headActor, erase)).replayed).toBe(true);
      // What can be read shows nothing personal any more.
      const read = await ledger.getLead(repActor, LEAD);
      if (E.isRight(read)) expect(isRedacted(read.right.state.personal)).toBe(true);
      else expect(read.left.code).toBe("history.undecodable");
    },
  );

  it("is purged after a flag and a re-check, its reservations released, when only a ciphertext is damaged", async () => {
    const { inner, keyStore, ledger } = await damagedLead("LeadCaptured", flipped);
    ok(await ledger.execute(headActor, flagForPurge({ reason: "invalid-data" } as never)));
    ok(await ledger.execute(headActor, purgeLead({ commandId: "purge-2" } as never)));
    expect(ok(await keyStore.getKey(LEAD)).status).toBe("destroyed");
    expect(await reservations(inner)).toEqual(["ContactReleased", "ContactReleased"]);
    const after = ok(await ledger.getLead(repActor, LEAD));
    expect(after.state.stage).toBe("purged");
    expect(isRedacted(after.state.personal)).toBe(true);
  });

  it("is not erased by who does not reach it, nor by a rep", async () => {
    const { keyStore, restarted } = await damagedLead("LeadContacted", undecodable);
    const ledger = restarted();
    const erase = purgeLead({ erasureRequest: true, recheckNote: undefined } as never);
    expect(code(await ledger.execute(southHead, erase))).toBe("lead.not-found");
    expect(code(await ledger.execute(repActor, erase))).toBe("access.denied");
    expect(ok(await keyStore.getKey(LEAD)).status).toBe("active");
    // Nothing but an erasure is decided on a history that cannot be read in full.
    expect(
      code(await ledger.execute(repActor, recordContact({ commandId: "contact-2" } as never))),
    ).toBe("history.undecodable");
  });
});

import {
  captureLead,
  clearPurgeFlag,
  executiveActor,
  flagForPurge,
  gradeLead,
  headActor,
  recordContact,
  recordVisit,
  repActor,
} from "@leadledger/testkit";
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import type { Actor } from "../access/actor.js";
import type { LeadId } from "../lead/values.js";
import { createInMemoryKeyStore } from "../privacy/key-store.js";
import { createInMemoryEventStore } from "../store/in-memory.js";
import { type CommandOutcome, createLeadLedger } from "./ledger.js";

// Issue 12, items 1 and 2: a retry is compared with the request as its actor sent it, and
// an idempotency key is its actor's own.

const LEAD = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b" as LeadId;
const southRep = { id: "rep-9", role: "rep", department: "south" } as Actor;

/** A ledger whose clock moves on by a second at every look, as a real one does. */
const setup = () => {
  const eventStore = createInMemoryEventStore();
  let now = Date.parse("2026-11-20T00:00:00.000Z");
  const ledger = createLeadLedger({
    eventStore,
    keyStore: createInMemoryKeyStore(),
    secret: new Uint8Array(32).fill(7),
    clock: () => {
      now += 1_000;
      return now;
    },
  });
  const eventCount = async () => {
    const all = await eventStore.readAll();
    if (E.isLeft(all)) throw new Error(all.left.code);
    return all.right.length;
  };
  return { ledger, eventCount };
};

const ok = <A>(result: E.Either<{ code: string }, A>): A => {
  if (E.isLeft(result)) throw new Error(`expected success, got ${JSON.stringify(result.left)}`);
  return result.right;
};

/** What an outcome says of its events: what a client is answered (docs/http.md). */
const answered = (outcome: CommandOutcome) => ({
  leadId: outcome.leadId,
  revision: outcome.revision,
  position: outcome.position,
  events: outcome.events.map(({ type, metadata }) => ({
    type,
    occurredAt: metadata.occurredAt,
    recordedAt: metadata.recordedAt,
  })),
});

/** The command as a client sends it when it lets the ledger date it. */
const undated = (command: object): object => {
  const { occurredAt: _left, ...rest } = command as { occurredAt?: unknown };
  return rest;
};

const capture = captureLead({ lateEntryReason: "typed in after the fair" } as never);

describe("a retry without occurredAt (item 1)", () => {
  it.each([
    ["a contact", recordContact()],
    ["a grade", gradeLead()],
    ["a visit", recordVisit()],
    ["a purge flag", flagForPurge()],
  ])("replays %s, though the clock moved on between the tries", async (_what, command) => {
    const { ledger, eventCount } = setup();
    ok(await ledger.execute(executiveActor, capture));
    const first = ok(await ledger.execute(repActor, undated(command)));
    const written = await eventCount();
    const again = ok(await ledger.execute(repActor, undated(command)));
    expect(again.replayed).toBe(true);
    expect(answered(again)).toEqual(answered(first));
    expect(await eventCount()).toBe(written);
    // The business time is the moment the first try was recorded.
    const [event] = first.events;
    expect(event?.metadata.occurredAt).toBe(event?.metadata.recordedAt);
  });

  it("replays the clearing of a purge flag", async () => {
    const { ledger, eventCount } = setup();
    ok(await ledger.execute(executiveActor, capture));
    ok(await ledger.execute(repActor, flagForPurge()));
    const first = ok(await ledger.execute(repActor, undated(clearPurgeFlag())));
    const written = await eventCount();
    const again = ok(await ledger.execute(repActor, undated(clearPurgeFlag())));
    expect(again.replayed).toBe(true);
    expect(answered(again)).toEqual(answered(first));
    expect(await eventCount()).toBe(written);
  });

  it("still refuses the key with another body", async () => {
    const { ledger } = setup();
    ok(await ledger.execute(executiveActor, capture));
    ok(await ledger.execute(repActor, undated(recordContact())));
    const other = await ledger.execute(
      repActor,
      undated(recordContact({ intent: "stated" } as never)),
    );
    expect(E.isLeft(other) && other.left.code).toBe("idempotency.mismatch");
  });
});

describe("an idempotency key is its actor's own (item 2)", () => {
  it("another actor's command with a used key is a new command, never the first's replay", async () => {
    const { ledger, eventCount } = setup();
    ok(await ledger.execute(executiveActor, capture));
    const byRep = ok(await ledger.execute(repActor, recordContact()));
    const written = await eventCount();
    // The head reaches the lead: the same key and body are a contact of the head's own.
    const byHead = ok(await ledger.execute(headActor, recordContact()));
    expect(byHead.replayed).toBe(false);
    expect(byHead.revision).toBeGreaterThan(byRep.revision);
    expect(await eventCount()).toBeGreaterThan(written);
    expect(byHead.events[0]?.metadata.actor).toEqual(headActor);
    // Another body under that key is no mismatch for the head either.
    const another = await ledger.execute(
      headActor,
      recordContact({ commandId: "contact-1", intent: "stated" } as never),
    );
    expect(E.isLeft(another) && another.left.code).toBe("idempotency.mismatch");
    // …but for the head's own earlier use of it; the rep's retry still replays the rep's.
    const retried = ok(await ledger.execute(repActor, recordContact()));
    expect(retried.replayed).toBe(true);
    expect(answered(retried)).toEqual(answered(byRep));
  });

  it("a capture with another actor's key makes a lead of its own, or is refused as a new one", async () => {
    const { ledger } = setup();
    const { leadId: _named, ...body } = capture;
    const mine = ok(await ledger.execute(repActor, { ...body, commandId: "demo-capture-1" }));
    // Same key, same person, another department: not the first lead's id, revision or
    // times, but the refusal any new capture of that person would get.
    const same = await ledger.execute(southRep, {
      ...body,
      commandId: "demo-capture-1",
      owner: { repId: "rep-9", department: "south" },
    });
    expect(E.isLeft(same) && same.left).toEqual({ code: "lead.duplicate", matchedOn: "phone" });
    // Same key, another person: a new lead, whose id has nothing of the first's.
    const theirs = ok(
      await ledger.execute(southRep, {
        ...body,
        commandId: "demo-capture-1",
        owner: { repId: "rep-9", department: "south" },
        contact: { ...body.contact, phone: "+86 137 0000 1111", email: "li@example.cn" },
      }),
    );
    expect(theirs.replayed).toBe(false);
    expect(theirs.leadId).not.toBe(mine.leadId);
    // And the first actor's retry still finds the first lead.
    const retried = ok(await ledger.execute(repActor, { ...body, commandId: "demo-capture-1" }));
    expect(retried).toMatchObject({ leadId: mine.leadId, replayed: true });
  });

  it("never derives a lead id from the key alone: it is keyed with the ledger's secret", async () => {
    const { leadId: _named, ...body } = capture;
    const run = async (secret: number) =>
      ok(
        await createLeadLedger({
          eventStore: createInMemoryEventStore(),
          keyStore: createInMemoryKeyStore(),
          secret: new Uint8Array(32).fill(secret),
          clock: () => Date.parse("2026-11-20T00:00:00.000Z"),
        }).execute(repActor, { ...body, commandId: "demo-capture-1" }),
      ).leadId;
    expect(await run(7)).toBe(await run(7));
    expect(await run(7)).not.toBe(await run(8));
    expect(await run(7)).not.toBe(LEAD);
  });
});

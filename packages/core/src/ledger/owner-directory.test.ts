import { assignLead, captureLead, executiveActor, headActor } from "@leadledger/testkit";
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import type { Identifier, Instant, LeadId, NonEmptyString } from "../lead/values.js";
import { createOrganisation } from "../organisation/organisation.js";
import { createInMemoryKeyStore } from "../privacy/key-store.js";
import type { EventStore } from "../store/event-store.js";
import { createInMemoryEventStore } from "../store/in-memory.js";
import { createLeadLedger } from "./ledger.js";

// Issue 14: with a directory, every owner a command names must be an active person of that
// department who may own leads; a refusal appends nothing (docs/organisation.md).

const NOW = Date.parse("2026-11-03T03:00:00.000Z");
const LEAD = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b" as LeadId;
const id = (text: string) => text as Identifier;

const ok = <A>(result: E.Either<unknown, A>): A => {
  if (E.isLeft(result)) throw new Error(`expected success, got ${JSON.stringify(result.left)}`);
  return result.right;
};
const eventCount = async (store: EventStore) => ok(await store.readAll()).length;

const setup = async () => {
  const eventStore = createInMemoryEventStore();
  const organisation = createOrganisation({ eventStore, newId: () => crypto.randomUUID() });
  const person = (personId: string, role: "rep" | "head", department: string) => ({
    personId: id(personId),
    displayName: personId as NonEmptyString,
    role,
    department: id(department),
    at: "2026-10-01T00:00:00.000Z" as Instant,
  });
  ok(await organisation.join(person("rep-1", "rep", "east")));
  ok(await organisation.join(person("rep-2", "rep", "east")));
  ok(await organisation.join(person("head-east", "head", "east")));
  ok(await organisation.join(person("rep-gone", "rep", "east")));
  ok(await organisation.leave(id("rep-gone"), "2026-11-02T00:00:00.000Z" as Instant));
  const ledger = createLeadLedger({
    eventStore,
    keyStore: createInMemoryKeyStore(),
    secret: new Uint8Array(32).fill(7),
    clock: () => NOW,
    directory: organisation,
  });
  return { eventStore, ledger, organisation };
};

const capture = (owner: { repId: string; department: string }) =>
  captureLead({ leadId: LEAD, owner, lateEntryReason: "typed in after the fair" } as never);

describe("a capture's owner, with a directory", () => {
  it.each([
    ["unknown", { repId: "nobody-at-all", department: "east" }, "owner.unknown"],
    ["of another department", { repId: "rep-1", department: "south" }, "owner.unknown"],
    ["gone since yesterday", { repId: "rep-gone", department: "east" }, "owner.inactive"],
  ])("is refused when %s, with nothing appended", async (_, owner, code) => {
    const { eventStore, ledger } = await setup();
    const before = await eventCount(eventStore);
    expect(await ledger.execute(executiveActor, capture(owner))).toEqual(
      E.left({ code, ...owner }),
    );
    expect(await eventCount(eventStore)).toBe(before);
  });

  it("is accepted for an active rep or head of that department", async () => {
    const { ledger } = await setup();
    ok(await ledger.execute(executiveActor, capture({ repId: "rep-1", department: "east" })));
    // Heads may own leads of their own department (docs/domain.md §8).
    const second = await setup();
    ok(
      await second.ledger.execute(
        executiveActor,
        capture({ repId: "head-east", department: "east" }),
      ),
    );
  });
});

describe("an assignment's target, with a directory", () => {
  it.each([
    ["unknown", { repId: "nobody-at-all", department: "east" }, "owner.unknown"],
    ["of another department", { repId: "rep-2", department: "south" }, "owner.unknown"],
    ["gone since yesterday", { repId: "rep-gone", department: "east" }, "owner.inactive"],
  ])("is refused when %s, with nothing appended", async (_, to, code) => {
    const { eventStore, ledger } = await setup();
    ok(await ledger.execute(executiveActor, capture({ repId: "rep-1", department: "east" })));
    const before = await eventCount(eventStore);
    expect(await ledger.execute(headActor, assignLead({ leadId: LEAD, to } as never))).toEqual(
      E.left({ code, ...to }),
    );
    expect(await eventCount(eventStore)).toBe(before);
  });

  it("is accepted for an active rep of that department", async () => {
    const { eventStore, ledger } = await setup();
    ok(await ledger.execute(executiveActor, capture({ repId: "rep-1", department: "east" })));
    const before = await eventCount(eventStore);
    ok(await ledger.execute(headActor, assignLead({ leadId: LEAD } as never)));
    expect(await eventCount(eventStore)).toBeGreaterThan(before);
  });
});

describe("a retried command, with a directory", () => {
  it("is answered as it was, though its owner has left since", async () => {
    const { eventStore, ledger, organisation } = await setup();
    const accepted = ok(
      await ledger.execute(executiveActor, capture({ repId: "rep-1", department: "east" })),
    );
    ok(await organisation.leave(id("rep-1"), "2026-11-03T02:00:00.000Z" as Instant));
    const before = await eventCount(eventStore);
    const retried = ok(
      await ledger.execute(executiveActor, capture({ repId: "rep-1", department: "east" })),
    );
    expect(retried.replayed).toBe(true);
    expect({ leadId: retried.leadId, revision: retried.revision }).toEqual({
      leadId: accepted.leadId,
      revision: accepted.revision,
    });
    expect(await eventCount(eventStore)).toBe(before);
  });
});

describe("without a directory", () => {
  it("takes any owner within the actor's reach, as before", async () => {
    const ledger = createLeadLedger({
      eventStore: createInMemoryEventStore(),
      keyStore: createInMemoryKeyStore(),
      secret: new Uint8Array(32).fill(7),
      clock: () => NOW,
    });
    ok(
      await ledger.execute(executiveActor, capture({ repId: "nobody-at-all", department: "east" })),
    );
  });
});

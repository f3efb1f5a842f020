import { captureLead, executiveActor, headActor, repActor } from "@leadledger/testkit";
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import type { Identifier, Instant, LeadId, NonEmptyString, Owner } from "../lead/values.js";
import { createOrganisation } from "../organisation/organisation.js";
import { createInMemoryKeyStore } from "../privacy/key-store.js";
import type { EventStore } from "../store/event-store.js";
import { createInMemoryEventStore } from "../store/in-memory.js";
import { HAND_OVER_STREAM_PREFIX } from "./hand-over-record.js";
import type { LeadLedger } from "./ledger.js";
import { createLeadLedger } from "./ledger.js";

// Issue 14: a head or an executive hands all of a leaving rep's leads over in one command,
// to one rep or several; each lead gets an assignment of its own; a retry moves nothing twice.

const NOW = Date.parse("2026-11-02T02:00:00.000Z");
const id = (text: string) => text as Identifier;
const east = (repId: string): Owner => ({ repId: id(repId), department: id("east") });
const LEAVING = east("rep-1");
const TARGETS = [east("rep-2"), east("rep-3"), east("rep-4")];

const ok = <A>(result: E.Either<unknown, A>): A => {
  if (E.isLeft(result)) throw new Error(`expected success, got ${JSON.stringify(result.left)}`);
  return result.right;
};
const recorded = async (store: EventStore) => ok(await store.readAll());
const assignedCount = async (store: EventStore) =>
  (await recorded(store)).filter((event) => event.type === "LeadAssigned").length;

/** A ledger over an organisation of east (reps 1–4, one gone, a head) and south (a rep). */
const setup = async (wrapStore: (store: EventStore) => EventStore = (store) => store) => {
  const inner = createInMemoryEventStore();
  const eventStore = wrapStore(inner);
  const organisation = createOrganisation({ eventStore, newId: () => crypto.randomUUID() });
  const join = (personId: string, role: "rep" | "head", department: string) =>
    organisation.join({
      personId: id(personId),
      displayName: personId as NonEmptyString,
      role,
      department: id(department),
      at: "2026-10-01T00:00:00.000Z" as Instant,
    });
  for (const rep of ["rep-1", "rep-2", "rep-3", "rep-4", "rep-gone"])
    ok(await join(rep, "rep", "east"));
  ok(await join("head-east", "head", "east"));
  ok(await join("rep-south", "rep", "south"));
  ok(await organisation.leave(id("rep-gone"), "2026-11-01T00:00:00.000Z" as Instant));
  const ledger = createLeadLedger({
    eventStore,
    keyStore: createInMemoryKeyStore(),
    secret: new Uint8Array(32).fill(7),
    clock: () => NOW,
    directory: organisation,
    // The leads of these tests share one contact: rule 9 is not what they are about.
    duplicatePolicy: "flag",
  });
  return { eventStore: inner, ledger };
};

/** `count` leads owned by `owner`, captured by an executive; their ids. */
const captureLeads = async (ledger: LeadLedger, count: number, owner: Owner = LEAVING) => {
  const leadIds: LeadId[] = [];
  for (let n = 0; n < count; n++) {
    const outcome = ok(
      await ledger.execute(
        executiveActor,
        captureLead({ commandId: `capture-${owner.repId}-${n}`, leadId: undefined, owner }),
      ),
    );
    leadIds.push(outcome.leadId);
  }
  return leadIds;
};

const ownerOf = async (ledger: LeadLedger, leadId: LeadId) =>
  ok(await ledger.getLead(executiveActor, leadId)).state.owner;

const request = (overrides: Record<string, unknown> = {}) => ({
  commandId: "hand-over-rep-1",
  from: LEAVING,
  to: TARGETS,
  reason: "rep-1 leaves at the end of the month",
  ...overrides,
});

describe("handing a leaving rep's leads over", () => {
  it("moves each of 1,000 leads exactly once, evenly over three reps, and a retry moves none again", async () => {
    const { eventStore, ledger } = await setup();
    const leadIds = await captureLeads(ledger, 1_000);
    const listed = () => Promise.resolve(leadIds);

    const report = ok(await ledger.handOver(headActor, request(), listed));

    expect(report).toMatchObject({ planned: 1_000, moved: 1_000, notMoved: 0, from: LEAVING });
    expect(report.to.map((target) => target.moved).sort()).toEqual([333, 333, 334]);
    expect(new Set(report.leads.map((row) => row.leadId))).toEqual(new Set(leadIds));
    expect(await assignedCount(eventStore)).toBe(1_000);
    for (const row of report.leads) {
      expect(row.outcome).toBe("moved");
      expect(await ownerOf(ledger, row.leadId)).toEqual(row.to);
    }
    // Each assignment is an event of its own, by the head, with the reason sealed in it.
    const history = ok(await ledger.getHistory(headActor, leadIds[0]));
    const assigned = history.entries
      .map((entry) => entry.event)
      .find((e) => e.type === "LeadAssigned");
    expect(assigned).toMatchObject({
      data: { from: LEAVING, personal: { reason: "rep-1 leaves at the end of the month" } },
      metadata: { actor: headActor },
    });

    const before = (await recorded(eventStore)).length;
    const retried = ok(await ledger.handOver(headActor, request(), listed));
    expect(retried).toEqual(report);
    expect((await recorded(eventStore)).length).toBe(before);
  });

  it("goes on after an interruption with the plan first made, though the rep's list has changed", async () => {
    let appends = 0;
    let failAfter = Number.POSITIVE_INFINITY;
    const { eventStore, ledger } = await setup((store) => ({
      ...store,
      appendToStream: (stream, events, options) =>
        ++appends > failAfter
          ? Promise.resolve(E.left({ code: "store.unavailable", message: "gone for a moment" }))
          : store.appendToStream(stream, events, options),
    }));
    const leadIds = await captureLeads(ledger, 30);
    failAfter = appends + 11; // the plan and ten assignments

    const interrupted = await ledger.handOver(executiveActor, request(), async () => leadIds);
    expect(interrupted).toEqual(E.left(expect.objectContaining({ code: "store.unavailable" })));
    expect(await assignedCount(eventStore)).toBe(10);

    failAfter = Number.POSITIVE_INFINITY;
    // The read model now lists only the leads not yet moved: the plan recorded says more.
    const report = ok(
      await ledger.handOver(executiveActor, request(), async () => leadIds.slice(0, 5)),
    );
    expect(report).toMatchObject({ planned: 30, moved: 30, notMoved: 0 });
    expect(await assignedCount(eventStore)).toBe(30);
    for (const leadId of leadIds) expect(TARGETS).toContainEqual(await ownerOf(ledger, leadId));
  });

  it("refuses another request under the same command id, recording nothing", async () => {
    const { eventStore, ledger } = await setup();
    const leadIds = await captureLeads(ledger, 3);
    ok(await ledger.handOver(headActor, request(), async () => leadIds));
    const before = (await recorded(eventStore)).length;

    for (const other of [{ to: [east("rep-2")] }, { reason: "another reason" }]) {
      expect(await ledger.handOver(headActor, request(other), async () => leadIds)).toEqual(
        E.left({ code: "idempotency.mismatch", commandId: "hand-over-rep-1" }),
      );
    }
    expect((await recorded(eventStore)).length).toBe(before);
  });

  it("is another hand-over when another actor sends the same command id", async () => {
    const { ledger } = await setup();
    const leadIds = await captureLeads(ledger, 2);
    ok(await ledger.handOver(headActor, request({ to: [east("rep-2")] }), async () => leadIds));
    const report = ok(
      await ledger.handOver(
        executiveActor,
        request({ from: east("rep-2"), to: [east("rep-3")] }),
        async () => leadIds,
      ),
    );
    expect(report).toMatchObject({ planned: 2, moved: 2 });
  });

  it.each([
    ["unknown", east("nobody-at-all"), "owner.unknown"],
    ["of another department", { repId: id("rep-south"), department: id("east") }, "owner.unknown"],
    ["gone", east("rep-gone"), "owner.inactive"],
  ])("refuses a target who is %s before planning anything", async (_, target, code) => {
    const { eventStore, ledger } = await setup();
    const leadIds = await captureLeads(ledger, 3);
    const before = (await recorded(eventStore)).length;
    let listed = false;
    const refused = await ledger.handOver(
      executiveActor,
      request({ to: [east("rep-2"), target] }),
      async () => {
        listed = true;
        return leadIds;
      },
    );
    expect(refused).toEqual(E.left({ code, ...target }));
    expect(listed).toBe(false);
    expect((await recorded(eventStore)).length).toBe(before);
  });

  it.each([
    ["a rep", repActor, request({ from: east("rep-2"), to: [east("rep-3")] })],
    [
      "a head, for another department's rep",
      headActor,
      request({ from: { repId: "rep-south", department: "south" }, to: [east("rep-2")] }),
    ],
    [
      "a head, to another department's rep",
      headActor,
      request({ to: [{ repId: "rep-south", department: "south" }] }),
    ],
  ])("refuses %s", async (_, actor, asked) => {
    const { eventStore, ledger } = await setup();
    const leadIds = await captureLeads(ledger, 2);
    const before = (await recorded(eventStore)).length;
    expect(await ledger.handOver(actor, asked, async () => leadIds)).toEqual(
      E.left(expect.objectContaining({ code: "access.denied" })),
    );
    expect((await recorded(eventStore)).length).toBe(before);
  });

  it("lets an executive hand over across departments", async () => {
    const { ledger } = await setup();
    const leadIds = await captureLeads(ledger, 2);
    const south = { repId: id("rep-south"), department: id("south") };
    const report = ok(
      await ledger.handOver(executiveActor, request({ to: [south] }), async () => leadIds),
    );
    expect(report.moved).toBe(2);
    for (const leadId of leadIds) expect(await ownerOf(ledger, leadId)).toEqual(south);
  });

  it.each([
    ["no target", []],
    ["a target twice", [east("rep-2"), east("rep-2")]],
    ["the leaving rep as a target", [east("rep-2"), LEAVING]],
  ])("refuses %s as input", async (_, to) => {
    const { ledger } = await setup();
    expect(await ledger.handOver(headActor, request({ to }), async () => [])).toEqual(
      E.left(expect.objectContaining({ code: "input.invalid" })),
    );
  });

  it("leaves a lead someone else owns since it was listed, and reports whose it is", async () => {
    const { eventStore, ledger } = await setup();
    const [kept, moved, elsewhere] = await captureLeads(ledger, 3);
    const rep2 = (await captureLeads(ledger, 1, east("rep-2")))[0];
    if (kept === undefined || moved === undefined || elsewhere === undefined || rep2 === undefined)
      throw new Error("three leads and one");
    // Reassigned after the read model listed it, before the hand-over reached it.
    ok(
      await ledger.execute(headActor, {
        type: "AssignLead",
        commandId: "by-hand",
        leadId: elsewhere,
        to: east("rep-3"),
      }),
    );
    const report = ok(
      await ledger.handOver(headActor, request({ to: [east("rep-4")] }), async () => [
        kept,
        moved,
        elsewhere,
        rep2,
      ]),
    );
    expect(report).toMatchObject({ planned: 4, moved: 2, notMoved: 2 });
    const byLead = new Map(report.leads.map((row) => [row.leadId, row]));
    expect(byLead.get(elsewhere)).toEqual({
      leadId: elsewhere,
      to: east("rep-4"),
      outcome: "not-moved",
      code: "owner.changed",
      owner: east("rep-3"),
    });
    expect(byLead.get(rep2)).toMatchObject({ outcome: "not-moved", code: "owner.changed" });
    expect(await ownerOf(ledger, elsewhere)).toEqual(east("rep-3"));
    expect(await ownerOf(ledger, rep2)).toEqual(east("rep-2"));

    // Moved on by hand after the hand-over: a retry still reports it as this hand-over moved it.
    ok(
      await ledger.execute(headActor, {
        type: "AssignLead",
        commandId: "by-hand-2",
        leadId: moved,
        to: east("rep-2"),
      }),
    );
    const assignedBefore = await assignedCount(eventStore);
    const retried = ok(
      await ledger.handOver(headActor, request({ to: [east("rep-4")] }), async () => []),
    );
    expect(retried.leads).toEqual(report.leads);
    expect(await assignedCount(eventStore)).toBe(assignedBefore);
  });

  it("records its plan in a stream of its own, which holds no reason", async () => {
    const { eventStore, ledger } = await setup();
    const leadIds = await captureLeads(ledger, 4);
    const report = ok(await ledger.handOver(headActor, request(), async () => leadIds));
    expect(report.handOverId.startsWith(HAND_OVER_STREAM_PREFIX)).toBe(true);
    const plan = ok(await eventStore.readStream(report.handOverId));
    expect(plan.map((event) => event.type)).toEqual(["HandOverPlanned"]);
    expect(JSON.stringify(plan.map((event) => event.data))).not.toContain("leaves at the end");
    expect(report.position).toBe((await recorded(eventStore)).at(-1)?.position);
  });
});

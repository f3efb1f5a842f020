import {
  captureLead,
  executiveActor,
  headActor,
  otherRepActor,
  purgeLead,
  recordContact,
  repActor,
} from "@leadledger/testkit";
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import type { Actor } from "../access/actor.js";
import type { LeadError } from "../lead/errors.js";
import type { LeadId } from "../lead/values.js";
import { createInMemoryKeyStore } from "../privacy/key-store.js";
import { createInMemoryEventStore } from "../store/in-memory.js";
import { createLeadLedger, type LeadLedgerDeps } from "./ledger.js";

// Issue 12, items 3, 4 and 5: a lead outside the actor's reach looks exactly like no lead,
// and rule 9's refusals tell each role only what it may learn (docs/privacy.md).

const NOW = Date.parse("2026-11-20T00:00:00.000Z");
const SOUTH_LEAD = "0b9a8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d" as LeadId;
const NEVER_CAPTURED = "3c4d5e6f-0a1b-4c2d-8e3f-405162738495" as LeadId;
const southRep = { id: "rep-9", role: "rep", department: "south" } as Actor;
const southHead = { id: "head-south", role: "head", department: "south" } as Actor;

const setup = (overrides: Partial<LeadLedgerDeps> = {}) =>
  createLeadLedger({
    eventStore: createInMemoryEventStore(),
    keyStore: createInMemoryKeyStore(),
    secret: new Uint8Array(32).fill(7),
    clock: () => NOW,
    ...overrides,
  });

const ok = <A>(result: E.Either<{ code: string }, A>): A => {
  if (E.isLeft(result)) throw new Error(`expected success, got ${JSON.stringify(result.left)}`);
  return result.right;
};
const refusal = (result: E.Either<LeadError, unknown>): LeadError => {
  if (E.isRight(result)) throw new Error("expected a refusal");
  return result.left;
};

/** rep-9's lead in the south, captured by the executive under a chosen id. */
const southCapture = captureLead({
  commandId: "south-capture",
  leadId: SOUTH_LEAD,
  owner: { repId: "rep-9", department: "south" },
  lateEntryReason: "typed in after the fair",
} as never);
const { leadId: _named, ...anonymous } = southCapture;

describe("a capture naming its lead id (item 3)", () => {
  it("is an executive's alone: anyone else is denied, whether or not that lead exists", async () => {
    const ledger = setup();
    ok(await ledger.execute(executiveActor, southCapture));
    const ownCapture = { ...anonymous, owner: { repId: "rep-1", department: "east" } };
    const answers = await Promise.all([
      ledger.execute(repActor, { ...ownCapture, commandId: "c-1", leadId: SOUTH_LEAD }),
      ledger.execute(repActor, { ...ownCapture, commandId: "c-2", leadId: NEVER_CAPTURED }),
      ledger.execute(
        repActor,
        { ...ownCapture, commandId: "c-3", leadId: SOUTH_LEAD },
        { expectedRevision: 0n },
      ),
      ledger.execute(
        repActor,
        { ...ownCapture, commandId: "c-4", leadId: NEVER_CAPTURED },
        { expectedRevision: 0n },
      ),
      ledger.execute(headActor, { ...ownCapture, commandId: "c-5", leadId: SOUTH_LEAD }),
    ]);
    const denied = {
      code: "access.denied",
      reason: "only an executive may name the lead id of a capture (imports, migrations)",
    };
    expect(answers.map(refusal)).toEqual([denied, denied, denied, denied, denied]);
    // The executive may, for imports and migrations.
    const imported = ok(
      await setup().execute(executiveActor, { ...southCapture, leadId: NEVER_CAPTURED }),
    );
    expect(imported.leadId).toBe(NEVER_CAPTURED);
  });
});

describe("a command on a lead out of reach or never captured (item 4)", () => {
  it("is lead.not-found before any revision check, with or without an expected revision", async () => {
    const ledger = setup();
    ok(await ledger.execute(executiveActor, southCapture));
    const contact = (leadId: LeadId, commandId: string) =>
      recordContact({ leadId, commandId } as never);
    for (const expected of [undefined, 0n, 1n, 7n]) {
      const options = expected === undefined ? {} : { expectedRevision: expected };
      const hidden = refusal(await ledger.execute(repActor, contact(SOUTH_LEAD, "h"), options));
      const missing = refusal(
        await ledger.execute(repActor, contact(NEVER_CAPTURED, "m"), options),
      );
      expect(hidden).toEqual({ code: "lead.not-found", leadId: SOUTH_LEAD });
      expect(missing).toEqual({ code: "lead.not-found", leadId: NEVER_CAPTURED });
    }
    // Who reaches the lead still meets the revision check.
    const stale = refusal(
      await ledger.execute(southHead, contact(SOUTH_LEAD, "s"), { expectedRevision: 0n }),
    );
    expect(stale).toMatchObject({ code: "concurrency.conflict", actual: 1n });
  });
});

describe("what rule 9 tells each role (item 5)", () => {
  // rep-1's lead in the east; then each actor tries to capture the same person.
  const eastLead = captureLead({ lateEntryReason: "typed in after the fair" } as never);
  const samePersonFor = (owner: { repId: string; department: string }, commandId: string) => ({
    ...anonymous,
    commandId,
    owner,
    contact: eastLead.contact,
  });
  const cases: Array<[string, Actor, { repId: string; department: string }, boolean]> = [
    ["the owning rep", repActor, { repId: "rep-1", department: "east" }, true],
    ["another rep of the department", otherRepActor, { repId: "rep-2", department: "east" }, false],
    ["a rep of another department", southRep, { repId: "rep-9", department: "south" }, false],
    ["the department's head", headActor, { repId: "head-east", department: "east" }, true],
    ["another department's head", southHead, { repId: "rep-9", department: "south" }, false],
    ["an executive", executiveActor, { repId: "rep-9", department: "south" }, true],
  ];

  it.each(cases)(
    "%s learns whose lead the person is only when it is in reach",
    async (_who, actor, owner, inReach) => {
      const ledger = setup();
      const first = ok(await ledger.execute(executiveActor, eastLead));
      const duplicate = refusal(await ledger.execute(actor, samePersonFor(owner, "again")));
      expect(duplicate).toEqual(
        inReach
          ? { code: "lead.duplicate", existingLeadId: first.leadId, matchedOn: "phone" }
          : { code: "lead.duplicate", matchedOn: "phone" },
      );
    },
  );

  it.each(cases)(
    "%s with the flag policy: the new lead names the other only when in reach",
    async (_who, actor, owner, inReach) => {
      const ledger = setup({ duplicatePolicy: "flag" });
      const first = ok(await ledger.execute(executiveActor, eastLead));
      const flagged = ok(await ledger.execute(actor, samePersonFor(owner, "again"))).events.find(
        (event) => event.type === "LeadFlaggedForPurge",
      );
      expect(flagged?.data).toEqual(
        inReach ? { reason: "duplicate", duplicateOf: first.leadId } : { reason: "duplicate" },
      );
    },
  );

  it.each(cases)(
    "%s is told of an erased person's suppression, and nothing else",
    async (_who, actor, owner) => {
      const ledger = setup();
      ok(await ledger.execute(executiveActor, eastLead));
      ok(
        await ledger.execute(
          executiveActor,
          purgeLead({ erasureRequest: true, recheckNote: undefined } as never),
        ),
      );
      const suppressed = refusal(await ledger.execute(actor, samePersonFor(owner, "again")));
      expect(suppressed).toEqual({ code: "lead.suppressed", matchedOn: "phone" });
    },
  );
});

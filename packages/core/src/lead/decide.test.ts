import {
  amendLead,
  assignLead,
  captureLead,
  clearPurgeFlag,
  convertLead,
  executiveActor,
  flagForPurge,
  given,
  gradeLead,
  headActor,
  otherRepActor,
  purgeLead,
  recordContact,
  recordVisit,
  repActor,
} from "@leadledger/testkit";
import { describe, expect, it } from "vitest";
import type { Actor } from "../access/actor.js";

// One spec per MUST rule of DOMAIN.md §3 (rule 9, duplicates, is the ledger's and is
// specified in ledger.test.ts). Each fails if its rule is taken out of `decide`.

const ctx = { actor: repActor, now: "2026-11-20T00:00:00.000Z" };
const managerCtx = { actor: headActor, now: "2026-11-20T00:00:00.000Z" };

describe("rule 1: a lead is captured once; every other command needs a captured lead", () => {
  it("captures a new lead and grades it by rule", () => {
    given({ ...ctx, now: "2026-11-02T02:00:00.000Z" })
      .when(captureLead())
      .thenEmits([{ type: "LeadCaptured" }, { type: "LeadGraded" }]);
  });
  it("refuses a second capture", () => {
    given(ctx, captureLead({ lateEntryReason: "entered after the fair" } as never))
      .when(captureLead({ commandId: "capture-2" } as never))
      .thenFails("lead.already-captured");
  });
  it.each([
    recordContact(),
    recordVisit(),
    gradeLead(),
    convertLead(),
    assignLead(),
    amendLead(),
    flagForPurge(),
    clearPurgeFlag(),
    purgeLead(),
  ])("refuses $type before capture", (command) => {
    given(ctx).when(command).thenFails("lead.not-found");
  });
});

const captured = captureLead({ lateEntryReason: "entered after the fair" } as never);

describe("rule 2: nothing is recorded on a purged lead", () => {
  it.each([
    recordContact({ commandId: "later" } as never),
    recordVisit({ commandId: "later" } as never),
    gradeLead({ commandId: "later" }),
    convertLead({ commandId: "later" } as never),
    assignLead({ commandId: "later" } as never),
    amendLead({ commandId: "later" } as never),
    flagForPurge({ commandId: "later" } as never),
    clearPurgeFlag({ commandId: "later" } as never),
    purgeLead({ commandId: "later", erasureRequest: true } as never),
  ])("refuses $type after the purge", (command) => {
    given(managerCtx, captured, purgeLead({ erasureRequest: true } as never))
      .when(command)
      .thenFails("lead.purged");
  });
});

describe("rule 3: business times lie between acquisition and now", () => {
  it("refuses a contact before the acquisition", () => {
    given(ctx, captured)
      .when(recordContact({ occurredAt: "2026-11-01T00:00:00.000Z" } as never))
      .thenFails("time.before-acquisition");
  });
  it("refuses a contact in the future beyond the clock tolerance", () => {
    given(ctx, captured)
      .when(recordContact({ occurredAt: "2026-11-20T00:06:00.000Z" } as never))
      .thenFails("time.in-future");
  });
  it("accepts a contact within the clock tolerance", () => {
    given(ctx, captured)
      .when(recordContact({ occurredAt: "2026-11-20T00:04:00.000Z" } as never))
      .thenEvents((events) => expect(events[0]?.type).toBe("LeadContacted"));
  });
  it("refuses an acquisition in the future", () => {
    given(ctx)
      .when(captureLead({ acquiredAt: "2026-11-21T00:00:00.000Z" } as never))
      .thenFails("time.in-future");
  });
});

describe("rule 4: a manual grade needs a reason; a rule grade names its policy", () => {
  it("refuses a manual grade without a reason", () => {
    given(ctx, captured)
      .when(gradeLead({ reason: undefined }))
      .thenFails("grade.reason-required");
  });
  it("refuses a manual grade with a blank reason", () => {
    given(ctx, captured)
      .when(gradeLead({ reason: "   " }))
      .thenFails("grade.reason-required");
  });
  it("records the policy and version of a rule grade", () => {
    given(ctx, captured, gradeLead())
      .when(gradeLead({ commandId: "grade-2", by: "rule", grade: undefined, reason: undefined }))
      .thenEvents((events) => {
        const graded = events[0];
        expect(graded?.type).toBe("LeadGraded");
        if (graded?.type !== "LeadGraded") return;
        expect(graded.data.basis).toEqual({
          kind: "rule",
          policy: "leadledger.default",
          version: "1.0.0",
        });
      });
  });
  it("a manual grade pins the grade: contacts no longer re-grade", () => {
    given(ctx, captured, gradeLead({ grade: "low" }))
      .when(recordContact({ intent: "stated", topics: ["fees", "site"] } as never))
      .thenEmits([{ type: "LeadContacted" }]);
  });
  it("without a pin, a contact re-grades by rule when the grade changes", () => {
    given(ctx, captured)
      .when(recordContact({ intent: "preliminary" } as never))
      .thenEvents((events) => {
        expect(events.map((event) => event.type)).toEqual(["LeadContacted", "LeadGraded"]);
        const graded = events[1];
        expect(graded?.type === "LeadGraded" && graded.data.grade).toBe("medium");
      });
  });
});

describe("rule 5: converting twice is refused; the grade is frozen after conversion", () => {
  it("refuses a second conversion", () => {
    given(ctx, captured, convertLead())
      .when(convertLead({ commandId: "convert-2" } as never))
      .thenFails("lead.already-converted");
  });
  it("refuses a grade after conversion", () => {
    given(ctx, captured, convertLead())
      .when(gradeLead({ commandId: "grade-2" }))
      .thenFails("grade.frozen-after-conversion");
  });
  it("still records after-sale return visits (回访), without re-grading", () => {
    given(ctx, captured, convertLead())
      .when(recordVisit({ kind: "call-on", occurredAt: "2026-11-12T00:00:00.000Z" } as never))
      .thenEmits([{ type: "LeadVisited" }]);
  });
});

describe("rule 6: purge is two-step — flag, re-check, purge — unless the person asks for erasure", () => {
  it("refuses a purge without a flag", () => {
    given(managerCtx, captured).when(purgeLead()).thenFails("purge.not-flagged");
  });
  it("refuses a purge without a re-check note", () => {
    given(managerCtx, captured, flagForPurge())
      .when(purgeLead({ recheckNote: undefined } as never))
      .thenFails("purge.recheck-required");
  });
  it("refuses a purge at the very moment of the flag (no re-check in between)", () => {
    given(managerCtx, captured, flagForPurge())
      .when(purgeLead({ occurredAt: "2026-11-06T02:00:00.000Z" } as never))
      .thenFails("purge.recheck-required");
  });
  it("purges a flagged lead after the re-check", () => {
    given(managerCtx, captured, flagForPurge())
      .when(purgeLead())
      .thenEmits([
        {
          type: "LeadPurged",
          data: {
            reason: "no-intent-long-silence",
            erasureRequest: false,
            personal: { recheckNote: "called twice, number no longer in service" },
          },
        },
      ]);
  });
  it("a contact after the flag clears it, so the purge is refused", () => {
    given(
      managerCtx,
      captured,
      flagForPurge(),
      recordContact({ occurredAt: "2026-11-07T00:00:00.000Z" } as never),
    )
      .when(purgeLead())
      .thenFails("purge.not-flagged");
  });
  it("a visit after the flag clears it too", () => {
    given(managerCtx, captured, flagForPurge())
      .when(recordVisit({ occurredAt: "2026-11-07T00:00:00.000Z" } as never))
      .thenEvents((events) =>
        expect(events.map((event) => event.type)).toContain("PurgeFlagCleared"),
      );
  });
  it("an erasure request is purged at once", () => {
    given(managerCtx, captured)
      .when(purgeLead({ erasureRequest: true, recheckNote: undefined } as never))
      .thenEmits([
        { type: "LeadPurged", data: { reason: "erasure-request", erasureRequest: true } },
      ]);
  });
});

describe("rule 7: purge and cross-department reassignment need a manager", () => {
  it("refuses a rep's purge", () => {
    given(ctx, captured, flagForPurge()).when(purgeLead(), repActor).thenFails("access.denied");
  });
  it("refuses a rep's reassignment to another department", () => {
    given(ctx, captured)
      .when(assignLead({ to: { repId: "rep-9", department: "west" } } as never), repActor)
      .thenFails("access.denied");
  });
  it("lets a rep reassign within the department", () => {
    given(ctx, captured)
      .when(assignLead(), repActor)
      .thenEmits([{ type: "LeadAssigned" }]);
  });
  it.each([headActor, executiveActor] as Actor[])(
    "lets a $role move the lead to another department",
    (actor) => {
      given(ctx, captured)
        .when(assignLead({ to: { repId: "rep-9", department: "west" } } as never), actor)
        .thenEmits([{ type: "LeadAssigned" }]);
    },
  );
  it("refuses to capture a lead for another rep", () => {
    given({ ...ctx, actor: otherRepActor })
      .when(captured)
      .thenFails("access.denied");
  });
});

describe("rule 8: an entry more than 24 hours after acquisition needs a late-entry reason", () => {
  it("refuses a late capture without a reason", () => {
    given({ ...ctx, now: "2026-11-03T01:00:01.000Z" })
      .when(captureLead())
      .thenFails("capture.late-entry-reason-required");
  });
  it("accepts a capture within 24 hours without a reason", () => {
    given({ ...ctx, now: "2026-11-03T01:00:00.000Z" })
      .when(captureLead())
      .thenEvents((events) => expect(events[0]?.type).toBe("LeadCaptured"));
  });
  it("accepts a late capture with a reason, and records it", () => {
    given({ ...ctx, now: "2026-11-05T01:00:00.000Z" })
      .when(captureLead({ lateEntryReason: "business cards typed in after the fair" } as never))
      .thenEvents((events) => {
        const first = events[0];
        expect(first?.type === "LeadCaptured" && first.data.lateEntryReason).toBe(
          "business cards typed in after the fair",
        );
      });
  });
});

describe("other refusals", () => {
  it("refuses to reassign to the same owner", () => {
    given(ctx, captured)
      .when(assignLead({ to: { repId: "rep-1", department: "east" } } as never))
      .thenFails("assignment.unchanged");
  });
  it("refuses a flag on a flagged lead, and clearing an unflagged one", () => {
    given(ctx, captured, flagForPurge())
      .when(flagForPurge({ commandId: "flag-2" } as never))
      .thenFails("flag.already-flagged");
    given(ctx, captured).when(clearPurgeFlag()).thenFails("flag.not-flagged");
  });
  it("refuses an amendment that changes nothing or the wrong kind of party", () => {
    given(ctx, captured)
      .when(amendLead({ contact: undefined } as never))
      .thenFails("amendment.empty");
    given(ctx, captured)
      .when(amendLead({ contact: undefined, party: { kind: "individual", name: "李娜" } } as never))
      .thenFails("amendment.party-kind-mismatch");
  });
});

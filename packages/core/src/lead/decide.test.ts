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
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import type { Actor } from "../access/actor.js";
import { defaultGradingPolicy } from "../grading/default.js";
import type { LeadCommand } from "./commands.js";
import type { DecisionContext, DuplicateFound } from "./decide.js";
import { DEFAULT_CLOCK_TOLERANCE_MS, decide } from "./decide.js";
import { isRedacted } from "./events.js";
import type { LeadState } from "./state.js";
import { evolve } from "./state.js";
import type { LeadId } from "./values.js";

// One spec per MUST rule of docs/domain.md §3. Each fails if its rule is taken out of
// `decide`. Rule 9 (duplicates) is found by the ledger in the store and decided here from
// what it found; finding them is specified in ledger.test.ts.

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
    given(ctx, captured, recordContact(), convertLead())
      .when(convertLead({ commandId: "convert-2" } as never))
      .thenFails("lead.already-converted");
  });
  it("refuses a grade after conversion", () => {
    given(ctx, captured, recordContact(), convertLead())
      .when(gradeLead({ commandId: "grade-2" }))
      .thenFails("grade.frozen-after-conversion");
  });
  it("still records after-sale return visits (回访), without re-grading", () => {
    given(ctx, captured, recordContact(), convertLead())
      .when(recordVisit({ kind: "call-on", occurredAt: "2026-11-12T00:00:00.000Z" } as never))
      .thenEmits([{ type: "LeadVisited" }]);
  });
});

describe("a conversion ends a follow-up: it needs a contact or visit at or before it", () => {
  // Conversion rate and cycle count a lead from its first follow-up on (docs/metrics.md):
  // a conversion without one would drop out of every figure.
  it("refuses a conversion of a lead never contacted nor visited", () => {
    given(ctx, captured).when(convertLead()).thenFails("conversion.before-follow-up");
  });
  it("refuses a conversion dated before the first contact", () => {
    given(ctx, captured, recordContact({ occurredAt: "2026-11-10T02:00:00.001Z" } as never))
      .when(convertLead())
      .thenFails("conversion.before-follow-up");
  });
  it("refuses a conversion dated before every follow-up, in whatever order they came", () => {
    given(
      ctx,
      captured,
      recordContact({ occurredAt: "2026-11-12T00:00:00.000Z" } as never),
      recordContact({ commandId: "c-2", occurredAt: "2026-11-11T00:00:00.000Z" } as never),
    )
      .when(convertLead())
      .thenFails("conversion.before-follow-up");
  });
  it("accepts a conversion at the very moment of the first contact", () => {
    given(ctx, captured, recordContact({ occurredAt: "2026-11-10T02:00:00.000Z" } as never))
      .when(convertLead())
      .thenEmits([{ type: "LeadConverted" }]);
  });
  it("accepts a conversion after a visit alone: a visit is a follow-up", () => {
    given(ctx, captured, recordVisit())
      .when(convertLead())
      .thenEmits([{ type: "LeadConverted" }]);
  });
});

describe("an agreed next follow-up day is not before the contact's own day", () => {
  it("refuses a next follow-up day before the contact's day", () => {
    given(ctx, captured)
      .when(recordContact({ nextFollowUpOn: "2026-11-01" } as never))
      .thenFails("follow-up.before-contact");
  });
  it("accepts the contact's own day and later days", () => {
    for (const nextFollowUpOn of ["2026-11-02", "2026-11-03"]) {
      given(ctx, captured)
        .when(recordContact({ nextFollowUpOn } as never))
        .thenEvents((events) => expect(events[0]?.type).toBe("LeadContacted"));
    }
  });
  it("reads the contact's day in the offset its time is written with", () => {
    // 2026-11-03T01:00Z: still the 2nd for a rep at UTC−05:00 ...
    given(ctx, captured)
      .when(
        recordContact({
          occurredAt: "2026-11-02T20:00:00-05:00",
          nextFollowUpOn: "2026-11-02",
        } as never),
      )
      .thenEvents((events) => expect(events[0]?.type).toBe("LeadContacted"));
    // ... and already the 3rd for a rep at UTC+08:00, for whom the 2nd is yesterday.
    given(ctx, captured)
      .when(
        recordContact({
          occurredAt: "2026-11-03T09:00:00+08:00",
          nextFollowUpOn: "2026-11-02",
        } as never),
      )
      .thenFails("follow-up.before-contact");
  });
});

describe("free text is personal: none of it is written in the clear", () => {
  // Reps type names into every free-text field (issue 12); only the personal part is
  // encrypted and erased by a purge. Each field carries a marker that must not appear in
  // the plain part or the metadata of any event the command makes.
  const marker = (field: string) => `MARKER-${field}-张伟`;
  const cases: ReadonlyArray<{ readonly history: readonly LeadCommand[]; command: LeadCommand }> = [
    {
      history: [],
      command: captureLead({
        lateEntryReason: marker("lateEntryReason"),
        correlationId: marker("capture-correlationId"),
      } as never),
    },
    {
      history: [captured],
      command: recordContact({
        summary: marker("summary"),
        outcomeNotes: marker("outcomeNotes"),
        nextStep: marker("nextStep"),
        correlationId: marker("contact-correlationId"),
      } as never),
    },
    {
      history: [captured],
      command: recordVisit({
        purpose: marker("purpose"),
        objective: marker("objective"),
        result: marker("result"),
        correlationId: marker("visit-correlationId"),
      } as never),
    },
    {
      history: [captured],
      command: gradeLead({
        reason: marker("grade-reason"),
        correlationId: marker("grade-correlationId"),
      }),
    },
    {
      history: [captured],
      command: gradeLead({
        by: "rule",
        grade: undefined,
        reason: undefined,
        correlationId: marker("rule-grade-correlationId"),
      }),
    },
    {
      history: [captured, recordContact()],
      command: convertLead({
        contractRef: marker("contractRef"),
        correlationId: marker("convert-correlationId"),
      } as never),
    },
    {
      history: [captured],
      command: assignLead({
        reason: marker("assign-reason"),
        correlationId: marker("assign-correlationId"),
      } as never),
    },
    {
      history: [captured],
      command: amendLead({
        reason: marker("amend-reason"),
        correlationId: marker("amend-correlationId"),
      } as never),
    },
    {
      history: [captured],
      command: flagForPurge({
        note: marker("flag-note"),
        correlationId: marker("flag-correlationId"),
      } as never),
    },
    {
      history: [captured, flagForPurge()],
      command: clearPurgeFlag({
        note: marker("clear-note"),
        correlationId: marker("clear-correlationId"),
      } as never),
    },
    {
      history: [captured, flagForPurge()],
      command: purgeLead({
        recheckNote: marker("recheckNote"),
        correlationId: marker("purge-correlationId"),
      } as never),
    },
  ];
  it.each(cases)("$command.type keeps every free-text field in the personal part", (c) => {
    given(managerCtx, ...c.history)
      .when(c.command)
      .thenEvents((events) => {
        expect(events.length).toBeGreaterThan(0);
        for (const event of events) {
          const { personal, ...plain } = event.data as { personal?: unknown };
          const clear = JSON.stringify({ plain, metadata: event.metadata });
          expect(clear, `${event.type} in the clear`).not.toContain("MARKER-");
          // What the command said is kept, sealed: nothing is lost by moving it.
          expect(JSON.stringify(personal ?? {}), event.type).toContain("MARKER-");
        }
      });
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
  it("accepts a late capture with a reason, and records it in the personal part", () => {
    given({ ...ctx, now: "2026-11-05T01:00:00.000Z" })
      .when(captureLead({ lateEntryReason: "business cards typed in after the fair" } as never))
      .thenEvents((events) => {
        const first = events[0];
        if (first?.type !== "LeadCaptured") throw new Error("no capture");
        expect("lateEntryReason" in first.data).toBe(false);
        const personal = first.data.personal;
        expect(personal !== undefined && !isRedacted(personal) && personal.lateEntryReason).toBe(
          "business cards typed in after the fair",
        );
      });
  });
});

describe("rule 9: a person is one active lead; a duplicate is refused or captured flagged", () => {
  const now = Date.parse("2026-11-02T02:00:00.000Z");
  const context = (duplicate: DuplicateFound): DecisionContext => ({
    actor: repActor,
    now,
    gradingPolicy: defaultGradingPolicy,
    clockToleranceMs: DEFAULT_CLOCK_TOLERANCE_MS,
    duplicate,
  });
  const existingLeadId = "0b1c2d3e-4f50-4a6b-8c7d-8e9f0a1b2c3d" as LeadId;

  it("refuses the capture under the refuse policy, naming the lead the actor reaches", () => {
    const named = decide(
      captureLead(),
      undefined,
      context({ matchedOn: "phone", existingLeadId, policy: "refuse" }),
    );
    expect(named).toEqual(E.left({ code: "lead.duplicate", existingLeadId, matchedOn: "phone" }));
    const unnamed = decide(
      captureLead(),
      undefined,
      context({ matchedOn: "email", policy: "refuse" }),
    );
    expect(unnamed).toEqual(E.left({ code: "lead.duplicate", matchedOn: "email" }));
  });

  it("captures it flagged as a duplicate under the flag policy, after its first grade", () => {
    const flagged = decide(
      captureLead(),
      undefined,
      context({ matchedOn: "phone", existingLeadId, policy: "flag" }),
    );
    if (E.isLeft(flagged)) throw new Error(`refused: ${flagged.left.code}`);
    expect(flagged.right.map((event) => event.type)).toEqual([
      "LeadCaptured",
      "LeadGraded",
      "LeadFlaggedForPurge",
    ]);
    const [captured, , flag] = flagged.right;
    expect(flag?.data).toEqual({ reason: "duplicate", duplicateOf: existingLeadId });
    // The flag is part of the capture: same command, same times.
    expect(flag?.metadata).toEqual(captured?.metadata);
    // The state the capture leaves is flagged, as a FlagForPurge would have left it.
    let state: LeadState | undefined;
    for (const event of flagged.right) state = evolve(state, event);
    expect(state?.purgeFlag).toEqual({
      reason: "duplicate",
      at: Date.parse("2026-11-02T01:00:00.000Z"),
      duplicateOf: existingLeadId,
    });
  });

  it("does not name a lead out of the actor's reach in the flag", () => {
    const flagged = decide(
      captureLead(),
      undefined,
      context({ matchedOn: "email", policy: "flag" }),
    );
    if (E.isLeft(flagged)) throw new Error(`refused: ${flagged.left.code}`);
    expect(flagged.right[2]?.data).toEqual({ reason: "duplicate" });
  });

  it("refuses on other grounds first: a duplicate capture is still a capture", () => {
    const late = decide(captureLead(), undefined, {
      ...context({ matchedOn: "phone", existingLeadId, policy: "flag" }),
      now: now + 2 * 86_400_000,
    });
    expect(E.isLeft(late) && late.left.code).toBe("capture.late-entry-reason-required");
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

describe("a capture decided without its lead id", () => {
  it("names the field and says what it expects in words, not a codec's name", () => {
    const decided = decide(captureLead({ leadId: undefined }), undefined, {
      actor: repActor,
      now: Date.parse("2026-11-02T02:00:00.000Z"),
      gradingPolicy: defaultGradingPolicy,
      clockToleranceMs: DEFAULT_CLOCK_TOLERANCE_MS,
    });
    expect(decided).toEqual(
      E.left({
        code: "input.invalid",
        problems: [
          { path: "leadId", expected: expect.stringMatching(/^a lead id: /), type: "LeadId" },
        ],
      }),
    );
  });
});

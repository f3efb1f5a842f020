import {
  type Actor,
  type CompleteCapture,
  DEFAULT_CLOCK_TOLERANCE_MS,
  type DecisionContext,
  decide,
  defaultGradingPolicy,
  evolve,
  type GradingPolicy,
  INTENT_ORDER,
  type LeadCommand,
  type LeadEvent,
  type LeadFacts,
  type LeadId,
  type LeadState,
  TBC,
  Topic,
} from "@leadledger/core";
import * as fc from "fast-check";
import * as E from "fp-ts/lib/Either.js";

// fast-check arbitraries for leadledger's inputs: actors, commands, grading facts and
// valid lead histories. Histories are made by deciding generated commands in turn and
// keeping what was accepted, so they obey every rule the core enforces.

const DEPARTMENTS = ["east", "west"] as const;
const REPS = ["rep-1", "rep-2", "rep-3"] as const;

/** Any actor of two departments: reps, heads and an executive. */
export const arbActor: fc.Arbitrary<Actor> = fc.oneof(
  fc.record({
    id: fc.constantFrom(...REPS),
    role: fc.constant("rep" as const),
    department: fc.constantFrom(...DEPARTMENTS),
  }),
  fc.record({
    id: fc.constantFrom("head-east", "head-west"),
    role: fc.constant("head" as const),
    department: fc.constantFrom(...DEPARTMENTS),
  }),
  fc.constant({ id: "exec-1", role: "executive" as const, department: "hq" }),
) as fc.Arbitrary<Actor>;

/** Grading facts that could come from a real history (an inspection with intent is an inspection). */
export const arbLeadFacts: fc.Arbitrary<LeadFacts> = fc
  .record({
    contactCount: fc.nat({ max: 40 }),
    inboundShare: fc.nat({ max: 40 }),
    detailedTopicCount: fc.nat({ max: 5 }),
    askedForMaterials: fc.boolean(),
    intent: fc.constantFrom(...INTENT_ORDER),
    inspectionCount: fc.nat({ max: 6 }),
    inspectionWithStatedIntent: fc.boolean(),
    requirementsFit: fc.constantFrom("meets" as const, "fails" as const, "unknown" as const),
    investmentAmountMax: fc.option(fc.integer({ min: 0, max: 50_000_000 }), { nil: undefined }),
    acquiredAt: fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2026, 10, 1) }),
    silenceDays: fc.option(fc.nat({ max: 400 }), { nil: undefined }),
  })
  .map((r) => {
    const inspectionCount = r.inspectionWithStatedIntent
      ? Math.max(1, r.inspectionCount)
      : r.inspectionCount;
    return {
      contactCount: r.contactCount,
      inboundContactCount: Math.min(r.contactCount, r.inboundShare),
      detailedTopicCount: r.detailedTopicCount,
      askedForMaterials: r.askedForMaterials,
      intent: r.intent,
      inspectionCount,
      inspectionWithStatedIntent: r.inspectionWithStatedIntent,
      requirementsFit: r.requirementsFit,
      investmentAmountMax: r.investmentAmountMax,
      acquiredAt: r.acquiredAt,
      lastContactAt:
        r.contactCount === 0 || r.silenceDays === undefined
          ? undefined
          : r.acquiredAt + r.silenceDays * 86_400_000,
    };
  });

const MINUTE = 60_000;
const ORIGIN = Date.UTC(2026, 0, 5, 1);

const arbText = fc.constantFrom("张伟", "李娜", "Wang Fang", "Café Lumière", "成都市锦江区");
const orTbc = <T>(arb: fc.Arbitrary<T>) => fc.oneof(arb, fc.constant(TBC));

/** A capture command for `leadId` acquired at `acquiredAt` (epoch ms), owned by `owner`. */
export const arbCaptureLead = (
  leadId: LeadId,
  acquiredAt: number,
  owner: { repId: string; department: string },
): fc.Arbitrary<CompleteCapture> =>
  fc
    .record({
      individual: fc.boolean(),
      // A capture names who it is and how they came (issue 14): never to be confirmed.
      name: arbText,
      phoneSuffix: fc.integer({ min: 10_000_000, max: 99_999_999 }),
      phoneKnown: fc.boolean(),
      emailKnown: fc.boolean(),
      channel: fc.constantFrom("website", "exhibition", "partner-referral", "inbound-inquiry"),
      sourceClass: orTbc(fc.constantFrom("own", "partner", "competitor")),
      region: orTbc(fc.constantFrom("east-china", "south-china", "north-china")),
      amount: orTbc(
        fc.integer({ min: 0, max: 5_000_000 }).map((min) => ({
          min,
          max: min + 1_000_000,
          currency: "CNY",
        })),
      ),
    })
    .map(
      (r) =>
        ({
          type: "CaptureLead",
          commandId: `capture-${leadId}`,
          leadId,
          acquiredAt: new Date(acquiredAt).toISOString(),
          party: r.individual
            ? {
                kind: "individual",
                name: r.name,
                gender: TBC,
                age: 38,
                occupation: TBC,
                investmentExperience: TBC,
                availableFunds: TBC,
              }
            : {
                kind: "company",
                companyName: r.name,
                registeredAddress: TBC,
                legalRepresentative: TBC,
                businessScope: TBC,
                foundedOn: TBC,
                registeredCapital: TBC,
                employees: TBC,
                annualRevenue: TBC,
              },
          contact: {
            phone: r.phoneKnown ? `+86 139${r.phoneSuffix}` : TBC,
            email: r.emailKnown ? `lead${r.phoneSuffix}@example.cn` : TBC,
            fax: TBC,
            messaging: TBC,
            // One way to reach them at least: an address when neither phone nor e-mail is known.
            address: r.phoneKnown || r.emailKnown ? TBC : "杭州市西湖区文三路 90 号",
          },
          needs: {
            investmentFields: TBC,
            investmentAmount: r.amount,
            investmentHorizon: TBC,
            businessCategory: TBC,
            site: { area: TBC, location: TBC, fitOut: TBC },
          },
          source: { channel: r.channel, sourceClass: r.sourceClass, inquiryMode: "inbound" },
          classification: {
            industry: TBC,
            companySize: TBC,
            needType: TBC,
            region: r.region,
          },
          owner,
        }) as CompleteCapture,
    );

/** Any command after capture, for `leadId`, happening at `occurredAt` (epoch ms). */
export const arbFollowUpCommand = (
  leadId: LeadId,
  occurredAt: number,
  index: number,
): fc.Arbitrary<LeadCommand> => {
  const base = {
    commandId: `cmd-${index}`,
    leadId,
    occurredAt: new Date(occurredAt).toISOString(),
  };
  const topics = fc.uniqueArray(fc.constantFrom(...(Object.keys(Topic.keys) as Topic[])), {
    maxLength: 3,
  });
  const intent = fc.constantFrom(...INTENT_ORDER);
  const fit = fc.constantFrom("meets", "fails", "unknown");
  return fc.oneof(
    {
      weight: 6,
      arbitrary: fc
        .record({ topics, intent, fit, inbound: fc.boolean(), withText: fc.boolean() })
        .map((r) => ({
          ...base,
          type: "RecordContact",
          method: "phone",
          direction: r.inbound ? "inbound" : "outbound",
          topics: r.topics,
          intent: r.intent,
          requirementsFit: r.fit,
          outcome: "reached",
          ...(r.withText ? { summary: "谈了加盟政策 and fees" } : {}),
        })),
    },
    {
      weight: 2,
      arbitrary: fc.record({ intent, inspection: fc.boolean() }).map((r) => ({
        ...base,
        type: "RecordVisit",
        kind: r.inspection ? "inspection" : "call-on",
        intent: r.intent,
        result: "toured the flagship store",
      })),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom("high", "medium", "low").map((grade) => ({
        ...base,
        type: "GradeLead",
        by: "manual",
        grade,
        reason: "rep's judgement after the meeting",
      })),
    },
    { weight: 1, arbitrary: fc.constant({ ...base, type: "GradeLead", by: "rule" }) },
    {
      weight: 1,
      arbitrary: fc.constant({
        ...base,
        type: "ConvertLead",
        contractRef: `HT-${index}`,
        dealValue: { amount: 800_000, currency: "CNY" },
      }),
    },
    {
      weight: 1,
      arbitrary: fc
        .record({ repId: fc.constantFrom(...REPS), department: fc.constantFrom(...DEPARTMENTS) })
        .map((to) => ({
          ...base,
          type: "AssignLead",
          to,
        })),
    },
    {
      weight: 1,
      arbitrary: fc.constant({
        ...base,
        type: "AmendLead",
        reason: "confirmed by phone",
        classification: { industry: "catering" },
      }),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom("duplicate", "invalid-data", "no-intent-long-silence")
        .map((reason) => ({
          ...base,
          type: "FlagForPurge",
          reason,
        })),
    },
    { weight: 1, arbitrary: fc.constant({ ...base, type: "ClearPurgeFlag" }) },
    {
      weight: 1,
      arbitrary: fc.boolean().map((erasureRequest) => ({
        ...base,
        type: "PurgeLead",
        recheckNote: "re-checked: unreachable",
        erasureRequest,
      })),
    },
  ) as fc.Arbitrary<LeadCommand>;
};

/** A valid lead history and the commands that made it. */
export interface GeneratedHistory {
  readonly leadId: LeadId;
  /** Every command tried, in order, with whether it was accepted. */
  readonly attempts: ReadonlyArray<{ readonly command: LeadCommand; readonly accepted: boolean }>;
  readonly events: readonly LeadEvent[];
  readonly state: LeadState | undefined;
}

/**
 * A valid history of one lead: a capture, then up to `maxCommands` commands a few minutes
 * to a few days apart, each decided by the core with an executive actor; refused commands
 * leave no events, as in the ledger.
 */
export const arbLeadHistory = (
  options: { readonly maxCommands?: number; readonly gradingPolicy?: GradingPolicy } = {},
): fc.Arbitrary<GeneratedHistory> =>
  fc
    .record({
      leadId: fc.uuid({ version: 4 }) as fc.Arbitrary<LeadId>,
      startOffsetMinutes: fc.nat({ max: 60 * 24 * 300 }),
      gaps: fc.array(fc.integer({ min: 1, max: 60 * 24 * 5 }), {
        maxLength: options.maxCommands ?? 25,
      }),
      owner: fc.record({
        repId: fc.constantFrom(...REPS),
        department: fc.constantFrom(...DEPARTMENTS),
      }),
    })
    .chain(({ leadId, startOffsetMinutes, gaps, owner }) => {
      const acquiredAt = ORIGIN + startOffsetMinutes * MINUTE;
      const times: number[] = [];
      let at = acquiredAt;
      for (const gap of gaps) {
        at += gap * MINUTE;
        times.push(at);
      }
      return fc
        .tuple(
          arbCaptureLead(leadId, acquiredAt, owner),
          fc.tuple(...times.map((time, index) => arbFollowUpCommand(leadId, time, index))),
        )
        .map(([capture, followUps]) => {
          const executive = { id: "exec-1", role: "executive", department: "hq" } as Actor;
          const attempts: { command: LeadCommand; accepted: boolean }[] = [];
          const events: LeadEvent[] = [];
          let state: LeadState | undefined;
          for (const command of [capture, ...followUps] as LeadCommand[]) {
            const occurred =
              command.type === "CaptureLead" ? command.acquiredAt : command.occurredAt;
            const context: DecisionContext = {
              actor: executive,
              now: Date.parse(occurred) + 10 * MINUTE,
              gradingPolicy: options.gradingPolicy ?? defaultGradingPolicy,
              clockToleranceMs: DEFAULT_CLOCK_TOLERANCE_MS,
            };
            const decided = decide(command, state, context);
            attempts.push({ command, accepted: E.isRight(decided) });
            if (E.isRight(decided)) {
              for (const event of decided.right) {
                events.push(event);
                state = evolve(state, event);
              }
            }
          }
          return { leadId, attempts, events, state };
        });
    });

import {
  ActorRecord,
  Channel,
  Classification,
  Count,
  Grade,
  GradeBasis,
  type HistoryBreak,
  InquiryMode,
  Intent,
  LEAD_EVENT_SCHEMAS,
  type LeadEventType,
  Money,
  Needs,
  NonEmptyString,
  Owner,
  CapturedPersonal as PersonalData,
  PurgeReason,
  Redacted,
  RequirementsFit,
  Source,
  SourceClass,
  Topic,
  ValueTier,
} from "@leadledger/core";
import type { LeadStage } from "@leadledger/projections";
import * as t from "io-ts";
import { type JsonSchema, withJsonSchema } from "./json-schema.js";
import { WorklistFactsAnswer } from "./worklist-answer.js";

// What the routes answer, as io-ts codecs: representations.ts types its functions with
// them, so the compiler holds each answer to its codec, and response-schemas.ts turns them
// into the OpenAPI response schemas. They are never used to decode: answers are built by
// typed code. Times are ISO instants, positions decimal text, revisions numbers, and
// `null` stands for "not yet" so that every field is always present.

/** A string answer with what it holds, in JSON Schema words. */
const text = (name: string, schema: JsonSchema): t.Type<string> =>
  withJsonSchema(new t.Type<string>(name, t.string.is, t.string.validate, t.identity), {
    type: "string",
    ...schema,
  });

/** `null` or a value. */
const orNull = <C extends t.Mixed>(codec: C) => t.union([codec, t.null]);

/** An instant as the answers write it: ISO 8601. */
export const InstantText = text("InstantText", { format: "date-time" });
/** A calendar day, `YYYY-MM-DD`. */
export const DayText = text("DayText", { format: "date" });
/** A lead's id. */
export const LeadIdText = text("LeadIdText", {
  format: "uuid",
  pattern: "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
});
/** A global position in the log, as decimal text: pass it back as `minPosition`. */
export const PositionText = text("PositionText", {
  pattern: "^(0|[1-9][0-9]*)$",
  description: "a global position of the log, as decimal text: pass it back as `minPosition`",
});
/** A currency, ISO 4217. */
const CurrencyText = text("CurrencyText", { pattern: "^[A-Z]{3}$" });

/**
 * The stages of a lead, furthest step first (docs/metrics.md §1): the one vocabulary of
 * `GET /leads/{id}`, `GET /leads?stage=` and the pipeline's `stage` breakdown. "Active"
 * is no stage: it means every stage but `purged`.
 */
export const LEAD_STAGES = {
  new: null,
  contacted: null,
  visited: null,
  converted: null,
  purged: null,
} as const satisfies Record<LeadStage, null>;
export const Stage = t.keyof(LEAD_STAGES, "Stage");

/** Where a lead's hash chain breaks. */
const BreakKind = t.keyof({
  "hash-mismatch": null,
  "unkeyed-link": null,
  "revision-gap": null,
  "missing-hash": null,
} satisfies Record<HistoryBreak["kind"], null>);

/** Whether a lead's stored history is as the ledger wrote it. */
const Integrity = t.type({
  intact: t.boolean,
  keyed: t.boolean,
  breaks: t.readonlyArray(t.type({ kind: BreakKind, revision: Count })),
});

/** What a command answers. */
export const OutcomeAnswer = t.type({
  leadId: LeadIdText,
  revision: Count,
  position: PositionText,
  replayed: t.boolean,
  events: t.readonlyArray(
    t.type({
      type: t.keyof(LEAD_EVENT_SCHEMAS),
      occurredAt: InstantText,
      recordedAt: InstantText,
    }),
  ),
});
export type OutcomeAnswer = t.TypeOf<typeof OutcomeAnswer>;

/** Free text that is personal: `{ redacted: true }` once the lead is purged. */
const PersonalText = orNull(t.union([NonEmptyString, Redacted]));

/** What `GET /leads/{id}` answers. */
export const LeadAnswer = t.type({
  leadId: LeadIdText,
  stage: Stage,
  acquiredAt: InstantText,
  enteredAt: InstantText,
  owner: Owner,
  partyKind: t.keyof({ company: null, individual: null }),
  needs: Needs,
  source: Source,
  classification: Classification,
  personal: orNull(t.union([PersonalData, Redacted])),
  /** The capture fields still to be confirmed; `null` when not known (captured before issue 14). */
  toBeConfirmed: orNull(t.readonlyArray(t.string)),
  contactCount: Count,
  inboundContactCount: Count,
  firstContactAt: orNull(InstantText),
  lastContactAt: orNull(InstantText),
  agreedNextFollowUpOn: orNull(DayText),
  topics: t.readonlyArray(Topic),
  intent: Intent,
  requirementsFit: RequirementsFit,
  visitCount: Count,
  inspectionCount: Count,
  inspectionWithStatedIntent: t.boolean,
  grade: orNull(
    t.type({
      grade: Grade,
      basis: GradeBasis,
      reasons: t.readonlyArray(t.string),
      reason: PersonalText,
      valueTier: orNull(ValueTier),
      at: InstantText,
      pinned: t.boolean,
    }),
  ),
  purgeFlag: orNull(
    t.type({ reason: PurgeReason, at: InstantText, duplicateOf: orNull(LeadIdText) }),
  ),
  conversion: orNull(t.type({ at: InstantText, contractRef: PersonalText, dealValue: Money })),
  purge: orNull(t.type({ at: InstantText, reason: PurgeReason })),
  lastRecordedAt: InstantText,
  eventCount: Count,
  revision: Count,
  integrity: Integrity,
});
export type LeadAnswer = t.TypeOf<typeof LeadAnswer>;

/** One event of a history, of one type: its facts, and its personal part when opened. */
const historyEvent = <K extends LeadEventType>(type: K) =>
  t.type({
    revision: Count,
    position: PositionText,
    type: t.literal(type),
    occurredAt: InstantText,
    recordedAt: InstantText,
    actor: ActorRecord,
    commandId: t.string,
    correlationId: orNull(t.string),
    data: t.intersection([
      LEAD_EVENT_SCHEMAS[type].facts,
      t.partial({ personal: t.union([LEAD_EVENT_SCHEMAS[type].personal, Redacted]) }),
    ]),
    hash: orNull(t.string),
    chain: t.union([t.literal("ok"), BreakKind]),
  });

const HistoryEvent = t.union([
  historyEvent("LeadCaptured"),
  historyEvent("LeadContacted"),
  historyEvent("LeadGraded"),
  historyEvent("LeadVisited"),
  historyEvent("LeadConverted"),
  historyEvent("LeadAssigned"),
  historyEvent("LeadAmended"),
  historyEvent("LeadFlaggedForPurge"),
  historyEvent("PurgeFlagCleared"),
  historyEvent("LeadPurged"),
]);
/** One event of `GET /leads/{id}/history`. */
export type HistoryEventAnswer = t.TypeOf<typeof HistoryEvent>;

/** What `GET /leads/{id}/history` answers. */
export const HistoryAnswer = t.type({
  leadId: LeadIdText,
  chain: t.intersection([Integrity, t.type({ eventCount: Count })]),
  events: t.readonlyArray(HistoryEvent),
});
export type HistoryAnswer = t.TypeOf<typeof HistoryAnswer>;

/** One row of `GET /leads`: the read model's non-personal summary. */
export const SummaryAnswer = t.type({
  leadId: LeadIdText,
  stage: Stage,
  ownerId: t.string,
  department: t.string,
  channel: orNull(Channel),
  sourceClass: orNull(SourceClass),
  inquiryMode: orNull(InquiryMode),
  region: orNull(t.string),
  industry: orNull(t.string),
  grade: orNull(Grade),
  valueTier: orNull(ValueTier),
  acquiredAt: InstantText,
  enteredAt: InstantText,
  firstFollowUpAt: orNull(InstantText),
  lastFollowUpAt: orNull(InstantText),
  agreedNextFollowUpOn: orNull(DayText),
  nextFollowUpDueAt: InstantText,
  convertedAt: orNull(InstantText),
  deal: orNull(t.type({ amount: t.number, currency: CurrencyText })),
  flaggedForPurge: t.boolean,
  purgedAt: orNull(InstantText),
  purgeReason: orNull(PurgeReason),
  contactCount: Count,
  visitCount: Count,
  /** The capture fields still to be confirmed; `null` when not known (captured before issue 14). */
  toBeConfirmed: orNull(t.readonlyArray(t.string)),
  revision: Count,
});
export type SummaryAnswer = t.TypeOf<typeof SummaryAnswer>;

/**
 * What `GET /leads` answers: a page of summaries with the worklist's names, newest
 * acquisition first, and how many leads the query finds in all.
 */
export const SummaryPageAnswer = t.type({
  items: t.readonlyArray(t.intersection([SummaryAnswer, WorklistFactsAnswer])),
  nextCursor: orNull(text("Cursor", { description: "pass it back as `cursor`" })),
  total: withJsonSchema(new t.Type(Count.name, Count.is, Count.validate, Count.encode), {
    type: "integer",
    minimum: 0,
    description: "every lead the query finds, on all pages; an estimate when `totalIsEstimate`",
  }),
  totalIsEstimate: withJsonSchema(
    new t.Type("TotalIsEstimate", t.boolean.is, t.boolean.validate, t.identity),
    {
      type: "boolean",
      description:
        "`true` when a search by name had more candidates than it checks in full: `total` is then the share of matches among those checked, applied to all",
    },
  ),
});
export type SummaryPageAnswer = t.TypeOf<typeof SummaryPageAnswer>;

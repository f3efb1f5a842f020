import * as t from "io-ts";
import {
  Classification,
  CompanyParty,
  ContactChannels,
  IndividualParty,
  Needs,
  Party,
  Source,
} from "./capture-fields.js";
import {
  ActorRecord,
  CalendarDate,
  CommandId,
  ContactMethod,
  ContactOutcome,
  confirmable,
  Direction,
  Grade,
  Identifier,
  Instant,
  Intent,
  LeadId,
  Money,
  NonEmptyString,
  Owner,
  PurgeReason,
  RequirementsFit,
  Topic,
  ValueTier,
  VisitKind,
} from "./values.js";

/**
 * Where an event's personal data stood when it was read: after a purge the lead's key is
 * gone and every personal part reads as this marker.
 */
export const Redacted = t.strict({ redacted: t.literal(true) }, "Redacted");
export type Redacted = t.TypeOf<typeof Redacted>;
export const REDACTED: Redacted = Object.freeze({ redacted: true as const });
export const isRedacted = (value: unknown): value is Redacted =>
  typeof value === "object" &&
  value !== null &&
  (value as { redacted?: unknown }).redacted === true;

// Each event is declared as its plain part (kept in the clear, read by projections without
// keys) and, where it has one, its personal part (encrypted at rest, redacted after purge).

/** LeadCaptured — plain part. */
export const CapturedFacts = t.intersection([
  t.strict({
    partyKind: t.keyof({ company: null, individual: null }),
    needs: Needs,
    source: Source,
    classification: Classification,
    owner: Owner,
  }),
  t.partial({ lateEntryReason: NonEmptyString, renewedConsent: t.literal(true) }),
]);
/** LeadCaptured — personal part. */
export const CapturedPersonal = t.intersection([
  t.strict({ party: Party, contact: ContactChannels }),
  t.partial({
    referrerName: confirmable(NonEmptyString),
    consentEvidence: NonEmptyString,
  }),
]);
export type CapturedPersonal = t.TypeOf<typeof CapturedPersonal>;

/** LeadContacted — plain part. */
export const ContactedFacts = t.intersection([
  t.strict({
    method: ContactMethod,
    direction: Direction,
    topics: t.array(Topic),
    intent: Intent,
    requirementsFit: RequirementsFit,
    outcome: ContactOutcome,
  }),
  t.partial({ nextFollowUpOn: CalendarDate }),
]);
/** LeadContacted — personal part: what was said, in the rep's words. */
export const ContactedPersonal = t.partial({
  summary: NonEmptyString,
  outcomeNotes: NonEmptyString,
  nextStep: NonEmptyString,
});

export const GradeBasis = t.union([
  t.strict({ kind: t.literal("rule"), policy: NonEmptyString, version: NonEmptyString }),
  t.strict({ kind: t.literal("manual"), reason: NonEmptyString }),
]);
export type GradeBasis = t.TypeOf<typeof GradeBasis>;

/** LeadGraded — plain only. */
export const GradedFacts = t.intersection([
  t.strict({ grade: Grade, basis: GradeBasis, reasons: t.array(t.string) }),
  t.partial({ valueTier: ValueTier }),
]);

/** LeadVisited — plain part. */
export const VisitedFacts = t.strict({
  kind: VisitKind,
  intent: Intent,
  requirementsFit: RequirementsFit,
  topics: t.array(Topic),
});
/** LeadVisited — personal part: purpose, the objective set before, the result after. */
export const VisitedPersonal = t.partial({
  purpose: NonEmptyString,
  objective: NonEmptyString,
  result: NonEmptyString,
});

/** LeadConverted — plain only. */
export const ConvertedFacts = t.strict({ contractRef: NonEmptyString, dealValue: Money });

/** LeadAssigned — plain only. */
export const AssignedFacts = t.intersection([
  t.strict({ from: Owner, to: Owner }),
  t.partial({ reason: NonEmptyString }),
]);

/** LeadAmended — plain part: the non-personal capture fields that changed. */
export const AmendedFacts = t.intersection([
  t.strict({ reason: NonEmptyString }),
  t.partial({
    needs: t.exact(t.partial(Needs.type.props)),
    source: t.exact(t.partial(Source.type.props)),
    classification: t.exact(t.partial(Classification.type.props)),
  }),
]);
/** LeadAmended — personal part: the personal capture fields that changed. */
export const AmendedPersonal = t.partial({
  party: t.union([
    t.intersection([
      t.strict({ kind: t.literal("company") }),
      t.exact(t.partial(CompanyParty.type.props)),
    ]),
    t.intersection([
      t.strict({ kind: t.literal("individual") }),
      t.exact(t.partial(IndividualParty.type.props)),
    ]),
  ]),
  contact: t.exact(t.partial(ContactChannels.type.props)),
  referrerName: confirmable(NonEmptyString),
});
export type AmendedPersonal = t.TypeOf<typeof AmendedPersonal>;

/** LeadFlaggedForPurge — plain part. */
export const FlaggedForPurgeFacts = t.intersection([
  t.strict({ reason: PurgeReason }),
  t.partial({ duplicateOf: LeadId }),
]);
/** A free-text note (personal: it may name people). */
export const NotePersonal = t.partial({ note: NonEmptyString });

/** PurgeFlagCleared — plain part: what cleared it. */
export const PurgeFlagClearedFacts = t.strict({
  cause: t.keyof({ recheck: null, contact: null, visit: null }),
});

/** LeadPurged — plain part. */
export const PurgedFacts = t.strict({ reason: PurgeReason, erasureRequest: t.boolean });
/** LeadPurged — personal part: what the re-check (再次核实) found. */
export const PurgedPersonal = t.partial({ recheckNote: NonEmptyString });

/**
 * The vocabulary of a lead stream: for each event type its plain codec and, where the
 * event carries personal data, its personal codec.
 */
export const LEAD_EVENT_SCHEMAS = {
  LeadCaptured: { facts: CapturedFacts, personal: CapturedPersonal },
  LeadContacted: { facts: ContactedFacts, personal: ContactedPersonal },
  LeadGraded: { facts: GradedFacts, personal: undefined },
  LeadVisited: { facts: VisitedFacts, personal: VisitedPersonal },
  LeadConverted: { facts: ConvertedFacts, personal: undefined },
  LeadAssigned: { facts: AssignedFacts, personal: undefined },
  LeadAmended: { facts: AmendedFacts, personal: AmendedPersonal },
  LeadFlaggedForPurge: { facts: FlaggedForPurgeFacts, personal: NotePersonal },
  PurgeFlagCleared: { facts: PurgeFlagClearedFacts, personal: NotePersonal },
  LeadPurged: { facts: PurgedFacts, personal: PurgedPersonal },
} as const;

type Schemas = typeof LEAD_EVENT_SCHEMAS;
/** The name of every lead event. */
export type LeadEventType = keyof Schemas;
export const LEAD_EVENT_TYPES = Object.keys(LEAD_EVENT_SCHEMAS) as readonly LeadEventType[];

/** The plain facts of an event of type K. */
export type LeadEventFacts<K extends LeadEventType> = t.TypeOf<Schemas[K]["facts"]>;
/** The personal part of an event of type K, in the clear (never for events without one). */
export type LeadEventPersonal<K extends LeadEventType> = Schemas[K]["personal"] extends t.Mixed
  ? t.TypeOf<Schemas[K]["personal"]>
  : never;

/** The envelope metadata of every lead event (DOMAIN.md §2). */
export const LeadEventMetadata = t.intersection(
  [
    t.strict({
      leadId: LeadId,
      occurredAt: Instant,
      recordedAt: Instant,
      actor: ActorRecord,
      commandId: CommandId,
    }),
    t.partial({ correlationId: Identifier, causationId: Identifier }),
  ],
  "LeadEventMetadata",
);
export type LeadEventMetadata = t.TypeOf<typeof LeadEventMetadata>;

/**
 * A lead event as the domain sees it: plain facts, and (for types that have one) the
 * personal part in the clear — or {@link Redacted} once the lead was purged.
 */
export type LeadEvent = {
  [K in LeadEventType]: {
    readonly type: K;
    readonly data: LeadEventFacts<K> &
      (Schemas[K]["personal"] extends t.Mixed
        ? { readonly personal?: LeadEventPersonal<K> | Redacted }
        : unknown);
    readonly metadata: LeadEventMetadata;
  };
}[LeadEventType];

/** The event of type K. */
export type LeadEventOf<K extends LeadEventType> = Extract<LeadEvent, { type: K }>;

/**
 * A lead event as projections read it from the global log: the plain facts only, decoded
 * without keys. Whatever personal part was stored (encrypted) is not looked at.
 */
export type LeadEventFactsOnly = {
  [K in LeadEventType]: {
    readonly type: K;
    readonly data: LeadEventFacts<K>;
    readonly metadata: LeadEventMetadata;
  };
}[LeadEventType];

export const isLeadEventType = (type: string): type is LeadEventType =>
  Object.hasOwn(LEAD_EVENT_SCHEMAS, type);

import * as t from "io-ts";
import {
  Classification,
  CompanyParty,
  IndividualParty,
  Needs,
  Party,
  RecordedContactChannels,
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
  Intent,
  LeadId,
  Money,
  NonEmptyString,
  Owner,
  PurgeReason,
  RecordedInstant,
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
// keys) and its personal part (encrypted at rest, redacted after purge). Whatever a person
// types in free text goes into the personal part: reps write names into reasons and notes
// (issue 12), and only the personal part is erased by a purge. docs/privacy.md lists both.

/**
 * Ids that tie an event to a request or a conversation elsewhere. A caller may write
 * anything into them, a person's name included, so they are sealed with the event's
 * personal part (schema version 2 on) rather than kept in the clear in the metadata.
 */
export const TRACING_PROPS = { correlationId: Identifier, causationId: Identifier };
/** The tracing ids of an event, in its personal part. */
export const Tracing = t.partial(TRACING_PROPS, "Tracing");
export type Tracing = t.TypeOf<typeof Tracing>;

/**
 * The capture fields still to be confirmed (待确认) after an event, by their dotted names
 * (`party.registeredAddress`, `contact.fax`, `needs.site.area`), sorted: names only, never
 * values, so they stay plain for the completeness view. Events recorded before issue 14
 * have no list: the lead's open fields are then not known (`undefined` in the state).
 */
export const ToBeConfirmedFields = t.array(t.string, "ToBeConfirmedFields");

/** LeadCaptured — plain part. */
export const CapturedFacts = t.intersection([
  t.strict({
    partyKind: t.keyof({ company: null, individual: null }),
    needs: Needs,
    source: Source,
    classification: Classification,
    owner: Owner,
  }),
  t.partial({ renewedConsent: t.literal(true), toBeConfirmed: ToBeConfirmedFields }),
]);
/** LeadCaptured — personal part: who, how to reach them, and why the entry came late. */
export const CapturedPersonal = t.intersection([
  t.strict({ party: Party, contact: RecordedContactChannels }),
  t.partial({
    referrerName: confirmable(NonEmptyString),
    consentEvidence: NonEmptyString,
    /** Why the entry came more than 24 h after acquisition (rule 8), in the rep's words. */
    lateEntryReason: NonEmptyString,
    ...TRACING_PROPS,
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
  ...TRACING_PROPS,
});

/**
 * How a grade was set: by a named policy, or by hand. A manual grade's reason is the
 * rep's own words and lives in the event's personal part ({@link GradedPersonal}).
 */
export const GradeBasis = t.union([
  t.strict({ kind: t.literal("rule"), policy: NonEmptyString, version: NonEmptyString }),
  t.strict({ kind: t.literal("manual") }),
]);
export type GradeBasis = t.TypeOf<typeof GradeBasis>;

/**
 * LeadGraded — plain part. `reasons` are the policy's own reasons (its text, not a
 * person's): empty for a manual grade.
 */
export const GradedFacts = t.intersection([
  t.strict({ grade: Grade, basis: GradeBasis, reasons: t.array(t.string) }),
  t.partial({ valueTier: ValueTier }),
]);
/** LeadGraded — personal part: why a rep set the grade by hand (rule 4). */
export const GradedPersonal = t.partial({ reason: NonEmptyString, ...TRACING_PROPS });

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
  ...TRACING_PROPS,
});

/** LeadConverted — plain part: what the statistics count. */
export const ConvertedFacts = t.strict({ dealValue: Money });
/**
 * LeadConverted — personal part: the contract's reference, free text that often carries
 * the customer's name.
 */
export const ConvertedPersonal = t.partial({ contractRef: NonEmptyString, ...TRACING_PROPS });

/** LeadAssigned — plain part. */
export const AssignedFacts = t.strict({ from: Owner, to: Owner });
/** LeadAssigned — personal part: why, in the words of whoever reassigned it. */
export const AssignedPersonal = t.partial({ reason: NonEmptyString, ...TRACING_PROPS });

/**
 * LeadAmended — plain part: the non-personal capture fields that changed, and the fields
 * still to be confirmed after the amendment (left out when the lead's list is not known).
 */
export const AmendedFacts = t.partial({
  needs: t.exact(t.partial(Needs.type.props)),
  source: t.exact(t.partial(Source.type.props)),
  classification: t.exact(t.partial(Classification.type.props)),
  toBeConfirmed: ToBeConfirmedFields,
});
/** The personal capture fields an amendment may change (also the command's fields). */
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
  contact: t.exact(t.partial(RecordedContactChannels.type.props)),
  referrerName: confirmable(NonEmptyString),
});
export type AmendedPersonal = t.TypeOf<typeof AmendedPersonal>;
/** LeadAmended — personal part: the personal fields that changed, and why. */
export const AmendmentPersonal = t.intersection([
  AmendedPersonal,
  t.partial({ reason: NonEmptyString, ...TRACING_PROPS }),
]);

/** LeadFlaggedForPurge — plain part. */
export const FlaggedForPurgeFacts = t.intersection([
  t.strict({ reason: PurgeReason }),
  t.partial({ duplicateOf: LeadId }),
]);
/** A free-text note (personal: it may name people). */
export const NotePersonal = t.partial({ note: NonEmptyString, ...TRACING_PROPS });

/** PurgeFlagCleared — plain part: what cleared it. */
export const PurgeFlagClearedFacts = t.strict({
  cause: t.keyof({ recheck: null, contact: null, visit: null }),
});

/** LeadPurged — plain part. */
export const PurgedFacts = t.strict({ reason: PurgeReason, erasureRequest: t.boolean });
/** LeadPurged — personal part: what the re-check (再次核实) found. */
export const PurgedPersonal = t.partial({ recheckNote: NonEmptyString, ...TRACING_PROPS });

/**
 * The vocabulary of a lead stream: for each event type its plain codec and its personal
 * codec. Every event may carry a personal part (its tracing ids at least); it is left out
 * when the command brought nothing for it.
 */
export const LEAD_EVENT_SCHEMAS = {
  LeadCaptured: { facts: CapturedFacts, personal: CapturedPersonal },
  LeadContacted: { facts: ContactedFacts, personal: ContactedPersonal },
  LeadGraded: { facts: GradedFacts, personal: GradedPersonal },
  LeadVisited: { facts: VisitedFacts, personal: VisitedPersonal },
  LeadConverted: { facts: ConvertedFacts, personal: ConvertedPersonal },
  LeadAssigned: { facts: AssignedFacts, personal: AssignedPersonal },
  LeadAmended: { facts: AmendedFacts, personal: AmendmentPersonal },
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
/** The personal part of an event of type K, in the clear. */
export type LeadEventPersonal<K extends LeadEventType> = t.TypeOf<Schemas[K]["personal"]>;

/**
 * The envelope metadata of every lead event (docs/domain.md §2). Correlation and causation ids
 * are no longer metadata: they are sealed in the personal part ({@link Tracing}). Events of
 * schema version 1 kept them here; reading them lifts them into the personal part.
 */
export const LeadEventMetadata = t.strict(
  {
    leadId: LeadId,
    // Recorded instants: history written before the calendar check stays readable. Both
    // are ISO-8601 instants (text), where the lead's state keeps epoch milliseconds.
    /** When it happened, as the command said (its business time): an ISO-8601 instant. */
    occurredAt: RecordedInstant,
    /** When the ledger recorded it: an ISO-8601 instant, in UTC (`Z`). */
    recordedAt: RecordedInstant,
    actor: ActorRecord,
    commandId: CommandId,
  },
  "LeadEventMetadata",
);
export type LeadEventMetadata = t.TypeOf<typeof LeadEventMetadata>;

/**
 * A lead event as the domain sees it: plain facts, and the personal part in the clear —
 * or {@link Redacted} once the lead was purged; absent when the event has none or it was
 * read without being opened.
 */
export type LeadEvent = {
  [K in LeadEventType]: {
    readonly type: K;
    readonly data: LeadEventFacts<K> & {
      readonly personal?: LeadEventPersonal<K> | Redacted;
    };
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

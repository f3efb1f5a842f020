import * as t from "io-ts";
import type { CapturedParty } from "./capture-fields.js";
import {
  Classification,
  ContactChannels,
  Needs,
  SentClassification,
  SentContactChannels,
  SentNeeds,
  SentParty,
  SentSource,
  Source,
} from "./capture-fields.js";
import { decodeUnchanged } from "./decode-unchanged.js";
import { AmendedPersonal } from "./events.js";
import {
  CalendarDate,
  type Channel,
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

// Every command names its own id (reused on retries: the idempotency key) and may name the
// business time it happened; the ledger adds who and when it was recorded.

/**
 * A command that is one object: the common fields and its own, required and optional.
 * One exact codec over plain members strips unknown keys once; an intersection of strict
 * members would copy the command once per member and merge the copies on every decode.
 *
 * `occurredAt` may be left out: the ledger then takes the moment it records the command.
 * It does so after it has compared a retry with the command as first sent, so that a retry
 * without the business time replays instead of differing by a default (issue 12).
 */
const objectCommand = <T extends string, R extends t.Props, O extends t.Props>(
  type: T,
  required: R,
  optional: O,
) =>
  t.exact(
    t.intersection([
      t.type({
        type: t.literal(type),
        commandId: CommandId,
        leadId: LeadId,
        ...required,
      }),
      t.partial({ occurredAt: Instant, correlationId: Identifier, ...optional }),
    ]),
    type,
  );

/**
 * 獲取與收集, 錄入: a new lead. Only what a rep knows at first contact is required: who (the
 * party's kind and name), one way to reach them, and the channel they came by. Every other
 * field of docs/domain.md §1.1 may be left out: the ledger records it as to be confirmed
 * (`{ "tbc": true }`), and the event lists it ({@link withDefaults}). `acquiredAt` defaults
 * to the moment the ledger records the capture, `owner` to the caller unless the caller is
 * an executive. `leadId` may be left out: it is then derived from the command id, so a
 * retried capture finds its lead.
 */
export const CaptureLead = t.exact(
  t.intersection([
    t.type({
      type: t.literal("CaptureLead"),
      commandId: CommandId,
      party: SentParty,
      contact: SentContactChannels,
      source: SentSource,
    }),
    t.partial({
      leadId: LeadId,
      correlationId: Identifier,
      acquiredAt: Instant,
      needs: SentNeeds,
      classification: SentClassification,
      owner: Owner,
      referrerName: confirmable(NonEmptyString),
      /** Why the entry comes more than 24 h after acquisition (rule 8). */
      lateEntryReason: NonEmptyString,
      /** The person's renewed consent, needed to capture someone who asked to be erased. */
      renewedConsent: t.strict({ evidence: NonEmptyString }),
    }),
  ]),
  "CaptureLead",
);
export type CaptureLead = t.TypeOf<typeof CaptureLead>;

/**
 * A capture with every field of docs/domain.md §1.1, each a value or to be confirmed, and
 * its time and owner: what `decide` takes, once the ledger has filled in what the caller
 * left out. A complete capture is also a capture a caller may send.
 */
export type CompleteCapture = Omit<
  CaptureLead,
  "acquiredAt" | "owner" | "party" | "contact" | "needs" | "source" | "classification"
> & {
  readonly acquiredAt: Instant;
  readonly owner: Owner;
  readonly party: CapturedParty;
  readonly contact: ContactChannels;
  readonly needs: Needs;
  readonly source: Source & { readonly channel: Channel };
  readonly classification: Classification;
};

/** 跟進, 溝通記錄: one communication with the lead. */
export const RecordContact = objectCommand(
  "RecordContact",
  {
    method: ContactMethod,
    direction: Direction,
    topics: t.array(Topic),
    intent: Intent,
    outcome: ContactOutcome,
  },
  {
    requirementsFit: RequirementsFit,
    nextFollowUpOn: CalendarDate,
    summary: NonEmptyString,
    outcomeNotes: NonEmptyString,
    nextStep: NonEmptyString,
  },
);
export type RecordContact = t.TypeOf<typeof RecordContact>;

/**
 * 合作意向評估: grade by rule (the ledger's policy decides, and the grade follows the rule
 * from then on) or by hand (pins the grade; rule 4 wants a reason, checked by `decide`).
 */
export const GradeLead = t.union(
  [
    objectCommand("GradeLead", { by: t.literal("rule") }, {}),
    objectCommand(
      "GradeLead",
      { by: t.literal("manual"), grade: Grade },
      { reason: t.string, valueTier: ValueTier },
    ),
  ],
  "GradeLead",
);
export type GradeLead = t.TypeOf<typeof GradeLead>;

/** 實地拜訪: an on-site inspection by the lead, or a rep's call on the lead. */
export const RecordVisit = objectCommand(
  "RecordVisit",
  { kind: VisitKind, intent: Intent },
  {
    requirementsFit: RequirementsFit,
    topics: t.array(Topic),
    purpose: NonEmptyString,
    objective: NonEmptyString,
    result: NonEmptyString,
  },
);
export type RecordVisit = t.TypeOf<typeof RecordVisit>;

/** 签订合同: the contract was signed. */
export const ConvertLead = objectCommand(
  "ConvertLead",
  { contractRef: NonEmptyString, dealValue: Money },
  {},
);
export type ConvertLead = t.TypeOf<typeof ConvertLead>;

/** 跟进责任人: hand the lead to another rep, maybe in another department. */
export const AssignLead = objectCommand("AssignLead", { to: Owner }, { reason: NonEmptyString });
export type AssignLead = t.TypeOf<typeof AssignLead>;

/** 及时更新: correct or fill in capture details ("to be confirmed" fields among them). */
export const AmendLead = objectCommand(
  "AmendLead",
  { reason: NonEmptyString },
  {
    needs: t.exact(t.partial(Needs.type.props)),
    source: t.exact(t.partial(Source.type.props)),
    classification: t.exact(t.partial(Classification.type.props)),
    ...AmendedPersonal.props,
    // The amendment's e-mail is validated; the event's codec reads any recorded text.
    contact: t.exact(t.partial(ContactChannels.type.props)),
  },
);
export type AmendLead = t.TypeOf<typeof AmendLead>;

/** 标注: mark the lead as a purge candidate. */
export const FlagForPurge = objectCommand(
  "FlagForPurge",
  { reason: PurgeReason },
  { duplicateOf: LeadId, note: NonEmptyString },
);
export type FlagForPurge = t.TypeOf<typeof FlagForPurge>;

/** 再次核实 found the lead still viable: the purge flag is cleared. */
export const ClearPurgeFlag = objectCommand("ClearPurgeFlag", {}, { note: NonEmptyString });
export type ClearPurgeFlag = t.TypeOf<typeof ClearPurgeFlag>;

/**
 * 清理: remove the lead and erase its personal data. Needs a standing flag and a re-check
 * note, unless it answers the person's own erasure request, which is purged at once.
 */
export const PurgeLead = objectCommand(
  "PurgeLead",
  {},
  { recheckNote: NonEmptyString, erasureRequest: t.boolean },
);
export type PurgeLead = t.TypeOf<typeof PurgeLead>;

/** Every command a lead ledger accepts. */
export const LeadCommand = t.union(
  [
    CaptureLead,
    RecordContact,
    GradeLead,
    RecordVisit,
    ConvertLead,
    AssignLead,
    AmendLead,
    FlagForPurge,
    ClearPurgeFlag,
    PurgeLead,
  ],
  "LeadCommand",
);
/**
 * A command as a caller sends it and the ledger accepts it: `occurredAt` may be missing.
 * Idempotency compares retries in this form.
 */
export type SubmittedLeadCommand = t.TypeOf<typeof LeadCommand>;
/**
 * A command as an embedder writes it for `LeadLedger.execute`: the codec's encoded side,
 * with plain strings where the codec checks a format (ids, instants, calendar dates), which
 * the ledger checks when it decodes the command. A command literal of this type gets
 * completion, and its mistakes are compile errors; untyped input is decoded all the same.
 */
export type LeadCommandInput = AsWritten<t.OutputOf<typeof LeadCommand>>;
/** Readonly all the way down: a command kept `as const` or frozen is accepted as well. */
type AsWritten<T> = T extends readonly (infer E)[]
  ? readonly AsWritten<E>[]
  : T extends object
    ? { readonly [K in keyof T]: AsWritten<T[K]> }
    : T;
/**
 * A command with its defaults filled in: what `decide` takes. Every command has its
 * business time (a capture's is `acquiredAt`), and a capture has every field
 * ({@link CompleteCapture}).
 */
export type LeadCommand = WithDefaults<SubmittedLeadCommand>;
type WithDefaults<C> = C extends { readonly type: "CaptureLead" }
  ? CompleteCapture
  : C & { readonly occurredAt: Instant };
export type LeadCommandType = LeadCommand["type"];

/** Each command's codec by its `type`: decoding against one member gives errors about it alone. */
export const LEAD_COMMAND_CODECS = {
  CaptureLead,
  RecordContact,
  GradeLead,
  RecordVisit,
  ConvertLead,
  AssignLead,
  AmendLead,
  FlagForPurge,
  ClearPurgeFlag,
  PurgeLead,
} as const satisfies Record<LeadCommandType, t.Mixed>;

/**
 * Decodes a command: by its `type` when that names a command, so that a malformed
 * RecordContact is reported against RecordContact only; against the whole union otherwise.
 */
export const decodeLeadCommand = (input: unknown): t.Validation<SubmittedLeadCommand> => {
  const type =
    typeof input === "object" && input !== null ? (input as { type?: unknown }).type : undefined;
  if (typeof type === "string" && Object.hasOwn(LEAD_COMMAND_CODECS, type)) {
    return decodeUnchanged(
      LEAD_COMMAND_CODECS[type as LeadCommandType] as t.Decoder<unknown, SubmittedLeadCommand>,
      input,
    );
  }
  return LeadCommand.decode(input);
};

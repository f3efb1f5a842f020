import type { Classification, Needs, Source } from "./capture-fields.js";
import type { CapturedPersonal, GradeBasis, LeadEvent, Redacted } from "./events.js";
import { isRedacted, REDACTED } from "./events.js";
import type {
  Grade,
  Intent,
  Money,
  NonEmptyString,
  Owner,
  PurgeReason,
  RequirementsFit,
  Topic,
  ValueTier,
} from "./values.js";
import { instantToMillis } from "./values.js";

/** Where a lead stands: still being worked, signed, or removed. */
export type LeadStage = "active" | "converted" | "purged";

/** The grade a lead holds now, and how it got it. */
export interface CurrentGrade {
  readonly grade: Grade;
  readonly basis: GradeBasis;
  /** The policy's reasons; empty for a manual grade. */
  readonly reasons: readonly string[];
  /**
   * Why a rep set the grade by hand: personal, so present only when the grade's event was
   * read with the lead's key, and {@link Redacted} after a purge.
   */
  readonly reason: NonEmptyString | Redacted | undefined;
  readonly valueTier: ValueTier | undefined;
  /** When the grade was given (its event's business time): epoch milliseconds. */
  readonly at: number;
  /** A manual grade pins the grade: rule re-grading stops until a grade by rule. */
  readonly pinned: boolean;
}

/**
 * A lead now (or as of a moment): the fold of its events. Its times are epoch milliseconds
 * (numbers), where the events, the commands and the HTTP API write ISO-8601 instants
 * (text): `new Date(ms).toISOString()` turns one into the other. `personal` is the captured personal data with amendments applied when the events were
 * read with the lead's key, {@link Redacted} after a purge, and `undefined` when the
 * events were read without keys (facts only).
 */
export interface LeadState {
  readonly leadId: string;
  readonly stage: LeadStage;
  /** When the lead was acquired (the capture's `acquiredAt`): epoch milliseconds. */
  readonly acquiredAt: number;
  /** When the capture was recorded (its `recordedAt`): epoch milliseconds. */
  readonly enteredAt: number;
  readonly owner: Owner;
  readonly partyKind: "company" | "individual";
  readonly needs: Needs;
  readonly source: Source;
  readonly classification: Classification;
  readonly personal: CapturedPersonal | Redacted | undefined;
  /**
   * The capture fields still to be confirmed (待确认), by dotted name, sorted (docs/ledger.md).
   * `undefined` when not known: a lead captured before the ledger kept the list (issue 14).
   */
  readonly toBeConfirmed: readonly string[] | undefined;
  readonly contactCount: number;
  readonly inboundContactCount: number;
  /** The business time of the first contact: epoch milliseconds. */
  readonly firstContactAt: number | undefined;
  /** The business time of the latest contact: epoch milliseconds. */
  readonly lastContactAt: number | undefined;
  /**
   * The earliest business time of a contact or a visit, where the follow-up cycle starts:
   * epoch milliseconds.
   */
  readonly firstFollowUpAt: number | undefined;
  /** The next follow-up day agreed in the latest contact: a calendar date, `YYYY-MM-DD`. */
  readonly agreedNextFollowUpOn: string | undefined;
  /** Distinct topics discussed in contacts and visits, in first-discussed order. */
  readonly topics: readonly Topic[];
  /** The intent voiced last, in a contact or a visit. */
  readonly intent: Intent;
  /** The last definite judgement of the hard requirements ("unknown" until there is one). */
  readonly requirementsFit: RequirementsFit;
  readonly visitCount: number;
  readonly inspectionCount: number;
  readonly inspectionWithStatedIntent: boolean;
  readonly grade: CurrentGrade | undefined;
  readonly purgeFlag:
    | {
        readonly reason: PurgeReason;
        /** When the lead was flagged (the flag's business time): epoch milliseconds. */
        readonly at: number;
        readonly duplicateOf: string | undefined;
      }
    | undefined;
  readonly conversion:
    | {
        /** When the contract was signed (the conversion's business time): epoch milliseconds. */
        readonly at: number;
        /** Personal (it often names the customer): as for {@link CurrentGrade.reason}. */
        readonly contractRef: NonEmptyString | Redacted | undefined;
        readonly dealValue: Money;
      }
    | undefined;
  readonly purge:
    | {
        /** When the lead was purged (the purge's business time): epoch milliseconds. */
        readonly at: number;
        readonly reason: PurgeReason;
      }
    | undefined;
  /** The latest recording time seen, epoch milliseconds: the ledger never records an event before it. */
  readonly lastRecordedAt: number;
  /** How many events were folded. */
  readonly eventCount: number;
}

/** The state before a lead's first event: no lead. */
export const initialState: LeadState | undefined = undefined;

const withTopics = (known: readonly Topic[], added: readonly Topic[]): readonly Topic[] => {
  if (added.every((topic) => known.includes(topic))) return known;
  const merged = [...known];
  for (const topic of added) if (!merged.includes(topic)) merged.push(topic);
  return merged;
};

const fitAfter = (current: RequirementsFit, assessed: RequirementsFit): RequirementsFit =>
  assessed === "unknown" ? current : assessed;

const mergePersonal = (
  current: CapturedPersonal | Redacted | undefined,
  change: LeadEventOfAmended["data"]["personal"],
): CapturedPersonal | Redacted | undefined => {
  if (change === undefined || current === undefined) return current;
  if (isRedacted(current) || isRedacted(change)) return REDACTED;
  const party =
    change.party !== undefined && change.party.kind === current.party.kind
      ? ({ ...current.party, ...change.party } as CapturedPersonal["party"])
      : current.party;
  return {
    ...current,
    party,
    contact: change.contact ? { ...current.contact, ...change.contact } : current.contact,
    ...(change.referrerName !== undefined ? { referrerName: change.referrerName } : {}),
  };
};
type LeadEventOfAmended = Extract<LeadEvent, { type: "LeadAmended" }>;

/**
 * The captured personal data as the state keeps it: without the capture's tracing ids,
 * which describe the command, not the lead.
 */
const capturedPersonalOf = (
  personal: CapturedPersonal | Redacted | undefined,
): CapturedPersonal | Redacted | undefined => {
  if (personal === undefined || isRedacted(personal)) return personal;
  if (personal.correlationId === undefined && personal.causationId === undefined) return personal;
  const { correlationId: _correlation, causationId: _causation, ...captured } = personal;
  return captured;
};

/** One field of an event's personal part: the field, redacted, or unknown (not opened). */
const personalField = <K extends string, V>(
  personal: { readonly [P in K]?: V } | Redacted | undefined,
  key: K,
): V | Redacted | undefined =>
  personal === undefined ? undefined : isRedacted(personal) ? REDACTED : personal[key];

/** Still readable personal data in the state is hidden once the lead is purged. */
const redactedIfKnown = <V>(value: V | Redacted | undefined): V | Redacted | undefined =>
  value === undefined ? undefined : REDACTED;

/**
 * The fold: the lead after one more event. Total — an event that cannot apply to the state
 * (any event before the capture, a second capture) leaves the state unchanged, because
 * `decide` never produces one and a fold must not fail on history it is handed.
 */
export const evolve = (state: LeadState | undefined, event: LeadEvent): LeadState | undefined => {
  const at = instantToMillis(event.metadata.occurredAt);
  if (state === undefined) {
    if (event.type !== "LeadCaptured") return state;
    const data = event.data;
    return {
      leadId: event.metadata.leadId,
      stage: "active",
      acquiredAt: at,
      enteredAt: instantToMillis(event.metadata.recordedAt),
      owner: data.owner,
      partyKind: data.partyKind,
      needs: data.needs,
      source: data.source,
      classification: data.classification,
      personal: capturedPersonalOf(data.personal),
      toBeConfirmed: data.toBeConfirmed,
      contactCount: 0,
      inboundContactCount: 0,
      firstContactAt: undefined,
      lastContactAt: undefined,
      firstFollowUpAt: undefined,
      agreedNextFollowUpOn: undefined,
      topics: [],
      intent: "none",
      requirementsFit: "unknown",
      visitCount: 0,
      inspectionCount: 0,
      inspectionWithStatedIntent: false,
      grade: undefined,
      purgeFlag: undefined,
      conversion: undefined,
      purge: undefined,
      lastRecordedAt: instantToMillis(event.metadata.recordedAt),
      eventCount: 1,
    };
  }
  // One copy per event, then field writes: the fold of a 1,000-event lead is on the
  // read path of every load, and a spread per change doubled its cost.
  const next = copyOf(state);
  next.eventCount = state.eventCount + 1;
  next.lastRecordedAt = Math.max(state.lastRecordedAt, instantToMillis(event.metadata.recordedAt));
  switch (event.type) {
    case "LeadCaptured":
      return state;
    case "LeadContacted": {
      const data = event.data;
      const isLatest = state.lastContactAt === undefined || at >= state.lastContactAt;
      next.contactCount = state.contactCount + 1;
      if (data.direction === "inbound") next.inboundContactCount = state.inboundContactCount + 1;
      next.firstContactAt =
        state.firstContactAt === undefined ? at : Math.min(state.firstContactAt, at);
      next.firstFollowUpAt =
        state.firstFollowUpAt === undefined ? at : Math.min(state.firstFollowUpAt, at);
      if (isLatest) {
        next.lastContactAt = at;
        next.agreedNextFollowUpOn = data.nextFollowUpOn;
      }
      next.topics = withTopics(state.topics, data.topics);
      next.intent = data.intent;
      next.requirementsFit = fitAfter(state.requirementsFit, data.requirementsFit);
      return next;
    }
    case "LeadVisited": {
      const data = event.data;
      const inspection = data.kind === "inspection";
      next.visitCount = state.visitCount + 1;
      next.firstFollowUpAt =
        state.firstFollowUpAt === undefined ? at : Math.min(state.firstFollowUpAt, at);
      if (inspection) next.inspectionCount = state.inspectionCount + 1;
      next.inspectionWithStatedIntent =
        state.inspectionWithStatedIntent || (inspection && data.intent === "stated");
      next.topics = withTopics(state.topics, data.topics);
      next.intent = data.intent;
      next.requirementsFit = fitAfter(state.requirementsFit, data.requirementsFit);
      return next;
    }
    case "LeadGraded": {
      const data = event.data;
      next.grade = {
        grade: data.grade,
        basis: data.basis,
        reasons: data.reasons,
        reason: personalField<"reason", NonEmptyString>(data.personal, "reason"),
        valueTier: data.valueTier ?? state.grade?.valueTier,
        at,
        pinned: data.basis.kind === "manual",
      };
      return next;
    }
    case "LeadConverted":
      next.stage = "converted";
      next.conversion = {
        at,
        contractRef: personalField<"contractRef", NonEmptyString>(
          event.data.personal,
          "contractRef",
        ),
        dealValue: event.data.dealValue,
      };
      return next;
    case "LeadAssigned":
      next.owner = event.data.to;
      return next;
    case "LeadAmended": {
      const data = event.data;
      if (data.needs) next.needs = { ...state.needs, ...data.needs } as Needs;
      if (data.source) next.source = { ...state.source, ...data.source } as Source;
      if (data.classification) {
        next.classification = {
          ...state.classification,
          ...data.classification,
        } as Classification;
      }
      next.personal = mergePersonal(state.personal, data.personal);
      if (data.toBeConfirmed !== undefined) next.toBeConfirmed = data.toBeConfirmed;
      return next;
    }
    case "LeadFlaggedForPurge":
      next.purgeFlag = { reason: event.data.reason, at, duplicateOf: event.data.duplicateOf };
      return next;
    case "PurgeFlagCleared":
      next.purgeFlag = undefined;
      return next;
    case "LeadPurged":
      next.stage = "purged";
      next.purge = { at, reason: event.data.reason };
      next.personal = state.personal === undefined ? undefined : REDACTED;
      if (state.grade !== undefined) {
        next.grade = { ...state.grade, reason: redactedIfKnown(state.grade.reason) };
      }
      if (state.conversion !== undefined) {
        next.conversion = {
          ...state.conversion,
          contractRef: redactedIfKnown(state.conversion.contractRef),
        };
      }
      return next;
  }
};

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * A field-by-field copy of a state. An object spread of the state cost twenty times as
 * much (V8 cannot clone its shape on the fast path), and every command folds its events
 * at least twice. The return type makes the compiler reject a copy that misses a field.
 */
const copyOf = (state: LeadState): Mutable<LeadState> => ({
  leadId: state.leadId,
  stage: state.stage,
  acquiredAt: state.acquiredAt,
  enteredAt: state.enteredAt,
  owner: state.owner,
  partyKind: state.partyKind,
  needs: state.needs,
  source: state.source,
  classification: state.classification,
  personal: state.personal,
  toBeConfirmed: state.toBeConfirmed,
  contactCount: state.contactCount,
  inboundContactCount: state.inboundContactCount,
  firstContactAt: state.firstContactAt,
  lastContactAt: state.lastContactAt,
  firstFollowUpAt: state.firstFollowUpAt,
  agreedNextFollowUpOn: state.agreedNextFollowUpOn,
  topics: state.topics,
  intent: state.intent,
  requirementsFit: state.requirementsFit,
  visitCount: state.visitCount,
  inspectionCount: state.inspectionCount,
  inspectionWithStatedIntent: state.inspectionWithStatedIntent,
  grade: state.grade,
  purgeFlag: state.purgeFlag,
  conversion: state.conversion,
  purge: state.purge,
  lastRecordedAt: state.lastRecordedAt,
  eventCount: state.eventCount,
});

/** Folds a whole history from the start. */
export const foldLead = (events: Iterable<LeadEvent>): LeadState | undefined => {
  let state: LeadState | undefined = initialState;
  for (const event of events) state = evolve(state, event);
  return state;
};

/**
 * The lead as the ledger knew it at `at` (epoch ms): the fold of the events recorded up to
 * and including that moment. Events are in recording order, so the fold stops at the first
 * one recorded later.
 */
export const asOf = (events: Iterable<LeadEvent>, at: number): LeadState | undefined => {
  let state: LeadState | undefined = initialState;
  for (const event of events) {
    if (instantToMillis(event.metadata.recordedAt) > at) break;
    state = evolve(state, event);
  }
  return state;
};

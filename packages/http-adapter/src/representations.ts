import {
  type CommandOutcome,
  type HistoryVerification,
  isRedacted,
  type LeadEvent,
  type LeadHistory,
  type LeadSnapshot,
  type LeadState,
  positionToString,
} from "@leadledger/core";
import type { LeadStage, LeadSummary } from "@leadledger/projections";
import type {
  HistoryAnswer,
  HistoryEventAnswer,
  LeadAnswer,
  OutcomeAnswer,
  SummaryAnswer,
} from "./representation-codecs.js";

// What the routes answer: the domain's values with epoch milliseconds as ISO instants,
// bigints as text (positions) or numbers (revisions, always small), and `null` for
// "not yet" so that every field is always present. Each function is typed by the codec
// of its answer (representation-codecs.ts), from which the OpenAPI schema is made.

const iso = (millis: number): string => new Date(millis).toISOString();
const isoOrNull = (millis: number | null | undefined): string | null =>
  millis === null || millis === undefined ? null : iso(millis);

/** The strong entity tag of a lead at a stream revision: `"<revision>"`. */
export const etagOf = (revision: bigint): string => `"${revision.toString(10)}"`;

/** What a command answers. */
export const outcomeRepresentation = (outcome: CommandOutcome): OutcomeAnswer => ({
  leadId: outcome.leadId,
  revision: Number(outcome.revision),
  position: positionToString(outcome.position),
  replayed: outcome.replayed,
  events: outcome.events.map((event) => ({
    type: event.type,
    occurredAt: event.metadata.occurredAt,
    recordedAt: event.metadata.recordedAt,
  })),
});

/**
 * The lead's stage in the one vocabulary of the answers and the views (docs/metrics.md §1):
 * the furthest step reached, as the read model's fold takes it. The core's own `stage`
 * (`active`, `converted`, `purged`) says only whether commands still apply.
 */
export const leadStageOf = (state: LeadState): LeadStage => {
  if (state.stage === "purged") return "purged";
  if (state.stage === "converted") return "converted";
  if (state.visitCount > 0) return "visited";
  return state.contactCount > 0 ? "contacted" : "new";
};

const stateRepresentation = (state: LeadState): Omit<LeadAnswer, "revision" | "integrity"> => ({
  leadId: state.leadId,
  stage: leadStageOf(state),
  acquiredAt: iso(state.acquiredAt),
  enteredAt: iso(state.enteredAt),
  owner: state.owner,
  partyKind: state.partyKind,
  needs: state.needs,
  source: state.source,
  classification: state.classification,
  personal: state.personal ?? null,
  toBeConfirmed: state.toBeConfirmed ?? null,
  contactCount: state.contactCount,
  inboundContactCount: state.inboundContactCount,
  firstContactAt: isoOrNull(state.firstContactAt),
  lastContactAt: isoOrNull(state.lastContactAt),
  agreedNextFollowUpOn: state.agreedNextFollowUpOn ?? null,
  topics: state.topics,
  intent: state.intent,
  requirementsFit: state.requirementsFit,
  visitCount: state.visitCount,
  inspectionCount: state.inspectionCount,
  inspectionWithStatedIntent: state.inspectionWithStatedIntent,
  grade:
    state.grade === undefined
      ? null
      : {
          grade: state.grade.grade,
          basis: state.grade.basis,
          reasons: state.grade.reasons,
          // A manual grade's reason is personal: `{ redacted: true }` after a purge.
          reason: state.grade.reason ?? null,
          valueTier: state.grade.valueTier ?? null,
          at: iso(state.grade.at),
          pinned: state.grade.pinned,
        },
  purgeFlag:
    state.purgeFlag === undefined
      ? null
      : {
          reason: state.purgeFlag.reason,
          at: iso(state.purgeFlag.at),
          duplicateOf: state.purgeFlag.duplicateOf ?? null,
        },
  conversion:
    state.conversion === undefined
      ? null
      : {
          at: iso(state.conversion.at),
          contractRef: state.conversion.contractRef ?? null,
          dealValue: state.conversion.dealValue,
        },
  purge: state.purge === undefined ? null : { at: iso(state.purge.at), reason: state.purge.reason },
  lastRecordedAt: iso(state.lastRecordedAt),
  eventCount: state.eventCount,
});

/**
 * Whether a lead's history is as the ledger wrote it: `intact` false when its hash chain
 * breaks (someone changed the stored events, see `breaks`); `keyed` false when some links
 * predate keyed chains, which only the log's checkpoints vouch for (docs/http.md).
 */
const integrityRepresentation = (verification: HistoryVerification): LeadAnswer["integrity"] => ({
  intact: verification.intact,
  keyed: verification.unkeyedLinks === 0 && verification.uncheckedLinks === 0,
  breaks: verification.breaks.map((fault) => ({
    kind: fault.kind,
    revision: Number(fault.revision),
  })),
});

/** What `GET /leads/{id}` answers: the state, and whether its history can be trusted. */
export const leadRepresentation = (snapshot: LeadSnapshot): LeadAnswer => ({
  ...stateRepresentation(snapshot.state),
  revision: Number(snapshot.revision),
  integrity: integrityRepresentation(snapshot.verification),
});

/**
 * An event's correlation id: sealed in its personal part, so `null` once the lead is
 * purged, as for any other personal data.
 */
const correlationIdOf = (event: LeadEvent): string | null => {
  const personal = event.data.personal;
  return personal === undefined || isRedacted(personal) ? null : (personal.correlationId ?? null);
};

/**
 * What `GET /leads/{id}/history` answers: every event with who, when, which command, and
 * whether its link of the hash chain holds.
 */
export const historyRepresentation = (history: LeadHistory): HistoryAnswer => {
  const broken = new Map<bigint, HistoryEventAnswer["chain"]>();
  for (const fault of history.verification.breaks) broken.set(fault.revision, fault.kind);
  return {
    leadId: history.leadId,
    chain: {
      ...integrityRepresentation(history.verification),
      eventCount: history.verification.eventCount,
    },
    events: history.entries.map(
      (entry) =>
        // The compiler cannot pair an event's `type` with its `data` once they are taken
        // out of the union member apart; they come from the same event.
        ({
          revision: Number(entry.revision),
          position: positionToString(entry.position),
          type: entry.event.type,
          occurredAt: entry.event.metadata.occurredAt,
          recordedAt: entry.event.metadata.recordedAt,
          actor: entry.event.metadata.actor,
          commandId: entry.event.metadata.commandId,
          correlationId: correlationIdOf(entry.event),
          data: entry.event.data,
          hash: entry.hash ?? null,
          chain: broken.get(entry.revision) ?? "ok",
        }) as HistoryEventAnswer,
    ),
  };
};

/** One row of `GET /leads`: the read model's non-personal summary. */
export const summaryRepresentation = (row: LeadSummary): SummaryAnswer => ({
  leadId: row.leadId,
  stage: row.stage,
  ownerId: row.ownerId,
  department: row.department,
  channel: row.channel,
  sourceClass: row.sourceClass,
  inquiryMode: row.inquiryMode,
  region: row.region,
  industry: row.industry,
  grade: row.grade,
  valueTier: row.valueTier,
  acquiredAt: iso(row.acquiredAt),
  enteredAt: iso(row.enteredAt),
  firstFollowUpAt: isoOrNull(row.firstFollowUpAt),
  lastFollowUpAt: isoOrNull(row.lastFollowUpAt),
  agreedNextFollowUpOn: row.agreedNextFollowUpOn,
  nextFollowUpDueAt: iso(row.nextFollowUpDueAt),
  convertedAt: isoOrNull(row.convertedAt),
  deal:
    row.dealAmount === null || row.dealCurrency === null
      ? null
      : { amount: row.dealAmount, currency: row.dealCurrency },
  flaggedForPurge: row.flaggedForPurge,
  purgedAt: isoOrNull(row.purgedAt),
  purgeReason: row.purgeReason,
  contactCount: row.contactCount,
  visitCount: row.visitCount,
  toBeConfirmed: row.toBeConfirmed,
  revision: row.revision,
});

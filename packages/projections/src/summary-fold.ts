import {
  DEFAULT_FOLLOW_UP_CADENCE,
  type FollowUpCadence,
  nextFollowUpDueAt,
} from "@leadledger/core";
import type { LeadStage, LeadSummary } from "./lead-summary.js";
import type { SummaryInput } from "./summary-input.js";

/** A row while a batch works on it; nobody else holds it until the batch is done. */
export type DraftSummary = { -readonly [K in keyof LeadSummary]: LeadSummary[K] };

const STAGE_RANK: Readonly<Record<LeadStage, number>> = {
  new: 0,
  contacted: 1,
  visited: 2,
  converted: 3,
  purged: 4,
};

/** Stages only move forward: a contact after a visit leaves the lead `visited`. */
const advance = (row: DraftSummary, to: LeadStage): void => {
  if (STAGE_RANK[to] > STAGE_RANK[row.stage]) row.stage = to;
};

const scheduleNextFollowUp = (row: DraftSummary, cadence: FollowUpCadence): void => {
  row.nextFollowUpDueAt = nextFollowUpDueAt(
    {
      acquiredAt: row.acquiredAt,
      lastContactAt: row.lastFollowUpAt ?? undefined,
      agreedNextFollowUpOn: row.agreedNextFollowUpOn ?? undefined,
      grade: row.grade ?? undefined,
    },
    cadence,
  );
};

/**
 * A follow-up (contact or visit) at `at`: the earliest sets the first follow-up; the
 * latest by business time (the later one in the log on a tie) sets the last follow-up and
 * what it agreed, so a contact written up late does not undo a newer plan.
 */
const followUp = (row: DraftSummary, at: number, agreed: string | null): void => {
  if (row.firstFollowUpAt === null || at < row.firstFollowUpAt) row.firstFollowUpAt = at;
  if (row.lastFollowUpAt === null || at >= row.lastFollowUpAt) {
    row.lastFollowUpAt = at;
    row.agreedNextFollowUpOn = agreed;
  }
};

/** A copy to work on; written field by field so that every row has one shape. */
export const draftOf = (row: LeadSummary): DraftSummary => ({
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
  acquiredAt: row.acquiredAt,
  enteredAt: row.enteredAt,
  firstFollowUpAt: row.firstFollowUpAt,
  lastFollowUpAt: row.lastFollowUpAt,
  agreedNextFollowUpOn: row.agreedNextFollowUpOn,
  nextFollowUpDueAt: row.nextFollowUpDueAt,
  convertedAt: row.convertedAt,
  dealAmount: row.dealAmount,
  dealCurrency: row.dealCurrency,
  flaggedForPurge: row.flaggedForPurge,
  purgedAt: row.purgedAt,
  purgeReason: row.purgeReason,
  contactCount: row.contactCount,
  visitCount: row.visitCount,
  toBeConfirmed: row.toBeConfirmed,
  eventCount: row.eventCount,
  revision: row.revision,
});

/** The row a capture starts. */
export const capturedSummary = (
  event: Extract<SummaryInput, { type: "LeadCaptured" }>,
  revision: number,
  cadence: FollowUpCadence = DEFAULT_FOLLOW_UP_CADENCE,
): DraftSummary => {
  const row: DraftSummary = {
    leadId: event.leadId,
    stage: "new",
    ownerId: event.ownerId,
    department: event.department,
    channel: event.attributes.channel,
    sourceClass: event.attributes.sourceClass,
    inquiryMode: event.attributes.inquiryMode,
    region: event.attributes.region,
    industry: event.attributes.industry,
    grade: null,
    valueTier: null,
    acquiredAt: event.occurredAt,
    enteredAt: event.recordedAt,
    firstFollowUpAt: null,
    lastFollowUpAt: null,
    agreedNextFollowUpOn: null,
    nextFollowUpDueAt: 0,
    convertedAt: null,
    dealAmount: null,
    dealCurrency: null,
    flaggedForPurge: false,
    purgedAt: null,
    purgeReason: null,
    contactCount: 0,
    visitCount: 0,
    toBeConfirmed: event.toBeConfirmed,
    eventCount: 1,
    revision,
  };
  scheduleNextFollowUp(row, cadence);
  return row;
};

/**
 * Applies one more event of the row's lead to a draft, in place. The caller owns the
 * draft (see {@link foldLeadEvent} for the pure form). An event at or below the row's
 * revision is a redelivery (subscriptions are at-least-once) and changes nothing.
 */
export const applyToDraft = (
  row: DraftSummary,
  event: SummaryInput,
  revision: number,
  cadence: FollowUpCadence = DEFAULT_FOLLOW_UP_CADENCE,
): void => {
  if (revision <= row.revision) return;
  row.revision = revision;
  row.eventCount++;
  switch (event.type) {
    case "LeadCaptured":
      // A second capture cannot happen in a valid stream; the first one stands.
      return;
    case "LeadContacted":
      followUp(row, event.occurredAt, event.nextFollowUpOn);
      row.contactCount++;
      advance(row, "contacted");
      scheduleNextFollowUp(row, cadence);
      return;
    case "LeadVisited":
      followUp(row, event.occurredAt, null);
      row.visitCount++;
      advance(row, "visited");
      scheduleNextFollowUp(row, cadence);
      return;
    case "LeadGraded":
      row.grade = event.grade;
      if (event.valueTier !== null) row.valueTier = event.valueTier;
      scheduleNextFollowUp(row, cadence);
      return;
    case "LeadConverted":
      row.convertedAt = event.occurredAt;
      row.dealAmount = event.dealAmount;
      row.dealCurrency = event.dealCurrency;
      advance(row, "converted");
      return;
    case "LeadAssigned":
      row.ownerId = event.ownerId;
      row.department = event.department;
      return;
    case "LeadAmended": {
      const { changes } = event;
      if (changes.channel !== undefined) row.channel = changes.channel;
      if (changes.sourceClass !== undefined) row.sourceClass = changes.sourceClass;
      if (changes.inquiryMode !== undefined) row.inquiryMode = changes.inquiryMode;
      if (changes.region !== undefined) row.region = changes.region;
      if (changes.industry !== undefined) row.industry = changes.industry;
      if (event.toBeConfirmed !== null) row.toBeConfirmed = event.toBeConfirmed;
      return;
    }
    case "LeadFlaggedForPurge":
      row.flaggedForPurge = true;
      return;
    case "PurgeFlagCleared":
      row.flaggedForPurge = false;
      return;
    case "LeadPurged":
      row.stage = "purged";
      row.flaggedForPurge = false;
      row.purgedAt = event.occurredAt;
      row.purgeReason = event.reason;
      return;
  }
};

/**
 * The summary fold (docs/architecture.md): the row after one more event of its lead. Pure
 * and total over valid streams. `undefined` means the event cannot apply: it is not a
 * capture and the lead has no row.
 */
export const foldLeadEvent = (
  row: LeadSummary | undefined,
  event: SummaryInput,
  revision: number,
  cadence: FollowUpCadence = DEFAULT_FOLLOW_UP_CADENCE,
): LeadSummary | undefined => {
  if (row === undefined) {
    return event.type === "LeadCaptured" ? capturedSummary(event, revision, cadence) : undefined;
  }
  if (revision <= row.revision) return row;
  const draft = draftOf(row);
  applyToDraft(draft, event, revision, cadence);
  return draft;
};

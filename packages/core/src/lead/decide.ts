import * as E from "fp-ts/lib/Either.js";
import type { Actor } from "../access/actor.js";
import { canReach, isManager } from "../access/actor.js";
import { ENTRY_DUE_HOURS } from "../grading/cadence.js";
import { leadFacts } from "../grading/facts.js";
import type { GradeAssessment, GradingPolicy } from "../grading/policy.js";
import type { OwnerStanding } from "../organisation/directory.js";
import type { LeadCommand } from "./commands.js";
import type { LeadError } from "./errors.js";
import { leadError } from "./errors.js";
import type { LeadEvent, LeadEventMetadata, Tracing } from "./events.js";
import { inputProblemAt } from "./input-problems.js";
import type { LeadState } from "./state.js";
import { evolve } from "./state.js";
import { toBeConfirmedAfter, toBeConfirmedIn } from "./to-be-confirmed.js";
import type { CalendarDate, Identifier, Instant, LeadId, Owner } from "./values.js";
import {
  instantToMillis,
  LeadId as LeadIdCodec,
  millisToInstant,
  NonEmptyString,
} from "./values.js";

/** Everything `decide` needs besides the command and the state: all of it plain data. */
export interface DecisionContext {
  readonly actor: Actor;
  /** When the command is being recorded, epoch milliseconds. */
  readonly now: number;
  readonly gradingPolicy: GradingPolicy;
  /** How far a business time may lie in the future before it is refused (clock skew). */
  readonly clockToleranceMs: number;
  /**
   * Rule 9 for a capture, as the ledger found it in the store: another active lead holds
   * the person's phone or e-mail. Left out when nobody else's lead does, and before the
   * ledger has looked: it decides a capture once before reserving anything, so that a
   * capture refused on other grounds reserves nothing, and again with what the
   * reservations found.
   */
  readonly duplicate?: DuplicateFound;
  /**
   * Whether the owner a capture or an assignment names may own leads, as the ledger's
   * directory answered (docs/organisation.md). Left out when the ledger has no directory:
   * then any owner within the actor's reach is taken.
   */
  readonly ownerStanding?: OwnerStanding;
}

/** Another active lead already holds a capture's phone or e-mail (rule 9). */
export interface DuplicateFound {
  readonly matchedOn: "phone" | "email";
  /**
   * That lead, only when the actor reaches it: the refusal and the flag name it to those
   * who may know whose lead the person is (docs/privacy.md, "What each role learns").
   */
  readonly existingLeadId?: LeadId;
  /** The ledger's `duplicatePolicy`: refuse the capture, or record it flagged as a duplicate. */
  readonly policy: "refuse" | "flag";
}

/** Every owner a command names must be able to own leads, when the ledger knows who can. */
const ownerRefusal = (owner: Owner, context: DecisionContext): LeadError | undefined => {
  const standing = context.ownerStanding;
  if (standing === undefined || standing === "ok") return undefined;
  return leadError(standing, { repId: owner.repId, department: owner.department });
};

/** The default clock tolerance: five minutes. */
export const DEFAULT_CLOCK_TOLERANCE_MS = 5 * 60_000;

const HOUR_MS = 3_600_000;

type Decision = E.Either<LeadError, readonly LeadEvent[]>;

/**
 * Decides what a command means for a lead: the events to record, or why not. Pure and
 * total. Enforces the MUST rules of docs/domain.md §3 that one lead's history can answer,
 * and rule 9 (duplicates) from what the ledger found in the store
 * ({@link DecisionContext.duplicate}); finding duplicates, and the scope check of who may
 * see which lead, are the ledger's part.
 */
export const decide = (
  command: LeadCommand,
  state: LeadState | undefined,
  context: DecisionContext,
): Decision => {
  if (command.type === "CaptureLead") return decideCapture(command, state, context);
  if (state === undefined) return E.left(leadError("lead.not-found", { leadId: command.leadId }));
  // Rule 2: nothing is recorded on a purged lead.
  if (state.stage === "purged") return E.left(leadError("lead.purged", { leadId: state.leadId }));
  const timing = checkBusinessTime(command.occurredAt, state, context);
  if (timing !== undefined) return E.left(timing);

  // Recording times never go backwards within a stream, so "as of" replays are prefixes.
  const recordedAt = millisToInstant(Math.max(context.now, state.lastRecordedAt));
  const metadata: LeadEventMetadata = {
    leadId: state.leadId as LeadId,
    occurredAt: command.occurredAt,
    recordedAt,
    actor: context.actor,
    commandId: command.commandId,
  };
  const tracing = tracingOf(command);

  switch (command.type) {
    case "RecordContact": {
      // A follow-up agreed for a day before the contact itself is a typing error, and would
      // make the lead overdue the moment it is recorded.
      if (
        command.nextFollowUpOn !== undefined &&
        command.nextFollowUpOn < contactDayOf(command.occurredAt)
      ) {
        return E.left(
          leadError("follow-up.before-contact", {
            nextFollowUpOn: command.nextFollowUpOn,
            contactOn: contactDayOf(command.occurredAt),
          }),
        );
      }
      const contacted: LeadEvent = {
        type: "LeadContacted",
        data: {
          method: command.method,
          direction: command.direction,
          topics: command.topics,
          intent: command.intent,
          requirementsFit: command.requirementsFit ?? "unknown",
          outcome: command.outcome,
          ...(command.nextFollowUpOn !== undefined
            ? { nextFollowUpOn: command.nextFollowUpOn }
            : {}),
          ...personalPart({
            summary: command.summary,
            outcomeNotes: command.outcomeNotes,
            nextStep: command.nextStep,
            ...tracing,
          }),
        },
        metadata,
      };
      return E.right(
        withFollowUpEffects(state, [contacted], "contact", metadata, tracing, context),
      );
    }
    case "RecordVisit": {
      const visited: LeadEvent = {
        type: "LeadVisited",
        data: {
          kind: command.kind,
          intent: command.intent,
          requirementsFit: command.requirementsFit ?? "unknown",
          topics: command.topics ?? [],
          ...personalPart({
            purpose: command.purpose,
            objective: command.objective,
            result: command.result,
            ...tracing,
          }),
        },
        metadata,
      };
      return E.right(withFollowUpEffects(state, [visited], "visit", metadata, tracing, context));
    }
    case "GradeLead": {
      // Rule 5: after conversion the grade no longer changes.
      if (state.stage === "converted") {
        return E.left(leadError("grade.frozen-after-conversion", { leadId: state.leadId }));
      }
      if (command.by === "manual") {
        // Rule 4: a manual grade needs a reason.
        const reason = command.reason?.trim();
        if (!NonEmptyString.is(reason)) return E.left(leadError("grade.reason-required", {}));
        return E.right([
          {
            type: "LeadGraded",
            // The reason is the rep's own words: personal. `reasons` holds a policy's.
            data: {
              grade: command.grade,
              basis: { kind: "manual" },
              reasons: [],
              ...(command.valueTier !== undefined ? { valueTier: command.valueTier } : {}),
              ...personalPart({ reason, ...tracing }),
            },
            metadata,
          },
        ]);
      }
      return E.right([ruleGrade(state, metadata, tracing, context)]);
    }
    case "ConvertLead": {
      // Rule 5: converting twice is refused.
      if (state.stage === "converted") {
        return E.left(leadError("lead.already-converted", { leadId: state.leadId }));
      }
      // A conversion is the end of a follow-up: conversion rate and cycle count a lead
      // from its first follow-up on (docs/metrics.md), so one before it is refused rather
      // than left out of every figure.
      const convertedAt = instantToMillis(command.occurredAt);
      if (state.firstFollowUpAt === undefined || convertedAt < state.firstFollowUpAt) {
        return E.left(
          leadError("conversion.before-follow-up", {
            leadId: state.leadId,
            occurredAt: command.occurredAt,
            firstFollowUpAt:
              state.firstFollowUpAt === undefined ? null : millisToInstant(state.firstFollowUpAt),
          }),
        );
      }
      return E.right([
        {
          type: "LeadConverted",
          data: {
            dealValue: command.dealValue,
            ...personalPart({ contractRef: command.contractRef, ...tracing }),
          },
          metadata,
        },
      ]);
    }
    case "AssignLead": {
      const from = state.owner;
      if (from.repId === command.to.repId && from.department === command.to.department) {
        return E.left(leadError("assignment.unchanged", { leadId: state.leadId }));
      }
      // Rule 7: a move across departments needs a manager.
      if (from.department !== command.to.department && !isManager(context.actor)) {
        return E.left(
          leadError("access.denied", {
            reason: "reassignment across departments needs a department head or an executive",
          }),
        );
      }
      const refusedOwner = ownerRefusal(command.to, context);
      if (refusedOwner !== undefined) return E.left(refusedOwner);
      return E.right([
        {
          type: "LeadAssigned",
          data: {
            from,
            to: command.to,
            ...personalPart({ reason: command.reason, ...tracing }),
          },
          metadata,
        },
      ]);
    }
    case "AmendLead": {
      const { needs, source, classification, party, contact, referrerName, reason } = command;
      if (
        [needs, source, classification, party, contact, referrerName].every(
          (part) => part === undefined || (typeof part === "object" && isEmptyChange(part)),
        )
      ) {
        return E.left(leadError("amendment.empty", {}));
      }
      if (party !== undefined && party.kind !== state.partyKind) {
        return E.left(leadError("amendment.party-kind-mismatch", { expected: state.partyKind }));
      }
      return E.right([
        {
          type: "LeadAmended",
          data: {
            ...(needs !== undefined ? { needs } : {}),
            ...(source !== undefined ? { source } : {}),
            ...(classification !== undefined ? { classification } : {}),
            // The open fields after it; a lead captured before the list was kept has none.
            ...(state.toBeConfirmed !== undefined
              ? {
                  toBeConfirmed: toBeConfirmedAfter(state.toBeConfirmed, state.partyKind, {
                    needs,
                    source,
                    classification,
                    party,
                    contact,
                    referrerName,
                  }),
                }
              : {}),
            ...personalPart({ party, contact, referrerName, reason, ...tracing }),
          },
          metadata,
        },
      ]);
    }
    case "FlagForPurge":
      if (state.purgeFlag !== undefined) {
        return E.left(leadError("flag.already-flagged", { leadId: state.leadId }));
      }
      return E.right([
        {
          type: "LeadFlaggedForPurge",
          data: {
            reason: command.reason,
            ...(command.duplicateOf !== undefined ? { duplicateOf: command.duplicateOf } : {}),
            ...personalPart({ note: command.note, ...tracing }),
          },
          metadata,
        },
      ]);
    case "ClearPurgeFlag":
      if (state.purgeFlag === undefined) {
        return E.left(leadError("flag.not-flagged", { leadId: state.leadId }));
      }
      return E.right([
        {
          type: "PurgeFlagCleared",
          data: { cause: "recheck", ...personalPart({ note: command.note, ...tracing }) },
          metadata,
        },
      ]);
    case "PurgeLead": {
      // Rule 7: purge needs a manager.
      if (!isManager(context.actor)) {
        return E.left(
          leadError("access.denied", {
            reason: "a purge needs a department head or an executive",
          }),
        );
      }
      const erasureRequest = command.erasureRequest === true;
      // Rule 6: two steps — flag, then purge after a re-check — unless the person asked
      // to be erased, which is honoured at once.
      if (!erasureRequest) {
        if (state.purgeFlag === undefined) {
          return E.left(leadError("purge.not-flagged", { leadId: state.leadId }));
        }
        if (
          command.recheckNote === undefined ||
          instantToMillis(command.occurredAt) <= state.purgeFlag.at
        ) {
          return E.left(leadError("purge.recheck-required", { leadId: state.leadId }));
        }
      }
      return E.right([
        {
          type: "LeadPurged",
          data: {
            reason: erasureRequest
              ? "erasure-request"
              : (state.purgeFlag?.reason ?? "erasure-request"),
            erasureRequest,
            ...personalPart({ recheckNote: command.recheckNote, ...tracing }),
          },
          metadata,
        },
      ]);
    }
  }
};

const decideCapture = (
  command: Extract<LeadCommand, { type: "CaptureLead" }>,
  state: LeadState | undefined,
  context: DecisionContext,
): Decision => {
  const leadId = command.leadId;
  if (leadId === undefined) {
    return E.left(
      leadError("input.invalid", { problems: [inputProblemAt("leadId", LeadIdCodec)] }),
    );
  }
  // Rule 1: a lead is captured once.
  if (state !== undefined) return E.left(leadError("lead.already-captured", { leadId }));
  if (!canReach(context.actor, command.owner)) {
    return E.left(
      leadError("access.denied", {
        reason: "a lead can only be captured for an owner within the actor's reach",
      }),
    );
  }
  const refusedOwner = ownerRefusal(command.owner, context);
  if (refusedOwner !== undefined) return E.left(refusedOwner);
  const acquiredAt = instantToMillis(command.acquiredAt);
  // Rule 3: no business time in the future.
  if (acquiredAt > context.now + context.clockToleranceMs) {
    return E.left(
      leadError("time.in-future", {
        occurredAt: command.acquiredAt,
        now: millisToInstant(context.now),
      }),
    );
  }
  // Rule 8: an entry more than 24 h after acquisition must say why.
  const hoursLate = (context.now - acquiredAt) / HOUR_MS;
  if (hoursLate > ENTRY_DUE_HOURS && command.lateEntryReason === undefined) {
    return E.left(
      leadError("capture.late-entry-reason-required", { hoursLate: Math.floor(hoursLate) }),
    );
  }
  const metadata: LeadEventMetadata = {
    leadId,
    occurredAt: command.acquiredAt,
    recordedAt: millisToInstant(context.now),
    actor: context.actor,
    commandId: command.commandId,
  };
  const tracing = tracingOf(command);
  const captured: LeadEvent = {
    type: "LeadCaptured",
    data: {
      partyKind: command.party.kind,
      needs: command.needs,
      source: command.source,
      classification: command.classification,
      owner: command.owner,
      ...(command.renewedConsent !== undefined ? { renewedConsent: true as const } : {}),
      // Every field the capture left to be confirmed, by name (不得漏填: none silently missing).
      toBeConfirmed: toBeConfirmedIn(command),
      personal: {
        party: command.party,
        contact: command.contact,
        ...(command.referrerName !== undefined ? { referrerName: command.referrerName } : {}),
        ...(command.renewedConsent !== undefined
          ? { consentEvidence: command.renewedConsent.evidence }
          : {}),
        ...(command.lateEntryReason !== undefined
          ? { lateEntryReason: command.lateEntryReason }
          : {}),
        ...tracing,
      },
    },
    metadata,
  };
  const capturedState = evolve(undefined, captured);
  const events =
    capturedState === undefined
      ? [captured]
      : [captured, ruleGrade(capturedState, metadata, tracing, context)];
  const duplicate = context.duplicate;
  if (duplicate === undefined) return E.right(events);
  // Rule 9: a person is one active lead, unless the ledger's policy records the second
  // capture and flags it for the purge-or-keep decision of rule 6.
  const { matchedOn, existingLeadId } = duplicate;
  if (duplicate.policy === "refuse") {
    return E.left(
      leadError(
        "lead.duplicate",
        existingLeadId === undefined ? { matchedOn } : { existingLeadId, matchedOn },
      ),
    );
  }
  const flagged: LeadEvent = {
    type: "LeadFlaggedForPurge",
    data: {
      reason: "duplicate",
      ...(existingLeadId === undefined ? {} : { duplicateOf: existingLeadId }),
    },
    metadata,
  };
  return E.right([...events, flagged]);
};

const checkBusinessTime = (
  occurredAt: Instant,
  state: LeadState,
  context: DecisionContext,
): LeadError | undefined => {
  const at = instantToMillis(occurredAt);
  // Rule 3: business times lie between acquisition and now (plus the clock tolerance).
  if (at > context.now + context.clockToleranceMs) {
    return leadError("time.in-future", { occurredAt, now: millisToInstant(context.now) });
  }
  if (at < state.acquiredAt) {
    return leadError("time.before-acquisition", {
      occurredAt,
      acquiredAt: millisToInstant(state.acquiredAt),
    });
  }
  return undefined;
};

interface NamedAssessment extends GradeAssessment {
  readonly policy: NonEmptyString;
  readonly version: NonEmptyString;
}

/** What the policy says of the lead now; a policy that cannot name itself is a bug in it. */
const assess = (
  state: LeadState,
  metadata: LeadEventMetadata,
  context: DecisionContext,
): NamedAssessment => {
  const assessment = context.gradingPolicy(leadFacts(state), instantToMillis(metadata.occurredAt));
  const { policy, version } = assessment;
  // Without its name and version, a grade breaks rule 4's audit trail.
  if (!NonEmptyString.is(policy) || !NonEmptyString.is(version)) {
    throw new TypeError("a grading policy must return a non-empty policy name and version");
  }
  return { ...assessment, policy, version };
};

/** The grade the policy gives the lead now, as an event recorded by rule. */
const ruleGrade = (
  state: LeadState,
  metadata: LeadEventMetadata,
  tracing: Tracing,
  context: DecisionContext,
  assessment: NamedAssessment = assess(state, metadata, context),
): LeadEvent => {
  const { policy, version } = assessment;
  return {
    type: "LeadGraded",
    data: {
      grade: assessment.grade,
      basis: { kind: "rule", policy, version },
      // The policy's own text, the same for every lead it judges alike: not personal.
      reasons: [...assessment.reasons],
      ...personalPart({ ...tracing }),
    },
    metadata,
  };
};

/**
 * What a contact or a visit brings with it: it clears a standing purge flag (a re-check
 * found the lead alive), and while the grade is not pinned and the lead not converted, the
 * lead is re-graded by rule — recorded only when the grade or the deciding policy changes.
 */
const withFollowUpEffects = (
  state: LeadState,
  events: readonly LeadEvent[],
  cause: "contact" | "visit",
  metadata: LeadEventMetadata,
  tracing: Tracing,
  context: DecisionContext,
): readonly LeadEvent[] => {
  const result: LeadEvent[] = [...events];
  if (state.purgeFlag !== undefined) {
    result.push({ type: "PurgeFlagCleared", data: { cause, ...personalPart(tracing) }, metadata });
  }
  let after: LeadState | undefined = state;
  for (const event of result) after = evolve(after, event);
  if (after === undefined || after.stage !== "active" || after.grade?.pinned === true) {
    return result;
  }
  // Most follow-ups leave the grade as it was: the event is built only when it is not.
  const assessment = assess(after, metadata, context);
  const current = after.grade;
  const unchanged =
    current !== undefined &&
    current.grade === assessment.grade &&
    current.basis.kind === "rule" &&
    current.basis.policy === assessment.policy &&
    current.basis.version === assessment.version;
  if (!unchanged) result.push(ruleGrade(after, metadata, tracing, context, assessment));
  return result;
};

/**
 * The tracing ids a command brought: sealed with each of its events' personal parts, since
 * a caller may write a name into them (issue 12).
 */
const tracingOf = (command: { readonly correlationId?: Identifier }): Tracing =>
  command.correlationId === undefined ? {} : { correlationId: command.correlationId };

/**
 * The calendar day of a contact: the date as its `occurredAt` is written, in the offset it
 * is written with (UTC for `Z`, and for a time the ledger filled in). The agreed next
 * follow-up day is a day of the same calendar.
 */
const contactDayOf = (occurredAt: Instant): CalendarDate => occurredAt.slice(0, 10) as CalendarDate;

/** The personal part of an event, left out altogether when the command brought none. */
const personalPart = <P extends Record<string, unknown>>(
  fields: P,
): { personal?: { [K in keyof P]: Exclude<P[K], undefined> } } => {
  let present: Record<string, unknown> | undefined;
  for (const key in fields) {
    const value = fields[key];
    if (value === undefined) continue;
    present ??= {};
    present[key] = value;
  }
  return present === undefined ? {} : { personal: present as never };
};

const isEmptyChange = (part: object): boolean =>
  Object.entries(part).every(([key, value]) => key === "kind" || value === undefined);

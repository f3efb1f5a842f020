import {
  CalendarDate,
  Channel,
  Grade,
  InquiryMode,
  isLeadEventType,
  isToBeConfirmed,
  type LeadEventFactsOnly,
  type LeadEventType,
  PurgeReason,
  type RecordedEvent,
  SourceClass,
  ValueTier,
} from "@leadledger/core";
import { upcastStoredEvent } from "@leadledger/core/adapter";
import * as E from "fp-ts/lib/Either.js";

/** Capture attributes a later amendment may change; `null` is "to be confirmed". */
export interface AttributeChanges {
  readonly channel?: Channel | null;
  readonly sourceClass?: SourceClass | null;
  readonly inquiryMode?: InquiryMode | null;
  readonly region?: string | null;
  readonly industry?: string | null;
}

/**
 * What the summary fold reads of one lead event: its type, business time (epoch ms) and
 * the few plain facts the summary keeps. Made from a stored event by
 * {@link decodeSummaryInput}, or from the core's decoded `LeadEventFactsOnly` by
 * {@link summaryInputOfFacts}; a test checks that the two agree on every generated event.
 */
export type SummaryInput = { readonly leadId: string; readonly occurredAt: number } & (
  | {
      readonly type: "LeadCaptured";
      readonly recordedAt: number;
      readonly ownerId: string;
      readonly department: string;
      readonly attributes: Required<AttributeChanges>;
      /** The fields to be confirmed; `null` when the capture predates the list (issue 14). */
      readonly toBeConfirmed: readonly string[] | null;
    }
  | { readonly type: "LeadContacted"; readonly nextFollowUpOn: string | null }
  | { readonly type: "LeadVisited" }
  | { readonly type: "LeadGraded"; readonly grade: Grade; readonly valueTier: ValueTier | null }
  | { readonly type: "LeadConverted"; readonly dealAmount: number; readonly dealCurrency: string }
  | { readonly type: "LeadAssigned"; readonly ownerId: string; readonly department: string }
  | {
      readonly type: "LeadAmended";
      readonly changes: AttributeChanges;
      /** The fields to be confirmed after it; `null` when the event does not say. */
      readonly toBeConfirmed: readonly string[] | null;
    }
  | { readonly type: "LeadFlaggedForPurge" }
  | { readonly type: "PurgeFlagCleared" }
  | { readonly type: "LeadPurged"; readonly reason: PurgeReason }
);

/** Something in the log the projection could not use; it is skipped and reported. */
export interface ProjectionProblem {
  readonly code: "projection.undecodable-event" | "projection.lead-not-captured";
  readonly stream: string;
  readonly revision: bigint;
  readonly position: bigint;
  readonly type: string;
  /** Where the event did not fit, as a dotted path (undecodable events only). */
  readonly paths: readonly string[];
}

type Fields = { readonly [key: string]: unknown };

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** Thrown inside the decoder only, to leave it at the first field that does not fit. */
class Misfit {
  constructor(readonly path: string) {}
}

const record = (value: unknown, path: string): Fields => {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Misfit(path);
  return value as Fields;
};
const optionalRecord = (value: unknown, path: string): Fields | undefined =>
  value === undefined ? undefined : record(value, path);
const text = (value: unknown, path: string): string => {
  if (typeof value !== "string" || value.length === 0) throw new Misfit(path);
  return value;
};
const instant = (value: unknown, path: string): number => {
  if (typeof value !== "string" || !INSTANT.test(value)) throw new Misfit(path);
  const millis = Date.parse(value);
  if (!Number.isFinite(millis)) throw new Misfit(path);
  return millis;
};
const member = <A>(guard: { is: (u: unknown) => u is A }, value: unknown, path: string): A => {
  if (!guard.is(value)) throw new Misfit(path);
  return value;
};
/** A confirmable field: its value, or `null` for "to be confirmed". */
const confirmable = <A>(read: (value: unknown, path: string) => A, value: unknown, path: string) =>
  isToBeConfirmed(value) ? null : read(value, path);
/** A list of field names, or `null` when the event has none. */
const fieldNames = (value: unknown, path: string): readonly string[] | null => {
  if (value === undefined) return null;
  if (!Array.isArray(value)) throw new Misfit(path);
  for (const name of value) if (typeof name !== "string") throw new Misfit(path);
  return value as readonly string[];
};
const channel = (v: unknown, p: string) => member(Channel, v, p);
const sourceClass = (v: unknown, p: string) => member(SourceClass, v, p);
const inquiryMode = (v: unknown, p: string) => member(InquiryMode, v, p);

const changesOf = (
  source: Fields | undefined,
  classification: Fields | undefined,
): AttributeChanges => {
  const changes: {
    -readonly [K in keyof AttributeChanges]: AttributeChanges[K];
  } = {};
  if (source?.channel !== undefined)
    changes.channel = confirmable(channel, source.channel, "data.source.channel");
  if (source?.sourceClass !== undefined) {
    changes.sourceClass = confirmable(sourceClass, source.sourceClass, "data.source.sourceClass");
  }
  if (source?.inquiryMode !== undefined) {
    changes.inquiryMode = confirmable(inquiryMode, source.inquiryMode, "data.source.inquiryMode");
  }
  if (classification?.region !== undefined) {
    changes.region = confirmable(text, classification.region, "data.classification.region");
  }
  if (classification?.industry !== undefined) {
    changes.industry = confirmable(text, classification.industry, "data.classification.industry");
  }
  return changes;
};

const readEvent = (type: LeadEventType, data: Fields, metadata: Fields): SummaryInput => {
  const leadId = text(metadata.leadId, "metadata.leadId");
  const occurredAt = instant(metadata.occurredAt, "metadata.occurredAt");
  switch (type) {
    case "LeadCaptured": {
      const source = record(data.source, "data.source");
      const classification = record(data.classification, "data.classification");
      const owner = record(data.owner, "data.owner");
      const attributes = changesOf(source, classification);
      if (Object.keys(attributes).length !== 5) throw new Misfit("data.source");
      return {
        type,
        leadId,
        occurredAt,
        recordedAt: instant(metadata.recordedAt, "metadata.recordedAt"),
        ownerId: text(owner.repId, "data.owner.repId"),
        department: text(owner.department, "data.owner.department"),
        attributes: attributes as Required<AttributeChanges>,
        toBeConfirmed: fieldNames(data.toBeConfirmed, "data.toBeConfirmed"),
      };
    }
    case "LeadContacted":
      return {
        type,
        leadId,
        occurredAt,
        nextFollowUpOn:
          data.nextFollowUpOn === undefined
            ? null
            : member(CalendarDate, data.nextFollowUpOn, "data.nextFollowUpOn"),
      };
    case "LeadGraded":
      return {
        type,
        leadId,
        occurredAt,
        grade: member(Grade, data.grade, "data.grade"),
        valueTier:
          data.valueTier === undefined ? null : member(ValueTier, data.valueTier, "data.valueTier"),
      };
    case "LeadConverted": {
      const value = record(data.dealValue, "data.dealValue");
      if (typeof value.amount !== "number" || !Number.isFinite(value.amount)) {
        throw new Misfit("data.dealValue.amount");
      }
      return {
        type,
        leadId,
        occurredAt,
        dealAmount: value.amount,
        dealCurrency: text(value.currency, "data.dealValue.currency"),
      };
    }
    case "LeadAssigned": {
      const to = record(data.to, "data.to");
      return {
        type,
        leadId,
        occurredAt,
        ownerId: text(to.repId, "data.to.repId"),
        department: text(to.department, "data.to.department"),
      };
    }
    case "LeadAmended":
      return {
        type,
        leadId,
        occurredAt,
        changes: changesOf(
          optionalRecord(data.source, "data.source"),
          optionalRecord(data.classification, "data.classification"),
        ),
        toBeConfirmed: fieldNames(data.toBeConfirmed, "data.toBeConfirmed"),
      };
    case "LeadPurged":
      return { type, leadId, occurredAt, reason: member(PurgeReason, data.reason, "data.reason") };
    case "LeadVisited":
    case "LeadFlaggedForPurge":
    case "PurgeFlagCleared":
      return { type, leadId, occurredAt };
  }
};

/**
 * Reads what the summary needs from a stored lead event, without keys, checking each
 * field it reads with the core's codecs' guards (enumerations, calendar dates) and the
 * core's instant format. It does not run the full io-ts decode of every field: that costs
 * more than the rest of a rebuild together (docs/metrics.md, "Performance").
 */
export const decodeSummaryInput = (
  stored: RecordedEvent,
): E.Either<ProjectionProblem, SummaryInput> => {
  // Old schema versions are read through the core's upcasters, as the ledger reads them.
  const recorded = upcastStoredEvent(stored);
  const problem = (path: string): ProjectionProblem => ({
    code: "projection.undecodable-event",
    stream: recorded.stream,
    revision: recorded.revision,
    position: recorded.position,
    type: recorded.type,
    paths: [path],
  });
  if (!isLeadEventType(recorded.type)) return E.left(problem("type"));
  try {
    return E.right(readEvent(recorded.type, recorded.data, recorded.metadata));
  } catch (error) {
    if (error instanceof Misfit) return E.left(problem(error.path));
    throw error;
  }
};

/** The fold's input from an event the core decoded in full. */
export const summaryInputOfFacts = (event: LeadEventFactsOnly): SummaryInput =>
  readEvent(event.type, event.data as Fields, event.metadata as unknown as Fields);

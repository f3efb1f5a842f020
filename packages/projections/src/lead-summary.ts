import type {
  Channel,
  Grade,
  InquiryMode,
  PurgeReason,
  SourceClass,
  ValueTier,
} from "@leadledger/core";

/**
 * Where a lead stands, furthest step first: `converted` beats `visited` beats `contacted`
 * beats `new`; `purged` overrides them all. A purged lead keeps its row (non-personal
 * facts only) so that no statistic changes when a lead is purged.
 */
export type LeadStage = "new" | "contacted" | "visited" | "converted" | "purged";

/**
 * One row per lead: the non-personal facts the views read (docs/architecture.md). Times are
 * epoch milliseconds of business time (`occurredAt`), except {@link enteredAt}, the time
 * the capture was recorded. `null` means "not yet" for times and "to be confirmed" for
 * capture attributes. See docs/metrics.md for how each field is derived.
 */
export interface LeadSummary {
  readonly leadId: string;
  readonly stage: LeadStage;
  /** The responsible rep now (跟进责任人); reassignments move the whole row. */
  readonly ownerId: string;
  readonly department: string;
  readonly channel: Channel | null;
  readonly sourceClass: SourceClass | null;
  readonly inquiryMode: InquiryMode | null;
  readonly region: string | null;
  readonly industry: string | null;
  /** The latest grade recorded; `null` while ungraded. */
  readonly grade: Grade | null;
  readonly valueTier: ValueTier | null;
  /** When the lead was obtained: the capture's business time. */
  readonly acquiredAt: number;
  /** When the capture was recorded: entry timeliness compares it with {@link acquiredAt}. */
  readonly enteredAt: number;
  /** The earliest follow-up (a contact or a visit). */
  readonly firstFollowUpAt: number | null;
  /** The latest follow-up (a contact or a visit). */
  readonly lastFollowUpAt: number | null;
  /** The next follow-up day (`YYYY-MM-DD`) agreed in the latest follow-up, if it agreed one. */
  readonly agreedNextFollowUpOn: string | null;
  /** When the next follow-up is due: the agreed day, else the grade's cadence, else 24 h. */
  readonly nextFollowUpDueAt: number;
  readonly convertedAt: number | null;
  readonly dealAmount: number | null;
  readonly dealCurrency: string | null;
  /** Marked as a purge candidate and not yet cleared or purged. */
  readonly flaggedForPurge: boolean;
  readonly purgedAt: number | null;
  readonly purgeReason: PurgeReason | null;
  readonly contactCount: number;
  readonly visitCount: number;
  /**
   * The capture fields still to be confirmed (待确认), by dotted name, sorted, such as
   * `contact.fax` or `needs.site.area` (docs/metrics.md, "Completeness"). `null` when not
   * known: the lead was captured before the ledger kept the list (issue 14).
   */
  readonly toBeConfirmed: readonly string[] | null;
  /** Lead events applied to this row. */
  readonly eventCount: number;
  /** The stream revision of the last event applied: a redelivered event is skipped. */
  readonly revision: number;
}

/** Active leads make up the pipeline: every lead not purged (docs/domain.md §2). */
export const isActive = (row: LeadSummary): boolean => row.purgedAt === null;

/**
 * Whether the lead was followed up as a prospect: it has a follow-up, and if it converted,
 * one at or before the conversion (contacts after it are after-sale return visits).
 */
export const wasPursued = (row: LeadSummary): boolean =>
  row.firstFollowUpAt !== null &&
  (row.convertedAt === null || row.firstFollowUpAt <= row.convertedAt);

import type { Grade } from "../lead/values.js";

/**
 * How many days may pass between follow-ups of a lead of each grade (持续性原则): high
 * leads are followed closely, medium ones kept warm, low ones get a periodic push.
 */
export type FollowUpCadence = Readonly<Record<Grade, number>>;

/** The documented defaults (docs/grading.md): 3, 7 and 30 days. */
export const DEFAULT_FOLLOW_UP_CADENCE: FollowUpCadence = Object.freeze({
  high: 3,
  medium: 7,
  low: 30,
});

/** A lead never contacted is due its first contact this long after acquisition (及时性原则). */
export const FIRST_CONTACT_DUE_HOURS = 24;

/** A capture recorded later than this after acquisition needs a late-entry reason (錄入). */
export const ENTRY_DUE_HOURS = 24;

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/**
 * When a lead's next follow-up is due, in epoch milliseconds. An explicit next follow-up
 * date agreed in the last contact wins (start of that day, UTC); otherwise the last contact
 * plus the grade's cadence (an ungraded lead counts as low); a lead never contacted is due
 * its first contact {@link FIRST_CONTACT_DUE_HOURS} after acquisition.
 */
export const nextFollowUpDueAt = (
  lead: {
    readonly acquiredAt: number;
    readonly lastContactAt: number | undefined;
    readonly agreedNextFollowUpOn: string | undefined;
    readonly grade: Grade | undefined;
  },
  cadence: FollowUpCadence = DEFAULT_FOLLOW_UP_CADENCE,
): number => {
  if (lead.lastContactAt === undefined) {
    return lead.acquiredAt + FIRST_CONTACT_DUE_HOURS * HOUR_MS;
  }
  if (lead.agreedNextFollowUpOn !== undefined) {
    return Date.parse(`${lead.agreedNextFollowUpOn}T00:00:00Z`);
  }
  return lead.lastContactAt + cadence[lead.grade ?? "low"] * DAY_MS;
};

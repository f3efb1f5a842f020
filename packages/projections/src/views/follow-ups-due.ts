import type { UtcOffsetMinutes } from "../calendar-period.js";
import type { LeadSummary } from "../lead-summary.js";
import { canSee, type Viewer } from "../viewer.js";
import { rowArray } from "./row-array.js";

export interface FollowUpsDueQuery {
  readonly viewer: Viewer;
  readonly now: number;
  /** A follow-up falling within this many hours from `now` is due. Default 24. */
  readonly horizonHours?: number;
  /**
   * How many of each owner's leads to list, the most urgent first; the counts still count
   * them all. Default: every one (an executive's list over 100,000 leads can run to
   * thousands).
   */
  readonly maxLeadsPerOwner?: number;
  /** Only this rep's leads: the list and its totals alike. Default: every owner's. */
  readonly ownerId?: string;
  /** The calendar an agreed follow-up day is read in, minutes east of UTC. Default 0 (UTC). */
  readonly utcOffsetMinutes?: UtcOffsetMinutes;
}

/** A lead waiting for its next follow-up. */
export interface FollowUpDue {
  readonly leadId: string;
  /** When it fell or falls due: for an agreed day, the start of that day in the calendar. */
  readonly dueAt: number;
  readonly overdue: boolean;
}

/** One owner's work list: overdue first, then due, each by due time. */
export interface OwnerFollowUps {
  readonly ownerId: string;
  readonly department: string;
  readonly due: number;
  readonly overdue: number;
  /** The most urgent leads, at most `maxLeadsPerOwner` of the `due + overdue`. */
  readonly leads: readonly FollowUpDue[];
}

export interface FollowUpsDueReport {
  readonly due: number;
  readonly overdue: number;
  readonly owners: readonly OwnerFollowUps[];
}

const HOUR = 3_600_000;
const DAY = 86_400_000;
const MINUTE = 60_000;

/**
 * When a lead's next follow-up falls due and the last moment it is still on time (epoch
 * ms). An agreed day D is due during the whole of D and overdue once D is over, both in
 * the calendar of `offsetMinutes`: due from D 00:00, on time until the last millisecond
 * before D+1 00:00. The other deadlines are moments (the grade's cadence after the last
 * follow-up, 24 h after acquisition for a first contact): due then, late just after.
 */
export const followUpDeadline = (
  row: LeadSummary,
  offsetMinutes: UtcOffsetMinutes = 0,
): { readonly dueAt: number; readonly onTimeUntil: number } => {
  // The row keeps the agreed day as text: `nextFollowUpDueAt` reads it at 00:00 UTC, which
  // is 08:00 of that day in +08; only the view knows the calendar.
  if (row.agreedNextFollowUpOn !== null && row.lastFollowUpAt !== null) {
    const dayStart = Date.parse(`${row.agreedNextFollowUpOn}T00:00:00Z`) - offsetMinutes * MINUTE;
    return { dueAt: dayStart, onTimeUntil: dayStart + DAY - 1 };
  }
  return { dueAt: row.nextFollowUpDueAt, onTimeUntil: row.nextFollowUpDueAt };
};

/**
 * Whether a lead's next follow-up is `overdue` at `now`, `due` before `horizon`, or
 * neither (`undefined`): so for a lead that no longer awaits follow-ups.
 */
export const followUpStanding = (
  row: LeadSummary,
  now: number,
  horizon: number,
  offsetMinutes: UtcOffsetMinutes = 0,
): { readonly dueAt: number; readonly overdue: boolean } | undefined => {
  if (!awaitsFollowUp(row)) return undefined;
  const { dueAt, onTimeUntil } = followUpDeadline(row, offsetMinutes);
  if (dueAt >= horizon) return undefined;
  return { dueAt, overdue: now > onTimeUntil };
};

/**
 * Due and overdue follow-ups per owner (docs/domain.md §5, docs/metrics.md §3.5): every lead
 * neither converted nor purged, of `ownerId` if given, whose next follow-up (agreed day,
 * else the grade's cadence, else 24 h after acquisition for a lead never contacted) is
 * over (overdue) or falls due before the horizon (due). The totals count exactly the
 * leads the owners' lists count.
 */
export const followUpsDue = (
  rows: Iterable<LeadSummary>,
  query: FollowUpsDueQuery,
): FollowUpsDueReport => {
  const { now, ownerId } = query;
  const horizon = now + (query.horizonHours ?? 24) * HOUR;
  const offset = query.utcOffsetMinutes ?? 0;
  const owners = new Map<
    string,
    { ownerId: string; department: string; due: number; overdue: number; leads: FollowUpDue[] }
  >();
  let due = 0;
  let overdue = 0;
  const list = rowArray(rows);
  for (let i = 0; i < list.length; i++) {
    const row = list[i] as LeadSummary;
    if (ownerId !== undefined && row.ownerId !== ownerId) continue;
    const standing = followUpStanding(row, now, horizon, offset);
    if (standing === undefined || !canSee(query.viewer, row)) continue;
    const late = standing.overdue;
    const key = `${row.department}\u001f${row.ownerId}`;
    let owner = owners.get(key);
    if (owner === undefined) {
      owner = { ownerId: row.ownerId, department: row.department, due: 0, overdue: 0, leads: [] };
      owners.set(key, owner);
    }
    if (late) {
      overdue++;
      owner.overdue++;
    } else {
      due++;
      owner.due++;
    }
    owner.leads.push({ leadId: row.leadId, dueAt: standing.dueAt, overdue: late });
  }
  return {
    due,
    overdue,
    owners: [...owners.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, owner]) => {
        // Overdue first: an agreed day still running may have fallen due before a
        // deadline that is already past.
        owner.leads.sort(
          (a, b) =>
            Number(b.overdue) - Number(a.overdue) ||
            a.dueAt - b.dueAt ||
            (a.leadId < b.leadId ? -1 : 1),
        );
        if (query.maxLeadsPerOwner !== undefined && owner.leads.length > query.maxLeadsPerOwner) {
          owner.leads.length = Math.max(0, query.maxLeadsPerOwner);
        }
        return owner;
      }),
  };
};

/** Whether a lead still waits for follow-ups: neither converted nor purged. */
export const awaitsFollowUp = (row: LeadSummary): boolean =>
  row.convertedAt === null && row.purgedAt === null;

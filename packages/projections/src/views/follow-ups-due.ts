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
}

/** A lead waiting for its next follow-up. */
export interface FollowUpDue {
  readonly leadId: string;
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

/**
 * Due and overdue follow-ups per owner (DOMAIN.md §5): every lead neither converted nor
 * purged whose next follow-up (agreed day, else the grade's cadence, else 24 h after
 * acquisition for a lead never contacted) is before `now` (overdue) or within the horizon
 * (due).
 */
export const followUpsDue = (
  rows: Iterable<LeadSummary>,
  query: FollowUpsDueQuery,
): FollowUpsDueReport => {
  const { now } = query;
  const horizon = now + (query.horizonHours ?? 24) * HOUR;
  const owners = new Map<
    string,
    { ownerId: string; department: string; due: number; overdue: number; leads: FollowUpDue[] }
  >();
  let due = 0;
  let overdue = 0;
  const list = rowArray(rows);
  for (let i = 0; i < list.length; i++) {
    const row = list[i] as LeadSummary;
    const dueAt = row.nextFollowUpDueAt;
    if (dueAt >= horizon || !awaitsFollowUp(row) || !canSee(query.viewer, row)) continue;
    const late = dueAt < now;
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
    owner.leads.push({ leadId: row.leadId, dueAt, overdue: late });
  }
  return {
    due,
    overdue,
    owners: [...owners.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, owner]) => {
        owner.leads.sort((a, b) => a.dueAt - b.dueAt || (a.leadId < b.leadId ? -1 : 1));
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

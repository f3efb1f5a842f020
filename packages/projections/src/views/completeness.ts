import { isActive, type LeadSummary } from "../lead-summary.js";
import { type Ratio, Tally } from "../ratio.js";
import { canSee, type Viewer } from "../viewer.js";
import { rowArray } from "./row-array.js";

/** For whom the completeness of entries is counted. */
export interface CompletenessQuery {
  /** Whose leads count: a rep's own, a head's department's, an executive's all. */
  readonly viewer: Viewer;
}

/** How many leads of a group have one field still to be confirmed. */
export interface OpenFieldCount {
  /** The field's dotted name, such as `contact.fax` or `needs.site.area`. */
  readonly field: string;
  /** Active leads of the group that have the field open. */
  readonly leads: number;
}

/** The completeness of one group of leads (docs/metrics.md, "Completeness"). */
export interface CompletenessFigures {
  /** Active leads of the group the viewer can see. */
  readonly leads: number;
  /**
   * Leads with at least one field to be confirmed, over the leads whose list is known
   * (`leads − notKnown`).
   */
  readonly withOpenFields: Ratio;
  /** Leads captured before the ledger kept the list (issue 14): whether they are complete is not known. */
  readonly notKnown: number;
  /** Per field, the leads that have it open: most often open first, then by name. */
  readonly fields: readonly OpenFieldCount[];
}

/** The completeness of one owner's leads. */
export interface OwnerCompleteness extends CompletenessFigures {
  /** The rep (or head) who owns the leads now. */
  readonly ownerId: string;
  /** The owner's department on the leads. */
  readonly department: string;
}

/** The completeness of one department's leads. */
export interface DepartmentCompleteness extends CompletenessFigures {
  /** The department whose leads these are. */
  readonly department: string;
}

/** The completeness view: in all, per department, per owner (each sorted by its key). */
export interface CompletenessReport {
  /** Every lead the viewer can see. */
  readonly total: CompletenessFigures;
  /** One entry per department with leads in scope, by department. */
  readonly departments: readonly DepartmentCompleteness[];
  /** One entry per owner with leads in scope, by department and then owner. */
  readonly owners: readonly OwnerCompleteness[];
}

/** Figures of one group while they are counted. */
class Counting {
  leads = 0;
  notKnown = 0;
  readonly open = new Tally();
  readonly fields = new Map<string, number>();

  count(row: LeadSummary): void {
    this.leads++;
    const list = row.toBeConfirmed;
    if (list === null) {
      this.notKnown++;
      return;
    }
    this.open.count(list.length > 0);
    for (const field of list) this.fields.set(field, (this.fields.get(field) ?? 0) + 1);
  }

  figures(): CompletenessFigures {
    return {
      leads: this.leads,
      withOpenFields: this.open.toRatio(),
      notKnown: this.notKnown,
      fields: [...this.fields]
        .map(([field, leads]) => ({ field, leads }))
        .sort((a, b) => b.leads - a.leads || (a.field < b.field ? -1 : a.field > b.field ? 1 : 0)),
    };
  }
}

const byKey = <T>(entries: Iterable<[string, T]>): [string, T][] =>
  [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/**
 * Completeness of entries (錄入的及時性和準確性, 招商客戶資源管理辦法 §8): of the active leads
 * the viewer can see, how many still have capture fields to be confirmed (待确认), and
 * which fields, in all, per department and per owner. A department head reads it to check
 * the entry quality of the department's reps (docs/metrics.md, "Completeness").
 */
export const completeness = (
  rows: Iterable<LeadSummary>,
  query: CompletenessQuery,
): CompletenessReport => {
  const total = new Counting();
  const departments = new Map<string, Counting>();
  const owners = new Map<string, { ownerId: string; department: string; counting: Counting }>();
  const list = rowArray(rows);
  for (let i = 0; i < list.length; i++) {
    const row = list[i] as LeadSummary;
    if (!isActive(row) || !canSee(query.viewer, row)) continue;
    total.count(row);
    let department = departments.get(row.department);
    if (department === undefined) {
      department = new Counting();
      departments.set(row.department, department);
    }
    department.count(row);
    // An id is unique within its department only as far as views go: both name the owner.
    const key = `${row.department}\u0000${row.ownerId}`;
    let owner = owners.get(key);
    if (owner === undefined) {
      owner = { ownerId: row.ownerId, department: row.department, counting: new Counting() };
      owners.set(key, owner);
    }
    owner.counting.count(row);
  }
  return {
    total: total.figures(),
    departments: byKey(departments).map(([department, counting]) => ({
      department,
      ...counting.figures(),
    })),
    owners: byKey(owners).map(([, { ownerId, department, counting }]) => ({
      ownerId,
      department,
      ...counting.figures(),
    })),
  };
};

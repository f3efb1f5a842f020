import type { LeadSummary, Viewer } from "@leadledger/projections";

/** The rows of one read-model array grouped by owner and by department, in its order. */
export interface RowGroups {
  readonly byOwner: ReadonlyMap<string, readonly LeadSummary[]>;
  readonly byDepartment: ReadonlyMap<string, readonly LeadSummary[]>;
}

const NONE: readonly LeadSummary[] = Object.freeze([]);

// The read model hands out the same array until its rows change (the projection runner
// keeps it), so groups built once per array serve every request until the next write, and
// a write's new array gets its own. Building them is one pass over the rows (3-4 ms for
// 100,000, paid by the first list or search after a write); no sort, since a page is picked
// from a group as from all rows, with a bounded heap.
const groupsOfArray = new WeakMap<readonly LeadSummary[], RowGroups>();
// Rows by lead id cost several times more to build (20-27 ms for 100,000 ids not hashed
// before, in a micro-benchmark), and only a search with fewer candidates than rows to walk
// needs them: built on its first call after a write.
const byLeadOfArray = new WeakMap<readonly LeadSummary[], ReadonlyMap<string, LeadSummary>>();

/** The rows by lead id: built on the first call for an array, then kept with it. */
export const rowsByLeadOf = (rows: readonly LeadSummary[]): ReadonlyMap<string, LeadSummary> => {
  const kept = byLeadOfArray.get(rows);
  if (kept !== undefined) return kept;
  const byLead = new Map<string, LeadSummary>();
  for (const row of rows) byLead.set(row.leadId, row);
  byLeadOfArray.set(rows, byLead);
  return byLead;
};

/** The groups of these rows: built on the first call for an array, then kept with it. */
export const rowGroupsOf = (rows: readonly LeadSummary[]): RowGroups => {
  const kept = groupsOfArray.get(rows);
  if (kept !== undefined) return kept;
  const byOwner = new Map<string, LeadSummary[]>();
  const byDepartment = new Map<string, LeadSummary[]>();
  for (const row of rows) {
    const owned = byOwner.get(row.ownerId);
    if (owned === undefined) byOwner.set(row.ownerId, [row]);
    else owned.push(row);
    const departmental = byDepartment.get(row.department);
    if (departmental === undefined) byDepartment.set(row.department, [row]);
    else departmental.push(row);
  }
  const groups: RowGroups = { byOwner, byDepartment };
  groupsOfArray.set(rows, groups);
  return groups;
};

/** The list's filters that narrow the rows to walk. */
export interface RowFilters {
  readonly owner?: string | undefined;
  readonly department?: string | undefined;
}

/**
 * The rows a viewer's list has to walk: every row the viewer may see and the filters keep,
 * and usually others, in the array's order. A rep's own rows, a head's department's, the
 * filtered owner's or department's: the caller still applies the scope and the filters to
 * each row; this only spares it the rows that cannot pass them.
 */
export const rowsToWalk = (
  rows: readonly LeadSummary[],
  viewer: Viewer,
  filters: RowFilters,
): readonly LeadSummary[] => {
  const groups = rowGroupsOf(rows);
  const choices: (readonly LeadSummary[])[] = [rows];
  if (viewer.role === "rep") choices.push(groups.byOwner.get(viewer.id) ?? NONE);
  if (viewer.role === "head") choices.push(groups.byDepartment.get(viewer.department) ?? NONE);
  if (filters.owner !== undefined) choices.push(groups.byOwner.get(filters.owner) ?? NONE);
  if (filters.department !== undefined) {
    choices.push(groups.byDepartment.get(filters.department) ?? NONE);
  }
  return choices.reduce((smallest, next) => (next.length < smallest.length ? next : smallest));
};

// The rows of a candidate set, kept with the rows' array and the set: a store that keeps its
// posting lists hands out the same set until the index changes (projections' worklist), so
// the next search for the same term looks no lead id up again until either changes.
const rowsOfCandidateSets = new WeakMap<
  readonly LeadSummary[],
  WeakMap<ReadonlySet<string>, readonly LeadSummary[]>
>();

const rowsOfCandidates = (
  rows: readonly LeadSummary[],
  candidates: ReadonlySet<string>,
): readonly LeadSummary[] => {
  let ofSets = rowsOfCandidateSets.get(rows);
  if (ofSets === undefined) {
    ofSets = new WeakMap();
    rowsOfCandidateSets.set(rows, ofSets);
  }
  const known = ofSets.get(candidates);
  if (known !== undefined) return known;
  const byLead = rowsByLeadOf(rows);
  const found: LeadSummary[] = [];
  for (const leadId of candidates) {
    const row = byLead.get(leadId);
    if (row !== undefined) found.push(row);
  }
  ofSets.set(candidates, found);
  return found;
};

/**
 * The rows of a search's candidates that `matches` keeps, walking whichever is shorter:
 * the candidates (each looked up by lead id) or the rows to walk (each looked up among the
 * candidates). A candidate with no row yet (not projected) is not one.
 */
export const candidateRows = (
  rows: readonly LeadSummary[],
  walk: readonly LeadSummary[],
  candidates: ReadonlySet<string>,
  matches: (row: LeadSummary) => boolean,
): LeadSummary[] => {
  if (candidates.size === 0) return [];
  if (candidates.size < walk.length) return rowsOfCandidates(rows, candidates).filter(matches);
  const found: LeadSummary[] = [];
  for (const row of walk) if (candidates.has(row.leadId) && matches(row)) found.push(row);
  return found;
};

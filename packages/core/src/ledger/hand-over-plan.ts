import type { LeadId, Owner } from "../lead/values.js";

/** One lead of a hand-over and the target it goes to: an index into the hand-over's `to`. */
export interface PlannedAssignment {
  readonly leadId: LeadId;
  readonly target: number;
}

/**
 * Which lead goes to which target (docs/organisation.md, "Hand-over"): the leads in the
 * order of their ids, dealt round robin over the targets in the order given. Each lead is
 * planned once (a lead listed twice counts once), every target gets as many leads as any
 * other or one fewer, and the same leads and targets always give the same plan, whatever
 * order the leads were listed in: the read model lists them in its own order, and a second
 * server must not plan otherwise.
 */
export const planHandOver = (
  leadIds: readonly LeadId[],
  to: readonly Owner[],
): readonly PlannedAssignment[] => {
  if (to.length === 0) throw new RangeError("a hand-over needs at least one target");
  // Code-unit order, not the locale's: the plan must not depend on where it is made.
  const ordered = [...new Set(leadIds)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return ordered.map((leadId, index) => ({ leadId, target: index % to.length }));
};

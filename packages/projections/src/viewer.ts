import type { LeadSummary } from "./lead-summary.js";

/**
 * Who reads a view. Structurally the core's `Actor` (`packages/core/src/access/actor.ts`),
 * widened to plain strings so that a view can be asked for by any caller.
 */
export interface Viewer {
  readonly id: string;
  readonly role: "rep" | "head" | "executive";
  readonly department: string;
}

/**
 * Whether a viewer may see a lead (docs/domain.md §7): a rep the leads they own, a head the
 * department's, an executive all. Same rule as the core's `canReach`.
 */
export const canSee = (viewer: Viewer, row: LeadSummary): boolean => {
  switch (viewer.role) {
    case "executive":
      return true;
    case "head":
      return viewer.department === row.department;
    case "rep":
      return viewer.id === row.ownerId && viewer.department === row.department;
  }
};

import { canReach, type Reacher } from "@leadledger/core";
import type { LeadSummary } from "./lead-summary.js";

/**
 * Who reads a view. Structurally the core's `Actor` (`packages/core/src/access/actor.ts`),
 * widened to plain strings so that a view can be asked for by any caller.
 */
export interface Viewer extends Reacher {
  readonly id: string;
  readonly role: "rep" | "head" | "executive";
  readonly department: string;
}

/**
 * Whether a viewer may see a lead (docs/domain.md §7): a rep the leads they own, a head the
 * department's, an executive all. The core's `canReach`, applied to the row's owner: one
 * rule for the ledger and its views.
 */
export const canSee = (viewer: Viewer, row: LeadSummary): boolean =>
  canReach(viewer, { repId: row.ownerId, department: row.department });

import type { ActorRecord, Owner } from "../lead/values.js";

/**
 * Who is asking (docs/domain.md §7): a rep sees and changes only the leads they own, a
 * department head the whole department, an executive everything.
 */
export type Actor = ActorRecord;

/** Whether an actor may see and act on a lead with this owner. */
export const canReach = (actor: Actor, owner: Owner): boolean => {
  switch (actor.role) {
    case "executive":
      return true;
    case "head":
      return actor.department === owner.department;
    case "rep":
      return actor.id === owner.repId && actor.department === owner.department;
  }
};

/** Whether the actor is a manager (a department head or an executive): rule 7's gate. */
export const isManager = (actor: Actor): boolean =>
  actor.role === "head" || actor.role === "executive";

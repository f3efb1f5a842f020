import type * as t from "io-ts";
import type { ActorRecord, Role } from "../lead/values.js";

/**
 * Who is asking (docs/domain.md §7): a rep sees and changes only the leads they own, a
 * department head the whole department, an executive everything.
 */
export type Actor = ActorRecord;

/**
 * An actor as a caller writes it: an {@link Actor} with plain strings, which the ledger
 * decodes (and checks) at its door.
 */
export type ActorInput = Readonly<t.OutputOf<typeof ActorRecord>>;

/**
 * Whoever a scope is decided for: an {@link Actor}, or anything of its shape with plain
 * strings (the projections' viewer, an embedder's user), so that every package applies the
 * one rule of {@link canReach} rather than a copy of it.
 */
export interface Reacher {
  readonly id: string;
  readonly role: Role;
  readonly department: string;
}

/** Whose a lead is, as far as scope goes: a lead's `Owner`, or a read model's row of it. */
export interface OwnedBy {
  readonly repId: string;
  readonly department: string;
}

/** The one scope rule: whether an actor may see and act on a lead with this owner. */
export const canReach = (actor: Reacher, owner: OwnedBy): boolean => {
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

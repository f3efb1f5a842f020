import type { Either } from "fp-ts/lib/Either.js";
import type { Owner } from "../lead/values.js";
import type { StoreUnavailable } from "../store/event-store.js";
import type { DirectoryState, Person } from "./directory-state.js";

/**
 * Whether an owner a command names may own leads: `ok`, or why not. `owner.unknown` covers
 * a person who does not exist, who is not of the named department, or whose role owns no
 * leads (an executive): an owner is a person in a department, and there is no such owner.
 */
export type OwnerStanding = "ok" | "owner.unknown" | "owner.inactive";

/**
 * The port through which the ledger learns who may own leads (docs/organisation.md). Core
 * implements it over its own `organisation` stream ({@link createOrganisation}) and from a
 * fixed list ({@link staticDirectory}); an embedder may plug in its own HR directory.
 */
export interface Directory {
  /** The person as of `at` (epoch milliseconds; now when omitted), or `undefined`. */
  findPerson(personId: string, at?: number): Promise<Either<StoreUnavailable, Person | undefined>>;
  /** Whether `owner` may own leads at `at` (epoch milliseconds). */
  canOwnLeads(owner: Owner, at: number): Promise<Either<StoreUnavailable, OwnerStanding>>;
}

/**
 * The rule of docs/domain.md §8: reps and heads own leads of their own department while
 * they are active; executives own none.
 */
export const ownerStandingIn = (directory: DirectoryState, owner: Owner): OwnerStanding => {
  const person = directory.get(owner.repId);
  if (person === undefined || person.department !== owner.department) return "owner.unknown";
  if (person.role === "executive") return "owner.unknown";
  return person.active ? "ok" : "owner.inactive";
};

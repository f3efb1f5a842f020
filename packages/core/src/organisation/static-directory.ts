import * as E from "fp-ts/lib/Either.js";
import type { Directory } from "./directory.js";
import { ownerStandingIn } from "./directory.js";
import type { Person } from "./directory-state.js";

/**
 * A directory from a fixed list of people, for an embedder whose HR system is the source of
 * truth: it builds the list from there (and a new directory when the list changes). It has
 * no history: every question is answered from the list as given, whatever the moment asked.
 */
export const staticDirectory = (people: readonly Person[]): Directory => {
  const byId = new Map(people.map((person) => [person.personId as string, person]));
  if (byId.size !== people.length) throw new RangeError("a person is listed twice");
  return {
    findPerson: async (personId) => E.right(byId.get(personId)),
    canOwnLeads: async (owner) => E.right(ownerStandingIn(byId, owner)),
  };
};

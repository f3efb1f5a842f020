import {
  type Actor,
  type Instant,
  NonEmptyString,
  type Organisation,
  type OrganisationError,
} from "@leadledger/core";
import * as E from "fp-ts/lib/Either.js";

/** Someone the server's organisation must know: who they are and the name colleagues use. */
export interface FoundingPerson {
  readonly actor: Actor;
  /** A work name, such as colleagues use (docs/privacy.md). */
  readonly displayName: string;
}

/**
 * The people the organisation must know on start: every token holder, under the display name
 * the built-in organisation gives them (the demo's or the single admin's), else under the
 * token's own name. A data directory made before the organisation existed holds tokens but
 * no `organisation` stream: its holders join, so that the owners of its leads stay valid.
 */
export const foundingPeople = (
  tokens: readonly { readonly name: string; readonly actor: Actor }[],
  builtIn: readonly { readonly displayName: string; readonly actor: Actor }[],
): FoundingPerson[] => {
  const byId = new Map<string, FoundingPerson>();
  for (const token of tokens) {
    // One person may hold several tokens: the first names them.
    if (byId.has(token.actor.id)) continue;
    const known = builtIn.find(
      (person) =>
        person.actor.id === token.actor.id &&
        person.actor.role === token.actor.role &&
        person.actor.department === token.actor.department,
    );
    byId.set(token.actor.id, {
      actor: token.actor,
      displayName: known?.displayName ?? token.name,
    });
  }
  return [...byId.values()];
};

/**
 * Joins each person the organisation has never known, as of `at`; a person it knows (active,
 * moved or left) is left as the organisation says. Safe to run on every start and from two
 * processes at once: a person another process has just joined is `person.already-active`,
 * which counts as done. Answers how many joined on this call.
 */
export const joinUnknownPeople = async (
  organisation: Organisation,
  people: readonly FoundingPerson[],
  at: Instant,
): Promise<E.Either<OrganisationError, number>> => {
  let joined = 0;
  for (const person of people) {
    const found = await organisation.findPerson(person.actor.id);
    if (E.isLeft(found)) return found;
    if (found.right !== undefined) continue;
    const displayName = NonEmptyString.decode(person.displayName);
    // A token's name is free text an operator typed: one that is blank or too long is the
    // person's id instead, so that a valid holder is never left out of the organisation.
    const name = E.isRight(displayName)
      ? displayName.right
      : (person.actor.id as string as NonEmptyString);
    const recorded = await organisation.join({
      personId: person.actor.id,
      displayName: name,
      role: person.actor.role,
      department: person.actor.department,
      at,
    });
    if (E.isRight(recorded)) joined++;
    else if (recorded.left.code !== "person.already-active") return recorded;
  }
  return E.right(joined);
};

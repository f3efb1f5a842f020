import { ActorRecord, type Directory } from "@leadledger/core";
import * as E from "fp-ts/lib/Either.js";
import type { CurrentActorOf } from "./stored-token-authentication.js";

/**
 * Who a person is now, by the organisation's directory: the actor of their current role and
 * department, `"left"` once they left, `undefined` when the directory does not know them.
 */
export const currentActorFromDirectory =
  (directory: Directory, clock: () => number = Date.now): CurrentActorOf =>
  async (personId) => {
    const found = await directory.findPerson(personId, clock());
    if (E.isLeft(found)) return found;
    const person = found.right;
    if (person === undefined) return E.right(undefined);
    if (!person.active) return E.right("left");
    const actor = ActorRecord.decode({
      id: person.personId,
      role: person.role,
      department: person.department,
    });
    // A directory's people are decoded identifiers: one that is no actor is a bug there.
    if (E.isLeft(actor)) throw new Error(`the directory's ${personId} is no valid actor`);
    return E.right(actor.right);
  };

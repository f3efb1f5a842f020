import { Identifier, Instant, NonEmptyString, type Person, Role } from "@leadledger/core";
import * as t from "io-ts";
import { InstantText } from "./representation-codecs.js";

// What the people routes read and answer (docs/organisation.md, "Over HTTP"): bodies and
// queries decoded with the core's own codecs, answers copied field by field so that each
// holds exactly what its schema names.

/** One person as the organisation knows them at a moment. */
export const PersonAnswer = t.type({
  personId: t.string,
  displayName: t.string,
  role: Role,
  department: t.string,
  active: t.boolean,
});
export type PersonAnswer = t.TypeOf<typeof PersonAnswer>;

export const personRepresentation = (person: Person): PersonAnswer => ({
  personId: person.personId,
  displayName: person.displayName,
  role: person.role,
  department: person.department,
  active: person.active,
});

/** `GET /people`: the people in the caller's scope as of `asOf`. */
export const PeopleAnswer = t.type({
  asOf: InstantText,
  people: t.readonlyArray(PersonAnswer),
});
export type PeopleAnswer = t.TypeOf<typeof PeopleAnswer>;

/** `GET /people`. */
export const PeopleQuery = t.partial({
  department: Identifier,
  role: Role,
  active: t.keyof({ true: null, false: null }),
});

/** `POST /people`: a person joins. */
export const JoinBody = t.intersection([
  t.type({ personId: Identifier, displayName: NonEmptyString, role: Role, department: Identifier }),
  t.partial({ at: Instant }),
]);

/** `POST /people/{personId}/departure`: the person leaves. */
export const DepartureBody = t.partial({ at: Instant });

/** `POST /people/{personId}/move`: the person moves to another department. */
export const MoveBody = t.intersection([
  t.type({ department: Identifier }),
  t.partial({ at: Instant }),
]);

/** The person's id in a route's path. */
export const PersonIdParams = t.type({ personId: Identifier });

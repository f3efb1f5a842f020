import * as t from "io-ts";
import { Identifier, Instant, NonEmptyString, Role } from "../lead/values.js";

// The organisation's vocabulary (docs/organisation.md): who works where, in which role, and
// since when. Each event carries the moment it takes effect (`at`), so that the directory can
// answer as of any moment; the store's order is the order of recording, not of effect.

/** A person joins the organisation in a role and a department. */
export const PersonJoined = t.strict(
  {
    type: t.literal("PersonJoined"),
    data: t.strict({
      personId: Identifier,
      /** A work name, such as colleagues use: personal data of an employee (docs/privacy.md). */
      displayName: NonEmptyString,
      role: Role,
      department: Identifier,
      at: Instant,
    }),
  },
  "PersonJoined",
);

/** A person leaves: from `at` on, they own no new leads. */
export const PersonLeft = t.strict(
  { type: t.literal("PersonLeft"), data: t.strict({ personId: Identifier, at: Instant }) },
  "PersonLeft",
);

/** A person moves to another department (their role is kept). */
export const PersonMoved = t.strict(
  {
    type: t.literal("PersonMoved"),
    data: t.strict({ personId: Identifier, department: Identifier, at: Instant }),
  },
  "PersonMoved",
);

/** Every event of the `organisation` stream. */
export const OrganisationEvent = t.union(
  [PersonJoined, PersonLeft, PersonMoved],
  "OrganisationEvent",
);
export type OrganisationEvent = t.TypeOf<typeof OrganisationEvent>;

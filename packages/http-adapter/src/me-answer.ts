import * as t from "io-ts";

const orNull = <C extends t.Mixed>(codec: C) => t.union([codec, t.null]);

/** `GET /me`: who the caller is and, in docs/domain.md §7's words, what it may see and do. */
export const MeAnswer = t.type(
  {
    id: t.string,
    role: t.keyof({ rep: null, head: null, executive: null }),
    department: t.string,
    /** From the organisation, when the plugin has one and knows the caller. */
    displayName: orNull(t.string),
    active: orNull(t.boolean),
    scope: t.type({
      leads: t.keyof({ own: null, department: null, all: null }),
      description: t.string,
    }),
    may: t.type({
      purgeLeads: t.boolean,
      moveLeadsAcrossDepartments: t.boolean,
      handOverLeads: t.boolean,
      /** Add people and move them between departments (`/people`). */
      managePeople: t.boolean,
      /** Record that a person left: an executive anyone, a head their department's. */
      recordDepartures: t.boolean,
      manageTokens: t.boolean,
    }),
  },
  "Me",
);
export type MeAnswer = t.TypeOf<typeof MeAnswer>;

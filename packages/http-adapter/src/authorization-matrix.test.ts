import type { Identifier, Instant, NonEmptyString, Organisation } from "@leadledger/core";
import * as E from "fp-ts/lib/Either.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testOrganisation } from "./people-routes.test-fixture.js";
import {
  ACTORS,
  type ActorName,
  as,
  NOW,
  type TestApp,
  testApp,
  uniqueCaptureBody,
} from "./test-app.test-fixture.js";
import { inMemoryTokenAdministration } from "./token-routes.test-fixture.js";

// Role × action × whose lead, every cell spelled out: docs/domain.md §7 (a rep sees and changes
// only own leads, a head the department's, an executive all; a lead out of reach does not
// exist for the caller: 404) and rule 7 (purge and cross-department moves need a manager).

type Role = "rep" | "head" | "executive";
type Relation = "owned" | "same department" | "other department";
type Owner = { repId: string; department: string };

const ACTOR_OF: Record<Role, ActorName> = { rep: "rep", head: "head", executive: "executive" };

/** Whose lead each relation means, for each role. */
const OWNERS: Record<Role, Record<Relation, Owner>> = {
  rep: {
    owned: { repId: "rep-1", department: "east" },
    "same department": { repId: "rep-2", department: "east" },
    "other department": { repId: "rep-9", department: "south" },
  },
  head: {
    owned: { repId: "head-east", department: "east" },
    "same department": { repId: "rep-1", department: "east" },
    "other department": { repId: "rep-9", department: "south" },
  },
  executive: {
    owned: { repId: "exec-1", department: "hq" },
    "same department": { repId: "rep-hq", department: "hq" },
    "other department": { repId: "rep-1", department: "east" },
  },
};

type Action =
  | "capture"
  | "record contact"
  | "record visit"
  | "grade"
  | "convert"
  | "assign within department"
  | "assign to another department"
  | "amend"
  | "flag for purge"
  | "clear purge flag"
  | "purge"
  | "hand over"
  | "read lead"
  | "read history"
  | "list leads"
  | "pipeline view"
  | "completeness view";

/** Expected status per [role][relation]: owned, same department, other department. */
const MATRIX: Record<Action, Record<Role, readonly [number, number, number]>> = {
  capture: { rep: [201, 403, 403], head: [201, 201, 403], executive: [201, 201, 201] },
  "record contact": { rep: [200, 404, 404], head: [200, 200, 404], executive: [200, 200, 200] },
  "record visit": { rep: [200, 404, 404], head: [200, 200, 404], executive: [200, 200, 200] },
  grade: { rep: [200, 404, 404], head: [200, 200, 404], executive: [200, 200, 200] },
  convert: { rep: [200, 404, 404], head: [200, 200, 404], executive: [200, 200, 200] },
  "assign within department": {
    rep: [200, 404, 404],
    head: [200, 200, 404],
    executive: [200, 200, 200],
  },
  "assign to another department": {
    rep: [403, 404, 404],
    head: [200, 200, 404],
    executive: [200, 200, 200],
  },
  amend: { rep: [200, 404, 404], head: [200, 200, 404], executive: [200, 200, 200] },
  "flag for purge": { rep: [200, 404, 404], head: [200, 200, 404], executive: [200, 200, 200] },
  "clear purge flag": { rep: [200, 404, 404], head: [200, 200, 404], executive: [200, 200, 200] },
  purge: { rep: [403, 404, 404], head: [200, 200, 404], executive: [200, 200, 200] },
  // All of the owner's leads to another rep of the owner's department (docs/organisation.md).
  "hand over": { rep: [403, 403, 403], head: [200, 200, 403], executive: [200, 200, 200] },
  "read lead": { rep: [200, 404, 404], head: [200, 200, 404], executive: [200, 200, 200] },
  "read history": { rep: [200, 404, 404], head: [200, 200, 404], executive: [200, 200, 200] },
  // For the list and the view, 200 means "the lead is in the answer", 404 "it is not".
  "list leads": { rep: [200, 404, 404], head: [200, 200, 404], executive: [200, 200, 200] },
  "pipeline view": { rep: [200, 404, 404], head: [200, 200, 404], executive: [200, 200, 200] },
  "completeness view": {
    rep: [200, 404, 404],
    head: [200, 200, 404],
    executive: [200, 200, 200],
  },
};

const RELATIONS: readonly Relation[] = ["owned", "same department", "other department"];

let t: TestApp;
beforeAll(async () => {
  t = await testApp({ tokenAdministration: inMemoryTokenAdministration() });
});
afterAll(async () => {
  await t.close();
});

let keys = 0;
const key = () => `matrix-${keys++}`;

/** A lead of `owner`, captured by the executive, flagged first when the action needs it. */
const leadOf = async (
  owner: Owner,
  flagged: boolean,
): Promise<{ leadId: string; position: string }> => {
  const created = await t.app.inject({
    method: "POST",
    url: "/leads",
    headers: as("executive"),
    payload: uniqueCaptureBody(owner),
  });
  expect(created.statusCode).toBe(201);
  const leadId: string = created.json().leadId;
  let position: string = created.json().position;
  if (flagged) {
    const flag = await t.app.inject({
      method: "POST",
      url: `/leads/${leadId}/purge-flag`,
      headers: { ...as("executive"), "idempotency-key": key() },
      payload: { reason: "no-intent-long-silence", occurredAt: "2026-11-19T00:00:00Z" },
    });
    expect(flag.statusCode).toBe(200);
    position = flag.json().position;
  }
  return { leadId, position };
};

/** Does the action as `actor` on a lead of `owner`; the status (or presence, for reads of many). */
const perform = async (action: Action, actor: ActorName, owner: Owner): Promise<number> => {
  const headers = { ...as(actor), "idempotency-key": key() };
  if (action === "capture") {
    const response = await t.app.inject({
      method: "POST",
      url: "/leads",
      headers,
      payload: uniqueCaptureBody(owner),
    });
    return response.statusCode;
  }
  const { leadId, position } = await leadOf(
    owner,
    action === "clear purge flag" || action === "purge",
  );
  const command = async (method: "POST" | "DELETE", path: string, payload: object) =>
    (await t.app.inject({ method, url: `/leads/${leadId}${path}`, headers, payload })).statusCode;
  const otherRep = owner.repId === "rep-other" ? "rep-another" : "rep-other";
  switch (action) {
    case "record contact":
      return command("POST", "/contacts", {
        method: "phone",
        direction: "outbound",
        topics: ["fees"],
        intent: "preliminary",
        outcome: "reached",
      });
    case "record visit":
      return command("POST", "/visits", { kind: "inspection", intent: "stated" });
    case "grade":
      return command("POST", "/grades", {
        by: "manual",
        grade: "medium",
        reason: "asked for fees",
      });
    case "convert": {
      // A conversion needs a follow-up before it: the executive records one first.
      const contact = await t.app.inject({
        method: "POST",
        url: `/leads/${leadId}/contacts`,
        headers: { ...as("executive"), "idempotency-key": key() },
        payload: {
          method: "phone",
          direction: "outbound",
          topics: [],
          intent: "stated",
          outcome: "reached",
        },
      });
      expect(contact.statusCode).toBe(200);
      return command("POST", "/conversion", {
        contractRef: "HT-M",
        dealValue: { amount: 10, currency: "CNY" },
      });
    }
    case "assign within department":
      return command("POST", "/assignment", {
        to: { repId: otherRep, department: owner.department },
      });
    case "assign to another department":
      return command("POST", "/assignment", {
        to: { repId: "rep-x", department: owner.department === "west" ? "north" : "west" },
      });
    case "amend":
      return command("POST", "/amendments", { reason: "fax known", contact: { fax: "+86 571 2" } });
    case "flag for purge":
      return command("POST", "/purge-flag", { reason: "duplicate" });
    case "clear purge flag":
      return command("DELETE", "/purge-flag", { note: "still interested" });
    case "purge":
      return command("POST", "/purge", { recheckNote: "number no longer in service" });
    case "hand over": {
      const response = await t.app.inject({
        method: "POST",
        url: `/people/${owner.repId}/hand-over?minPosition=${position}`,
        headers,
        payload: { to: [otherRep], department: owner.department },
      });
      if (response.statusCode === 200) {
        const rows: { leadId: string; outcome: string }[] = response.json().leads;
        expect(rows).toContainEqual(expect.objectContaining({ leadId, outcome: "moved" }));
      }
      return response.statusCode;
    }
    case "read lead":
      return (await t.app.inject({ url: `/leads/${leadId}`, headers: as(actor) })).statusCode;
    case "read history":
      return (await t.app.inject({ url: `/leads/${leadId}/history`, headers: as(actor) }))
        .statusCode;
    case "list leads": {
      const response = await t.app.inject({
        url: `/leads?limit=500&minPosition=${position}`,
        headers: as(actor),
      });
      expect(response.statusCode).toBe(200);
      const ids = response.json().items.map((item: { leadId: string }) => item.leadId);
      return ids.includes(leadId) ? 200 : 404;
    }
    case "pipeline view": {
      // The view counts; a lead of its own owner tells whether it is counted for the caller.
      const response = await t.app.inject({
        url: `/views/pipeline?by=owner,department&minPosition=${position}`,
        headers: as(actor),
      });
      expect(response.statusCode).toBe(200);
      const cells: { group: { owner: string; department: string } }[] = response.json().cells;
      return cells.some(
        (c) => c.group.owner === owner.repId && c.group.department === owner.department,
      )
        ? 200
        : 404;
    }
    case "completeness view": {
      // Counted per owner: a lead of its own owner tells whether it is counted for the caller.
      const response = await t.app.inject({
        url: `/views/completeness?minPosition=${position}`,
        headers: as(actor),
      });
      expect(response.statusCode).toBe(200);
      const owners: { ownerId: string; department: string }[] = response.json().owners;
      return owners.some((o) => o.ownerId === owner.repId && o.department === owner.department)
        ? 200
        : 404;
    }
  }
};

const cells = (Object.keys(MATRIX) as Action[]).flatMap((action) =>
  (Object.keys(ACTOR_OF) as Role[]).flatMap((role) =>
    RELATIONS.map((relation, index) => ({
      action,
      role,
      relation,
      expected: MATRIX[action][role][index] as number,
    })),
  ),
);

describe("authorization matrix", () => {
  it("covers every role, action and relation", () => {
    expect(cells).toHaveLength(17 * 3 * 3);
    expect(Object.keys(ACTORS)).toContain("executive");
  });

  it.each(cells)(
    "$role · $action · $relation → $expected",
    async ({ action, role, relation, expected }) => {
      const owner = OWNERS[role][relation];
      // Leads of the same owner pile up over the cells: the views must find this one anyway.
      expect(await perform(action, ACTOR_OF[role], owner)).toBe(expected);
    },
  );
});

// The routes about people rather than leads: who may manage API tokens (executives only;
// docs/http.md, "API tokens") and who may ask who they are (everyone, about themselves).
type PeopleAction = "issue token" | "list tokens" | "revoke token" | "rotate token" | "me";

const PEOPLE_MATRIX: Record<PeopleAction, Record<Role, number>> = {
  "issue token": { rep: 403, head: 403, executive: 201 },
  "list tokens": { rep: 403, head: 403, executive: 200 },
  "revoke token": { rep: 403, head: 403, executive: 200 },
  "rotate token": { rep: 403, head: 403, executive: 201 },
  me: { rep: 200, head: 200, executive: 200 },
};

/** A token of the rep's, issued by the executive, for the actions on one. */
const tokenOfRep = async (): Promise<string> => {
  const issued = await t.app.inject({
    method: "POST",
    url: "/tokens",
    headers: as("executive"),
    payload: { personId: "rep-1", label: "matrix" },
  });
  expect(issued.statusCode).toBe(201);
  return issued.json<{ tokenId: string }>().tokenId;
};

const performOnPeople = async (action: PeopleAction, actor: ActorName): Promise<number> => {
  const headers = as(actor);
  switch (action) {
    case "issue token":
      return (
        await t.app.inject({
          method: "POST",
          url: "/tokens",
          headers,
          payload: { personId: "rep-2", label: "matrix" },
        })
      ).statusCode;
    case "list tokens":
      return (await t.app.inject({ url: "/tokens", headers })).statusCode;
    case "revoke token":
      return (
        await t.app.inject({
          method: "POST",
          url: `/tokens/${await tokenOfRep()}/revocation`,
          headers,
        })
      ).statusCode;
    case "rotate token":
      return (
        await t.app.inject({
          method: "POST",
          url: `/tokens/${await tokenOfRep()}/rotation`,
          headers,
          payload: {},
        })
      ).statusCode;
    case "me": {
      const response = await t.app.inject({ url: "/me", headers });
      // Each caller learns about itself, and nobody else.
      expect(response.json().id).toBe(ACTORS[actor].id);
      return response.statusCode;
    }
  }
};

const peopleCells = (Object.keys(PEOPLE_MATRIX) as PeopleAction[]).flatMap((action) =>
  (Object.keys(ACTOR_OF) as Role[]).map((role) => ({
    action,
    role,
    expected: PEOPLE_MATRIX[action][role],
  })),
);

describe("authorization matrix: people and tokens", () => {
  it.each(peopleCells)("$role · $action → $expected", async ({ action, role, expected }) => {
    expect(await performOnPeople(action, ACTOR_OF[role])).toBe(expected);
  });
});

// The organisation's routes (docs/organisation.md, "Over HTTP"): everyone reads the names of
// their own department, an executive everyone's; an executive adds and moves people; a head
// records the departures of their own department, an executive anyone's. For the list, 200
// means "the person is listed", 404 "is not".
type OrganisationAction = "list people" | "add a person" | "record a departure" | "move a person";
type PersonRelation = "same department" | "other department";

const ORGANISATION_MATRIX: Record<OrganisationAction, Record<Role, readonly [number, number]>> = {
  "list people": { rep: [200, 404], head: [200, 404], executive: [200, 200] },
  "add a person": { rep: [403, 403], head: [403, 403], executive: [201, 201] },
  "record a departure": { rep: [403, 403], head: [200, 403], executive: [200, 200] },
  "move a person": { rep: [403, 403], head: [403, 403], executive: [200, 200] },
};

describe("authorization matrix: the organisation", () => {
  let app: TestApp;
  let organisation: Organisation;
  beforeAll(async () => {
    organisation = await testOrganisation();
    app = await testApp({ organisation });
  });
  afterAll(async () => {
    await app.close();
  });
  let people = 0;
  /** A person who joins for one cell: of the actor's department, or of another. */
  const personFor = async (actor: ActorName, relation: PersonRelation): Promise<string> => {
    const own = ACTORS[actor].department;
    const department = relation === "same department" ? own : own === "south" ? "east" : "south";
    const personId = `matrix-person-${people++}`;
    const joined = await organisation.join({
      personId: personId as Identifier,
      displayName: "矩阵" as NonEmptyString,
      role: "rep",
      department: department as Identifier,
      at: new Date(NOW - 86_400_000).toISOString() as Instant,
    });
    expect(E.isRight(joined)).toBe(true);
    return personId;
  };
  const performOnOrganisation = async (
    action: OrganisationAction,
    actor: ActorName,
    relation: PersonRelation,
  ): Promise<number> => {
    const headers = as(actor);
    const own = ACTORS[actor].department;
    const elsewhere = own === "south" ? "east" : "south";
    if (action === "add a person") {
      const department = relation === "same department" ? own : elsewhere;
      const response = await app.app.inject({
        method: "POST",
        url: "/people",
        headers,
        payload: {
          personId: `matrix-new-${people++}`,
          displayName: "新人",
          role: "rep",
          department,
        },
      });
      return response.statusCode;
    }
    const personId = await personFor(actor, relation);
    switch (action) {
      case "list people": {
        const response = await app.app.inject({ url: "/people", headers });
        expect(response.statusCode).toBe(200);
        const ids = response.json().people.map((p: { personId: string }) => p.personId);
        return ids.includes(personId) ? 200 : 404;
      }
      case "record a departure":
        return (
          await app.app.inject({ method: "POST", url: `/people/${personId}/departure`, headers })
        ).statusCode;
      case "move a person":
        return (
          await app.app.inject({
            method: "POST",
            url: `/people/${personId}/move`,
            headers,
            payload: { department: "north" },
          })
        ).statusCode;
    }
  };
  const organisationCells = (Object.keys(ORGANISATION_MATRIX) as OrganisationAction[]).flatMap(
    (action) =>
      (Object.keys(ACTOR_OF) as Role[]).flatMap((role) =>
        (["same department", "other department"] as const).map((relation, index) => ({
          action,
          role,
          relation,
          expected: ORGANISATION_MATRIX[action][role][index] as number,
        })),
      ),
  );
  it.each(organisationCells)(
    "$role · $action · $relation → $expected",
    async ({ action, role, relation, expected }) => {
      expect(await performOnOrganisation(action, ACTOR_OF[role], relation)).toBe(expected);
    },
  );
});

// The worklist (issue 14): names and main contacts are opened only for leads in the
// caller's scope, and a search never finds, counts or names a lead outside it. 200 means
// "the lead is in the answer, named", 404 "it is not, and not counted".
type WorklistAction =
  | "list leads with names"
  | "search by name"
  | "search by phone"
  | "search by e-mail"
  | "follow-ups with names";

const WORKLIST_MATRIX: Record<WorklistAction, Record<Role, readonly [number, number, number]>> = {
  "list leads with names": {
    rep: [200, 404, 404],
    head: [200, 200, 404],
    executive: [200, 200, 200],
  },
  "search by name": { rep: [200, 404, 404], head: [200, 200, 404], executive: [200, 200, 200] },
  "search by phone": { rep: [200, 404, 404], head: [200, 200, 404], executive: [200, 200, 200] },
  "search by e-mail": { rep: [200, 404, 404], head: [200, 200, 404], executive: [200, 200, 200] },
  "follow-ups with names": {
    rep: [200, 404, 404],
    head: [200, 200, 404],
    executive: [200, 200, 200],
  },
};

let named = 0;
/** A lead of `owner` with a name, phone and e-mail of its own; the name is what a search finds. */
const namedLeadOf = async (owner: Owner) => {
  named++;
  const name = `矩阵华东${named}号公司`;
  const phone = `+86 137${String(30_000_000 + named).slice(-8)}`;
  const email = `Matrix.${named}@Example.CN`;
  const body = uniqueCaptureBody(owner);
  const created = await t.app.inject({
    method: "POST",
    url: "/leads",
    headers: as("executive"),
    payload: {
      ...body,
      party: { ...(body.party as object), companyName: name },
      contact: { ...(body.contact as object), phone, email },
    },
  });
  expect(created.statusCode).toBe(201);
  const { leadId, position } = created.json<{ leadId: string; position: string }>();
  return { leadId, position, name, phone, email };
};

const performOnWorklist = async (
  action: WorklistAction,
  actor: ActorName,
  owner: Owner,
): Promise<number> => {
  const lead = await namedLeadOf(owner);
  const page = async (query: string) => {
    const response = await t.app.inject({
      url: `/leads?${query}&limit=500&minPosition=${lead.position}`,
      headers: as(actor),
    });
    expect(response.statusCode).toBe(200);
    const answer = response.json<{
      items: { leadId: string; displayName: string | null; mainContact: unknown }[];
      total: number;
    }>();
    // Counted exactly when listed: nothing out of scope is counted.
    expect(answer.total).toBe(answer.items.length);
    const row = answer.items.find((item) => item.leadId === lead.leadId);
    if (row === undefined) return 404;
    expect(row.displayName).toBe(lead.name);
    return 200;
  };
  switch (action) {
    case "list leads with names": {
      // The list narrowed to the owner's leads: rows of leads in reach are all named, but
      // those purged by other cells.
      const response = await t.app.inject({
        url: `/leads?owner=${owner.repId}&department=${owner.department}&limit=500&minPosition=${lead.position}`,
        headers: as(actor),
      });
      const items: { leadId: string; displayName: string | null; redacted: boolean }[] =
        response.json().items;
      for (const item of items) expect(item.displayName === null).toBe(item.redacted);
      const row = items.find((item) => item.leadId === lead.leadId);
      if (row === undefined) return 404;
      expect(row.displayName).toBe(lead.name);
      return 200;
    }
    case "search by name":
      return page(`q=${encodeURIComponent(lead.name.slice(2))}`);
    case "search by phone":
      return page(`phone=${encodeURIComponent(lead.phone.replace(/ /g, "-"))}`);
    case "search by e-mail":
      return page(`email=${encodeURIComponent(lead.email.toLowerCase())}`);
    case "follow-ups with names": {
      const response = await t.app.inject({
        url: `/views/follow-ups?horizonHours=8760&limit=1000&minPosition=${lead.position}`,
        headers: as(actor),
      });
      expect(response.statusCode).toBe(200);
      const leads: { leadId: string; displayName: string | null }[] = response
        .json<{ owners: { leads: { leadId: string; displayName: string | null }[] }[] }>()
        .owners.flatMap((o) => o.leads);
      const row = leads.find((item) => item.leadId === lead.leadId);
      if (row === undefined) return 404;
      expect(row.displayName).toBe(lead.name);
      return 200;
    }
  }
};

const worklistCells = (Object.keys(WORKLIST_MATRIX) as WorklistAction[]).flatMap((action) =>
  (Object.keys(ACTOR_OF) as Role[]).flatMap((role) =>
    RELATIONS.map((relation, index) => ({
      action,
      role,
      relation,
      expected: WORKLIST_MATRIX[action][role][index] as number,
    })),
  ),
);

describe("authorization matrix: names and search", () => {
  it.each(worklistCells)(
    "$role · $action · $relation → $expected",
    async ({ action, role, relation, expected }) => {
      expect(await performOnWorklist(action, ACTOR_OF[role], OWNERS[role][relation])).toBe(
        expected,
      );
    },
  );
});

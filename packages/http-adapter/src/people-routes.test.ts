import type { Organisation } from "@leadledger/core";
import * as E from "fp-ts/lib/Either.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { testOrganisation } from "./people-routes.test-fixture.js";
import { type ActorName, as, NOW, type TestApp, testApp } from "./test-app.test-fixture.js";

// Issue 14: people over HTTP. An executive sees and changes everyone; a head sees the
// department and retires its people; a rep sees the department's names (docs/organisation.md).

let t: TestApp;
let organisation: Organisation;
beforeEach(async () => {
  organisation = await testOrganisation();
  t = await testApp({ organisation, directory: organisation });
});
afterEach(async () => {
  await t.close();
});

const list = async (actor: ActorName, query = "") => {
  const response = await t.app.inject({ url: `/people${query}`, headers: as(actor) });
  return response;
};
const idsOf = (response: { json(): unknown }) =>
  (response.json() as { people: { personId: string }[] }).people.map((p) => p.personId);
const post = (actor: ActorName, url: string, payload?: object) =>
  t.app.inject({
    method: "POST",
    url,
    headers: as(actor),
    ...(payload === undefined ? {} : { payload }),
  });

describe("GET /people", () => {
  it("shows an executive everyone, a head or a rep their own department", async () => {
    const everyone = await list("executive");
    expect(everyone.statusCode).toBe(200);
    expect(everyone.json()).toMatchObject({ asOf: new Date(NOW).toISOString() });
    expect(idsOf(everyone)).toEqual([
      "rep-1",
      "rep-2",
      "rep-9",
      "head-east",
      "head-south",
      "exec-1",
    ]);
    expect(idsOf(await list("head"))).toEqual(["rep-1", "rep-2", "head-east"]);
    expect(idsOf(await list("rep"))).toEqual(["rep-1", "rep-2", "head-east"]);
    expect(idsOf(await list("southRep"))).toEqual(["rep-9", "head-south"]);
    expect((await list("rep")).json().people[1]).toEqual({
      personId: "rep-2",
      displayName: "李娜",
      role: "rep",
      department: "east",
      active: true,
    });
  });

  it("narrows by department, role and active, within the caller's scope", async () => {
    expect(idsOf(await list("executive", "?role=rep&department=east"))).toEqual(["rep-1", "rep-2"]);
    expect(idsOf(await list("head", "?department=south"))).toEqual([]);
    expect((await post("executive", "/people/rep-2/departure", {})).statusCode).toBe(200);
    expect(idsOf(await list("head", "?active=false"))).toEqual(["rep-2"]);
    expect(idsOf(await list("head", "?active=true&role=rep"))).toEqual(["rep-1"]);
  });

  it("refuses an unknown or malformed parameter with 400, naming it", async () => {
    const misspelt = await list("executive", "?deparment=east");
    expect(misspelt.statusCode).toBe(400);
    expect(misspelt.json().problems).toEqual([
      expect.objectContaining({ path: "query.deparment" }),
    ]);
    const bad = await list("executive", "?role=boss&active=yes");
    expect(bad.statusCode).toBe(400);
    expect(
      bad
        .json()
        .problems.map((p: { path: string }) => p.path)
        .sort(),
    ).toEqual(["query.active", "query.role"]);
  });
});

describe("POST /people", () => {
  const newRep = { personId: "rep-new", displayName: "周强", role: "rep", department: "east" };

  it("lets an executive add a person, effective now unless `at` says otherwise", async () => {
    const joined = await post("executive", "/people", newRep);
    expect(joined.statusCode).toBe(201);
    expect(joined.json()).toEqual({ ...newRep, active: true });
    expect(await organisation.findPerson("rep-new", NOW)).toEqual(
      E.right({ ...newRep, active: true }),
    );
    expect(await organisation.findPerson("rep-new", NOW - 1)).toEqual(E.right(undefined));
    const later = { ...newRep, personId: "rep-later", at: "2026-12-01T00:00:00+08:00" };
    expect((await post("executive", "/people", later)).statusCode).toBe(201);
    expect(await organisation.findPerson("rep-later", NOW)).toEqual(E.right(undefined));
  });

  it("refuses a head or a rep (403), an active person (409) and a bad body (400), recording nothing", async () => {
    for (const actor of ["head", "rep"] as const) {
      const refused = await post(actor, "/people", newRep);
      expect([actor, refused.statusCode, refused.json().code]).toEqual([
        actor,
        403,
        "access.denied",
      ]);
    }
    const again = await post("executive", "/people", { ...newRep, personId: "rep-1" });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: "person.already-active", personId: "rep-1" });
    const bad = await post("executive", "/people", {
      ...newRep,
      role: "boss",
      displayName: " ",
      atTime: "now",
    });
    expect(bad.statusCode).toBe(400);
    expect(
      bad
        .json()
        .problems.map((p: { path: string }) => p.path)
        .sort(),
    ).toEqual(["body.atTime", "body.displayName", "body.role"]);
    expect(await organisation.findPerson("rep-new")).toEqual(E.right(undefined));
  });
});

describe("POST /people/{personId}/departure", () => {
  it("lets the head of the person's department or an executive record it", async () => {
    const left = await post("head", "/people/rep-2/departure");
    expect(left.statusCode).toBe(200);
    expect(left.json()).toMatchObject({ personId: "rep-2", active: false });
    const standing = await organisation.canOwnLeads(
      { repId: "rep-2" as never, department: "east" as never },
      NOW,
    );
    expect(standing).toEqual(E.right("owner.inactive"));
    expect((await post("executive", "/people/rep-9/departure", {})).statusCode).toBe(200);
  });

  it("refuses a rep, another department's head, an unknown person and a second departure", async () => {
    expect((await post("rep", "/people/rep-2/departure", {})).statusCode).toBe(403);
    const otherHead = await post("southHead", "/people/rep-2/departure", {});
    expect([otherHead.statusCode, otherHead.json().code]).toEqual([403, "access.denied"]);
    const unknown = await post("executive", "/people/nobody/departure", {});
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ code: "person.unknown", personId: "nobody" });
    expect((await post("executive", "/people/rep-2/departure", {})).statusCode).toBe(200);
    const twice = await post("executive", "/people/rep-2/departure", {});
    expect([twice.statusCode, twice.json().code]).toEqual([409, "person.inactive"]);
    const malformed = await post("executive", "/people/rep-1/departure", { at: "yesterday" });
    expect(malformed.statusCode).toBe(400);
    expect(await organisation.findPerson("rep-1")).toMatchObject(E.right({ active: true }));
  });
});

describe("POST /people/{personId}/move", () => {
  it("lets an executive move a person, who then owns leads of the new department only", async () => {
    const moved = await post("executive", "/people/rep-1/move", { department: "south" });
    expect(moved.statusCode).toBe(200);
    expect(moved.json()).toEqual({
      personId: "rep-1",
      displayName: "张伟",
      role: "rep",
      department: "south",
      active: true,
    });
    expect(idsOf(await list("southHead"))).toContain("rep-1");
    expect(idsOf(await list("head"))).not.toContain("rep-1");
  });

  it("refuses a head (403), the same department (409) and an unknown person (404)", async () => {
    expect((await post("head", "/people/rep-1/move", { department: "south" })).statusCode).toBe(
      403,
    );
    const same = await post("executive", "/people/rep-1/move", { department: "east" });
    expect([same.statusCode, same.json().code]).toEqual([409, "person.unchanged"]);
    const unknown = await post("executive", "/people/nobody/move", { department: "east" });
    expect([unknown.statusCode, unknown.json().code]).toEqual([404, "person.unknown"]);
    const missing = await post("executive", "/people/rep-1/move", {});
    expect(missing.statusCode).toBe(400);
  });
});

describe("without an organisation", () => {
  it("serves no people routes", async () => {
    const bare = await testApp();
    try {
      expect((await bare.app.inject({ url: "/people", headers: as("executive") })).statusCode).toBe(
        404,
      );
    } finally {
      await bare.close();
    }
  });
});

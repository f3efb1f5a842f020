import type { Identifier, NonEmptyString } from "@leadledger/core";
import { createInMemoryEventStore, createOrganisation, staticDirectory } from "@leadledger/core";
import { describe, expect, it } from "vitest";
import { as, problemOf, testApp } from "./test-app.test-fixture.js";
import { inMemoryTokenAdministration } from "./token-routes.test-fixture.js";

describe("GET /me", () => {
  it("says who the caller is, the leads it reaches and what it may do", async () => {
    const t = await testApp({ tokenAdministration: inMemoryTokenAdministration() });
    try {
      const rep = await t.app.inject({ url: "/me", headers: as("rep") });
      expect(rep.statusCode).toBe(200);
      expect(rep.json()).toEqual({
        id: "rep-1",
        role: "rep",
        department: "east",
        displayName: null,
        active: null,
        scope: { leads: "own", description: "the leads you own in department east" },
        may: {
          purgeLeads: false,
          moveLeadsAcrossDepartments: false,
          handOverLeads: false,
          managePeople: false,
          recordDepartures: false,
          manageTokens: false,
        },
      });
      const head = (await t.app.inject({ url: "/me", headers: as("head") })).json();
      expect(head.scope.leads).toBe("department");
      expect(head.may).toMatchObject({
        purgeLeads: true,
        handOverLeads: true,
        manageTokens: false,
      });
      const executive = (await t.app.inject({ url: "/me", headers: as("executive") })).json();
      expect(executive.scope).toEqual({ leads: "all", description: "every lead" });
      expect(executive.may.manageTokens).toBe(true);

      const stranger = await t.app.inject({ url: "/me" });
      expect(problemOf(stranger)).toMatchObject({ status: 401, code: "auth.missing-token" });
      const asked = await t.app.inject({ url: "/me?who=else", headers: as("rep") });
      expect(problemOf(asked)).toMatchObject({ status: 400, code: "input.invalid" });
    } finally {
      await t.close();
    }
  });

  it("names the caller from the organisation when the plugin has one", async () => {
    const directory = staticDirectory([
      {
        personId: "rep-1" as Identifier,
        displayName: "张伟" as NonEmptyString,
        role: "rep",
        department: "east" as Identifier,
        active: true,
      },
    ]);
    const t = await testApp({ directory });
    try {
      const me = (await t.app.inject({ url: "/me", headers: as("rep") })).json();
      expect(me).toMatchObject({ displayName: "张伟", active: true });
      // Without token administration nobody manages tokens here.
      const executive = (await t.app.inject({ url: "/me", headers: as("executive") })).json();
      expect(executive).toMatchObject({ displayName: null, may: { manageTokens: false } });
    } finally {
      await t.close();
    }
  });

  it("states the rights on people only where the plugin serves /people", async () => {
    let ids = 0;
    const organisation = createOrganisation({
      eventStore: createInMemoryEventStore(),
      newId: () => `event-${ids++}`,
    });
    const t = await testApp({ organisation });
    try {
      const may = async (actor: Parameters<typeof as>[0]) =>
        (await t.app.inject({ url: "/me", headers: as(actor) })).json().may;
      expect(await may("executive")).toMatchObject({ managePeople: true, recordDepartures: true });
      expect(await may("head")).toMatchObject({ managePeople: false, recordDepartures: true });
      expect(await may("rep")).toMatchObject({ managePeople: false, recordDepartures: false });
    } finally {
      await t.close();
    }
  });
});

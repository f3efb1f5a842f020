import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { as, problemOf, type TestApp, testApp } from "./test-app.test-fixture.js";
import { inMemoryTokenAdministration } from "./token-routes.test-fixture.js";

// The token routes over a stand-in administration: who may call them, what they decode and
// what they answer. Every answer is checked against its documented schema by the test app.

let t: TestApp;
beforeAll(async () => {
  t = await testApp({ tokenAdministration: inMemoryTokenAdministration() });
});
afterAll(async () => {
  await t.close();
});

const issue = (payload: object, actor: Parameters<typeof as>[0] = "executive") =>
  t.app.inject({ method: "POST", url: "/tokens", headers: as(actor), payload });

describe("the token routes", () => {
  it("issue a token once, list it without its secret, rotate it and revoke the new one", async () => {
    const issued = await issue({ personId: "rep-1", label: "CRM sync", expiresInDays: 30 });
    expect(issued.statusCode).toBe(201);
    expect(issued.headers["cache-control"]).toBe("no-store");
    const token = issued.json();
    expect(token).toMatchObject({
      personId: "rep-1",
      role: "rep",
      department: "east",
      label: "CRM sync",
      status: "active",
      expiresAt: "2026-12-20T08:00:00.000Z",
      token: "secret-1",
    });

    const listed = await t.app.inject({ url: "/tokens?personId=rep-1", headers: as("executive") });
    expect(listed.statusCode).toBe(200);
    expect(listed.body).not.toContain("secret-1");
    expect(listed.json().items.map((i: { tokenId: string }) => i.tokenId)).toEqual([token.tokenId]);

    const rotated = await t.app.inject({
      method: "POST",
      url: `/tokens/${token.tokenId}/rotation`,
      headers: as("executive"),
      payload: {},
    });
    expect(rotated.statusCode).toBe(201);
    expect(rotated.json()).toMatchObject({ replaces: token.tokenId, status: "active" });
    const again = await t.app.inject({
      method: "POST",
      url: `/tokens/${token.tokenId}/rotation`,
      headers: as("executive"),
      payload: {},
    });
    expect(problemOf(again)).toMatchObject({ status: 409, code: "token.inactive" });

    const revoked = await t.app.inject({
      method: "POST",
      url: `/tokens/${rotated.json().tokenId}/revocation`,
      headers: as("executive"),
    });
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json()).toMatchObject({ status: "revoked" });
    expect(revoked.body).not.toContain("secret-");
  });

  it("refuse everyone but executives with access.denied, before reading anything", async () => {
    for (const actor of ["rep", "head", "southHead"] as const) {
      const answers = await Promise.all([
        issue({ personId: "rep-1", label: "x" }, actor),
        t.app.inject({ url: "/tokens", headers: as(actor) }),
        t.app.inject({ method: "POST", url: "/tokens/tok_1/revocation", headers: as(actor) }),
        t.app.inject({ method: "POST", url: "/tokens/nonsense/rotation", headers: as(actor) }),
      ]);
      for (const answer of answers) {
        expect(problemOf(answer)).toMatchObject({ status: 403, code: "access.denied" });
      }
    }
  });

  it("name each wrong part of a request, and no parameter goes unnoticed", async () => {
    const bad = await issue({ personId: " rep-1", label: "  ", expiresInDays: 366 });
    expect(problemOf(bad)).toMatchObject({ status: 400, code: "input.invalid" });
    const paths = bad.json().problems.map((p: { path: string }) => p.path);
    expect(paths).toEqual(
      expect.arrayContaining(["body.personId", "body.label", "body.expiresInDays"]),
    );
    expect(JSON.stringify(bad.json())).toContain("a whole number of days from 1 to 365");

    const misspelt = await t.app.inject({ url: "/tokens?person=rep-1", headers: as("executive") });
    expect(problemOf(misspelt)).toMatchObject({ status: 400, code: "input.invalid" });

    const unknown = await t.app.inject({
      method: "POST",
      url: "/tokens/tok_nobody/revocation",
      headers: as("executive"),
    });
    expect(problemOf(unknown)).toMatchObject({ status: 404, code: "token.not-found" });
    const nobody = await issue({ personId: "nobody", label: "x" });
    expect(problemOf(nobody)).toMatchObject({ status: 422, code: "token.person-unknown" });
  });

  it("are not served without a token administration", async () => {
    const plain = await testApp();
    try {
      const answer = await plain.app.inject({ url: "/tokens", headers: as("executive") });
      expect(problemOf(answer)).toMatchObject({ status: 404 });
    } finally {
      await plain.close();
    }
  });
});

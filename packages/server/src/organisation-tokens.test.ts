import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureBody } from "./http-requests.test-fixture.js";
import { createServer, type LeadLedgerServer } from "./server.js";

// Issue 14: a token acts as its person is now in the server's organisation. Once the
// organisation records a departure (over HTTP here; the CLI writes the same stream) the
// person's token is refused by every server on the data directory; after a move it acts in
// the new department.

const dataDir = mkdtempSync(join(tmpdir(), "leadledger-organisation-tokens-"));
let first: LeadLedgerServer;
let second: LeadLedgerServer;
beforeAll(async () => {
  first = await createServer({ dataDir, demoLeads: 5, durability: "normal", logLevel: false });
  // A second process on the same data directory: its own connections and organisation.
  second = await createServer({ dataDir, durability: "normal", logLevel: false });
});
afterAll(async () => {
  await second.app.close();
  await first.app.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const tokenOf = (id: string): string => {
  const issued = first.issuedTokens.find((token) => token.actor.id === id);
  if (issued === undefined) throw new Error(`no token for ${id}`);
  return `Bearer ${issued.token}`;
};
const me = (server: LeadLedgerServer, id: string) =>
  server.app.inject({ url: "/me", headers: { authorization: tokenOf(id) } });

describe("tokens and the organisation on the real server", () => {
  it("refuses the token of a person who left, on every server of the data directory", async () => {
    expect((await me(second, "rep-chen-jie")).statusCode).toBe(200);
    const left = await first.app.inject({
      method: "POST",
      url: "/people/rep-chen-jie/departure",
      headers: { authorization: tokenOf("head-zhao-min") },
    });
    expect(left.statusCode, left.body).toBe(200);
    for (const server of [first, second]) {
      const refused = await me(server, "rep-chen-jie");
      expect(refused.statusCode).toBe(401);
      expect(refused.json()).toMatchObject({ code: "auth.person-left" });
    }
  });

  it("lets a person who moved act in the new department at once", async () => {
    const moved = await first.app.inject({
      method: "POST",
      url: "/people/rep-li-na/move",
      headers: { authorization: tokenOf("exec-sun") },
      payload: { department: "south" },
    });
    expect(moved.statusCode, moved.body).toBe(200);
    const answer = await me(second, "rep-li-na");
    expect(answer.json()).toMatchObject({ id: "rep-li-na", role: "rep", department: "south" });
    // Their own capture is one of the new department now, and no longer of the old one.
    const capture = (department: string, phone: string) => {
      const body = captureBody({ owner: { repId: "rep-li-na", department } });
      return second.app.inject({
        method: "POST",
        url: "/leads",
        headers: { authorization: tokenOf("rep-li-na") },
        payload: {
          ...body,
          contact: {
            ...(body.contact as object),
            phone,
            email: `moved-${phone.slice(-4)}@example.cn`,
          },
        },
      });
    };
    expect((await capture("south", "+86 139 6600 0001")).statusCode).toBe(201);
    expect((await capture("east", "+86 139 6600 0002")).statusCode).toBe(403);
  });
});

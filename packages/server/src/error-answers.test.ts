import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type LeadLedgerServer } from "./server.js";

// Every error the standalone server sends is application/problem+json with a stable code,
// and none repeats the request: the router's, the body parsers' and the routes' (issue 12,
// item 11). The HTTP parser's own refusals are tested over a socket (socket.test.ts).

const dataDir = mkdtempSync(join(tmpdir(), "leadledger-errors-"));
let server: LeadLedgerServer;
let auth: { authorization: string };

beforeAll(async () => {
  server = await createServer({ dataDir, demoLeads: 3, durability: "normal", logLevel: false });
  const executive = server.issuedTokens.find((token) => token.actor.role === "executive");
  auth = { authorization: `Bearer ${executive?.token}` };
});
afterAll(async () => {
  await server.app.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const LEAD = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";

/** The problem a response carries, checked to be one that repeats nothing of `sent`. */
const problemOf = (response: LightMyRequestResponse, sent: readonly string[] = []) => {
  expect(response.headers["content-type"]).toMatch(/^application\/problem\+json/);
  const problem = response.json<{ status: number; code: string; type: string }>();
  expect(problem.status).toBe(response.statusCode);
  expect(problem.type).toBe(`urn:leadledger:problem:${problem.code}`);
  for (const part of sent) expect(response.body).not.toContain(part);
  return problem;
};

describe("errors of the router, the parsers and the routes", () => {
  it.each([
    "/leads/%ZZ",
    "/leads/%ZZ/history",
    "/leads/%E0%A4%A/contacts",
    "/views/%ZZ",
    "/openapi.json%ZZ",
  ])("answers a path that does not decode (%s) with 400 input.invalid", async (url) => {
    const response = await server.app.inject({ url, headers: auth });
    expect(response.statusCode).toBe(400);
    expect(problemOf(response, ["%ZZ", "%E0", "leads/", "views/"]).code).toBe("input.invalid");
  });

  it("answers a path parameter over the length limit with 414 http.uri-too-long", async () => {
    const long = "a".repeat(101);
    for (const url of [`/leads/${long}`, `/leads/${long}/history`]) {
      const response = await server.app.inject({ url, headers: auth });
      expect(response.statusCode).toBe(414);
      expect(problemOf(response, [long.slice(0, 20)]).code).toBe("http.uri-too-long");
    }
  });

  it("answers a known path asked with another method with 405 and Allow", async () => {
    for (const [method, url, allow] of [
      ["PUT", "/leads", "GET, HEAD, POST"],
      ["DELETE", `/leads/${LEAD}`, "GET, HEAD"],
      ["PATCH", `/leads/${LEAD}/contacts`, "POST"],
      ["OPTIONS", "/views/pipeline", "GET, HEAD"],
      ["PUT", `/leads/${LEAD}/purge-flag`, "DELETE, POST"],
    ] as const) {
      const response = await server.app.inject({ method, url, headers: auth });
      expect(response.statusCode, `${method} ${url}`).toBe(405);
      expect(response.headers.allow).toBe(allow);
      expect(problemOf(response, [LEAD]).code).toBe("http.method-not-allowed");
    }
  });

  it("answers unknown paths with 404 http.not-found, naming none", async () => {
    for (const url of ["/nowhere", "/leads/x/y/z", "/views/pipeline/extra", "/views/"]) {
      const response = await server.app.inject({ url, headers: auth });
      expect(response.statusCode, url).toBe(404);
      expect(problemOf(response, [url.slice(1, 8)]).code).toBe("http.not-found");
    }
  });

  it("answers bodies that are not JSON, or not sent as JSON, with problems", async () => {
    const post = (payload: string, contentType: string) =>
      server.app.inject({
        method: "POST",
        url: "/leads",
        headers: { ...auth, "content-type": contentType },
        payload,
      });
    const broken = await post('{"party": "Zhang San", ', "application/json");
    expect(broken.statusCode).toBe(400);
    expect(problemOf(broken, ["Zhang"]).code).toBe("input.invalid");
    const poisoned = await post('{"__proto__": {"admin": "Zhang San"}}', "application/json");
    expect(poisoned.statusCode).toBe(400);
    expect(problemOf(poisoned, ["Zhang", "admin"]).code).toBe("input.invalid");
    for (const contentType of ["text/plain", "application/xml", "multipart/form-data"]) {
      const response = await post("Zhang San", contentType);
      expect(response.statusCode, contentType).toBe(415);
      expect(problemOf(response, ["Zhang"]).code).toBe("http.unsupported-media-type");
    }
  });

  it("answers raw UTF-8 and bad escapes in a query with a problem or a view, never echoed", async () => {
    for (const url of ["/views/pipeline?by=stage&owner=张三", "/leads?owner=%ZZ张"]) {
      const response = await server.app.inject({ url, headers: auth });
      expect(response.statusCode, url).toBeLessThan(500);
      expect(response.body).not.toContain("张");
      if (response.statusCode >= 400) problemOf(response);
    }
  });
});

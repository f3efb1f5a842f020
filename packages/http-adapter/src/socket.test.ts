import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type LeadLedgerServer } from "./server.js";
import { captureBody } from "./test-app.test-fixture.js";

// The standalone server on real SQLite files, over a real socket.

interface OpenApi {
  paths: Record<
    string,
    Record<
      string,
      {
        requestBody: {
          content: Record<string, { schema: { required: string[]; properties: object } }>;
        };
      }
    >
  >;
}

const dataDir = mkdtempSync(join(tmpdir(), "leadledger-http-"));
const logs: string[] = [];
const logStream = new Writable({
  write(chunk, _encoding, done) {
    logs.push(String(chunk));
    done();
  },
});

let server: LeadLedgerServer;
let base: string;
const tokenOf = (role: string): string => {
  const issued = server.issuedTokens.find((token) => token.actor.role === role);
  if (issued === undefined) throw new Error(`no ${role} token`);
  return issued.token;
};

beforeAll(async () => {
  server = await createServer({ dataDir, demoLeads: 40, durability: "normal", logStream });
  await server.app.listen({ port: 0, host: "127.0.0.1" });
  const address = server.app.server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  base = `http://127.0.0.1:${address.port}`;
});
afterAll(async () => {
  await server.app.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("the standalone server over a socket", () => {
  it("issues the demo organisation's tokens once and seeds demo leads", () => {
    expect(server.issuedTokens.map((t) => t.actor.role).sort()).toEqual([
      "executive",
      "head",
      "head",
      "rep",
      "rep",
      "rep",
      "rep",
    ]);
    expect(server.seeded?.leads).toBe(40);
  });

  it("serves health, the OpenAPI document and the docs page", async () => {
    const health = await fetch(`${base}/health`);
    expect(health.status).toBe(200);
    expect(health.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    // helmet's headers, with the content security policy Swagger UI's page needs.
    const policy = health.headers.get("content-security-policy") ?? "";
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("style-src 'self' 'unsafe-inline'");
    expect(policy).toContain("img-src 'self' data:");
    expect(policy).toContain("default-src 'self'");
    expect(health.headers.get("x-frame-options")).toBe("SAMEORIGIN");
    expect(health.headers.get("strict-transport-security")).toMatch(/^max-age=\d+/);
    expect(health.headers.get("x-content-type-options")).toBe("nosniff");
    const openapi = (await (await fetch(`${base}/openapi.json`)).json()) as OpenApi;
    for (const path of [
      "/leads",
      "/leads/{leadId}",
      "/leads/{leadId}/history",
      "/leads/{leadId}/contacts",
      "/leads/{leadId}/purge-flag",
      "/views/pipeline",
      "/views/conversion-rate",
      "/reports/reps",
    ]) {
      expect(Object.keys(openapi.paths)).toContain(path);
    }
    const captureSchema =
      openapi.paths["/leads"]?.post?.requestBody.content["application/json"]?.schema;
    expect(captureSchema?.required).toEqual(expect.arrayContaining(["party", "contact", "owner"]));
    expect(Object.keys(captureSchema?.properties ?? {})).not.toContain("commandId");
    const docs = await fetch(`${base}/docs/`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain("swagger");
    expect(docs.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("answers the views with the demo data, scoped to the token", async () => {
    const get = (url: string, token: string) =>
      fetch(`${base}${url}`, { headers: { authorization: `Bearer ${token}` } });
    const all = (await (
      await get("/views/pipeline?by=department", tokenOf("executive"))
    ).json()) as {
      total: number;
    };
    const one = (await (await get("/views/pipeline", tokenOf("rep"))).json()) as { total: number };
    expect(all.total).toBeGreaterThan(one.total);
    expect(one.total).toBeGreaterThan(0);
    const rate = await get("/views/conversion-rate", tokenOf("executive"));
    expect(rate.status).toBe(200);
    expect((await get("/views/pipeline", "llk_wrong")).status).toBe(401);
  });

  it("captures over the socket, never logs personal data, and reads its own write", async () => {
    const body = captureBody({
      party: { ...(captureBody().party as object), companyName: "保密测试有限公司" },
      contact: {
        ...(captureBody().contact as object),
        phone: "+86 139 0000 4242",
        email: "secret@example.cn",
      },
      owner: { repId: "exec-sun", department: "hq" },
    });
    const created = await fetch(`${base}/leads`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${tokenOf("executive")}`,
        "content-type": "application/json",
        "idempotency-key": "socket-capture",
      },
      body: JSON.stringify(body),
    });
    expect(created.status).toBe(201);
    const { leadId, position } = (await created.json()) as { leadId: string; position: string };
    const listed = await fetch(`${base}/leads?owner=exec-sun&minPosition=${position}`, {
      headers: { authorization: `Bearer ${tokenOf("executive")}` },
    });
    expect(
      ((await listed.json()) as { items: { leadId: string }[] }).items.map(
        (i: { leadId: string }) => i.leadId,
      ),
    ).toContain(leadId);
    const text = logs.join("");
    expect(text).toContain("/leads");
    for (const secret of ["保密测试", "4242", "secret@example.cn", tokenOf("executive")]) {
      expect(text).not.toContain(secret);
    }
  });
});

describe("restarting on the same data directory", () => {
  it("keeps the config and the data, issues no tokens and seeds nothing", async () => {
    const other = mkdtempSync(join(tmpdir(), "leadledger-http-restart-"));
    try {
      const first = await createServer({
        dataDir: other,
        demoLeads: 10,
        durability: "normal",
        logLevel: false,
      });
      const token = first.issuedTokens.find((t) => t.actor.role === "executive")?.token ?? "";
      await first.app.close();
      const second = await createServer({
        dataDir: other,
        demoLeads: 10,
        durability: "normal",
        logLevel: false,
      });
      try {
        expect(second.issuedTokens).toEqual([]);
        expect(second.seeded).toBeUndefined();
        const response = await second.app.inject({
          url: "/views/pipeline",
          headers: { authorization: `Bearer ${token}` },
        });
        expect(response.statusCode).toBe(200);
        expect(response.json().total).toBeGreaterThan(0);
      } finally {
        await second.app.close();
      }
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});

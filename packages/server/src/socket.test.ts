import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureBody } from "./http-requests.test-fixture.js";
import { createServer, type LeadLedgerServer } from "./server.js";

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
    // A capture done in a minute (issue 14): who, one way to reach them and the channel.
    expect(captureSchema?.required).toEqual(expect.arrayContaining(["party", "contact", "source"]));
    expect(captureSchema?.required).not.toContain("owner");
    expect(Object.keys(captureSchema?.properties ?? {})).not.toContain("commandId");
    const docs = await fetch(`${base}/docs/`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain("swagger");
    expect(docs.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("sends a visitor of / to the docs, without a token, whatever the method of reading", async () => {
    for (const method of ["GET", "HEAD"]) {
      const root = await fetch(`${base}/`, { method, redirect: "manual" });
      expect(root.status).toBe(302);
      expect(root.headers.get("location")).toBe("/docs");
    }
    const followed = await fetch(`${base}/`);
    expect(followed.status).toBe(200);
    expect(await followed.text()).toContain("swagger");
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
      // An executive owns no leads (docs/organisation.md): the capture names a rep.
      owner: { repId: "rep-zhang-wei", department: "east" },
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
    const listed = await fetch(`${base}/leads?owner=rep-zhang-wei&minPosition=${position}`, {
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

/** Sends bytes as they are (no client fixes them up) and reads the whole answer. */
const rawRequest = (request: Buffer | string) =>
  new Promise<{ status: number; head: string; body: string }>((resolve, reject) => {
    const { port } = new URL(base);
    const socket = connect(Number(port), "127.0.0.1", () => socket.end(request));
    const chunks: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", reject);
    socket.on("close", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const split = text.indexOf("\r\n\r\n");
      const head = text.slice(0, split);
      resolve({ status: Number(head.split(" ")[1]), head, body: text.slice(split + 4) });
    });
  });

describe("refusals of Node's HTTP parser, over a socket", () => {
  const expectProblem = (
    answer: { status: number; head: string; body: string },
    status: number,
    code: string,
    sent: readonly string[],
  ) => {
    expect(answer.status).toBe(status);
    expect(answer.head.toLowerCase()).toContain("content-type: application/problem+json");
    const problem = JSON.parse(answer.body) as { status: number; code: string };
    expect(problem).toMatchObject({ status, code, type: `urn:leadledger:problem:${code}` });
    for (const part of sent) expect(answer.body).not.toContain(part);
  };

  it("answers an over-long URL with 414 and over-large headers with 431", async () => {
    const path = `/leads?owner=${"z".repeat(20_000)}`;
    expectProblem(
      await rawRequest(`GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`),
      414,
      "http.uri-too-long",
      ["zzzz"],
    );
    const header = `X-Note: ${"y".repeat(20_000)}`;
    expectProblem(
      await rawRequest(`GET /views/pipeline HTTP/1.1\r\nHost: x\r\n${header}\r\n\r\n`),
      431,
      "http.headers-too-large",
      ["yyyy"],
    );
  });

  it("answers raw UTF-8 in a path or a query, and malformed requests, with 400", async () => {
    const token = tokenOf("executive");
    for (const target of [
      "/views/pipeline?owner=张三",
      "/leads/张三",
      "/views/pipeline?owner=\u00e9",
    ]) {
      const request = Buffer.from(
        `GET ${target} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\n\r\n`,
        "utf8",
      );
      expectProblem(await rawRequest(request), 400, "http.bad-request", ["张三", "\u00e9"]);
    }
    for (const request of [
      "GET / HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n",
      "BREW /views/pipeline HTTP/1.1\r\nHost: x\r\n\r\n",
      "GET /views/pipeline HTTP/9.9\r\nHost: x\r\n\r\n",
      "POST /leads HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello",
    ]) {
      expectProblem(await rawRequest(request), 400, "http.bad-request", ["BREW", "Bad Header"]);
    }
  });

  it("answers a path that does not decode and an over-long parameter with problems", async () => {
    const headers = { authorization: `Bearer ${tokenOf("executive")}` };
    const bad = await fetch(`${base}/leads/%ZZ`, { headers });
    expect(bad.status).toBe(400);
    expect(bad.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    const badText = await bad.text();
    expect(badText).not.toContain("%ZZ");
    expect(JSON.parse(badText).code).toBe("input.invalid");
    const long = await fetch(`${base}/leads/${"a".repeat(300)}/history`, { headers });
    expect(long.status).toBe(414);
    expect(((await long.json()) as { code: string }).code).toBe("http.uri-too-long");
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

import type { Actor } from "@leadledger/core";
import type { FastifyInstance } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import {
  ACTORS,
  as,
  problemOf,
  type TestApp,
  type TestAppOptions,
  testApp,
} from "./test-app.test-fixture.js";

// The plugin inside an embedder's Fastify app (issue 13): a fastify-plugin that decorates
// the host's requests with the actor, while its own error handler, not-found handler,
// authentication hook, rate limit and compilers stay in a child context of their own.

/** What the host's own hooks and routes saw. */
interface Seen {
  /** `request.leadLedgerActor` in the host's preHandler hook, by URL. */
  readonly actorInHostHook: Map<string, Actor | null>;
}

/** A host with its own error handler, hook and routes beside the plugin. */
const embedded = async (options: TestAppOptions = {}): Promise<TestApp & Seen> => {
  const actorInHostHook = new Map<string, Actor | null>();
  const built = await testApp({
    prefix: "/api",
    ...options,
    host: (app: FastifyInstance) => {
      app.setErrorHandler((_error, _request, reply) => reply.code(418).send({ handledBy: "host" }));
      // A preHandler runs after every onRequest hook: the plugin's authentication is done.
      app.addHook("preHandler", async (request) => {
        actorInHostHook.set(request.url, request.leadLedgerActor);
      });
      app.get("/host/fails", async () => {
        throw new Error("the host's own failure");
      });
      app.get("/host/who", async (request) => ({ actor: request.leadLedgerActor }));
      app.post(
        "/host/validated",
        { schema: { body: { type: "object", required: ["name"] } } },
        async () => ({ ok: true }),
      );
    },
  });
  return { ...built, actorInHostHook };
};

let open: TestApp | undefined;
afterEach(async () => {
  await open?.close();
  open = undefined;
});

describe("the plugin embedded in a host app", () => {
  it("registers as the fastify-plugin @leadledger/http-adapter, its routes under the prefix", async () => {
    const t = await embedded();
    open = t;
    expect(t.app.hasPlugin("@leadledger/http-adapter")).toBe(true);
    const pipeline = await t.app.inject({ url: "/api/views/pipeline", headers: as("rep") });
    expect(pipeline.statusCode).toBe(200);
  });

  it("puts the actor on the request, where the host's own hooks read it", async () => {
    const t = await embedded();
    open = t;
    await t.app.inject({ url: "/api/views/pipeline", headers: as("head") });
    expect(t.actorInHostHook.get("/api/views/pipeline")).toEqual(ACTORS.head);
  });

  it("leaves the host's routes alone: no authentication, no actor, the host's error handler", async () => {
    const t = await embedded();
    open = t;
    const who = await t.app.inject({ url: "/host/who" });
    expect(who.statusCode).toBe(200);
    expect(who.json()).toEqual({ actor: null });
    expect(t.actorInHostHook.get("/host/who")).toBeNull();

    const fails = await t.app.inject({ url: "/host/fails", headers: as("rep") });
    expect(fails.statusCode).toBe(418);
    expect(fails.json()).toEqual({ handledBy: "host" });
  });

  it("keeps the host's validation and body parsers: the plugin's are its own", async () => {
    const t = await embedded();
    open = t;
    // The host's schema still validates (the plugin turns validation off for its routes).
    const invalid = await t.app.inject({ method: "POST", url: "/host/validated", payload: {} });
    expect(invalid.statusCode).toBe(418);
    const valid = await t.app.inject({
      method: "POST",
      url: "/host/validated",
      payload: { name: "x" },
    });
    expect(valid.statusCode).toBe(200);
    // text/plain is still read on the host; the plugin refuses it on its own routes.
    const text = await t.app.inject({
      method: "POST",
      url: "/host/validated",
      headers: { "content-type": "text/plain" },
      payload: "hello",
    });
    expect(text.statusCode).toBe(418);
    const command = await t.app.inject({
      method: "POST",
      url: "/api/leads",
      headers: { ...as("rep"), "content-type": "text/plain" },
      payload: "hello",
    });
    expect(problemOf(command).code).toBe("http.unsupported-media-type");
  });

  it("answers unknown paths under its prefix with its problems, and leaves the rest to the host", async () => {
    const t = await embedded();
    open = t;
    const inside = await t.app.inject({ url: "/api/nowhere", headers: as("rep") });
    expect(problemOf(inside).code).toBe("http.not-found");
    const outside = await t.app.inject({ url: "/nowhere" });
    expect(outside.statusCode).toBe(404);
    expect(String(outside.headers["content-type"])).not.toMatch(/problem/);
  });
});

describe("the rate limit (@fastify/rate-limit, keyed by actor)", () => {
  it("answers the request over the limit with a 429 problem and Retry-After", async () => {
    const t = await embedded({ rateLimit: { max: 2, windowMs: 60_000 } });
    open = t;
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      statuses.push(
        (await t.app.inject({ url: "/api/views/pipeline", headers: as("rep") })).statusCode,
      );
    }
    expect(statuses).toEqual([200, 200, 429]);
    const refused = await t.app.inject({ url: "/api/views/pipeline", headers: as("rep") });
    expect(problemOf(refused)).toMatchObject({ code: "http.rate-limited", status: 429 });
    const retryAfter = Number(refused.headers["retry-after"]);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
  });

  it("counts per actor, not per address: two tokens of one address have a limit each", async () => {
    const t = await embedded({ rateLimit: { max: 1, windowMs: 60_000 } });
    open = t;
    const first = await t.app.inject({ url: "/api/views/pipeline", headers: as("rep") });
    const second = await t.app.inject({ url: "/api/views/pipeline", headers: as("otherRep") });
    expect([first.statusCode, second.statusCode]).toEqual([200, 200]);
    const again = await t.app.inject({ url: "/api/views/pipeline", headers: as("rep") });
    expect(again.statusCode).toBe(429);
  });

  it("counts unknown paths, never unauthenticated requests, and never the host's routes", async () => {
    const t = await embedded({ rateLimit: { max: 1, windowMs: 60_000 } });
    open = t;
    for (let i = 0; i < 3; i++) {
      expect((await t.app.inject({ url: "/api/views/pipeline" })).statusCode).toBe(401);
      expect((await t.app.inject({ url: "/host/who" })).statusCode).toBe(200);
    }
    const unknown = await t.app.inject({ url: "/api/nowhere", headers: as("rep") });
    expect(problemOf(unknown).code).toBe("http.not-found");
    const limited = await t.app.inject({ url: "/api/nowhere", headers: as("rep") });
    expect(problemOf(limited).code).toBe("http.rate-limited");
  });
});

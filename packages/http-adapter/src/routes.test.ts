import type { LightMyRequestResponse } from "fastify";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  as,
  capture,
  captureBody,
  problemOf,
  type TestApp,
  testApp,
  uniqueCaptureBody,
} from "./test-app.test-fixture.js";

const OWNER = { repId: "rep-1", department: "east" };

let t: TestApp;
beforeEach(async () => {
  t = await testApp();
});
afterEach(async () => {
  await t.close();
});

const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
  t.app.inject({
    method: "POST",
    url,
    payload: payload as object,
    headers: { ...as("rep"), ...headers },
  });

describe("POST /leads", () => {
  it("captures: 201, Location, ETag, revision and position", async () => {
    const response = await post("/leads", uniqueCaptureBody(OWNER), { "idempotency-key": "cap-1" });
    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(response.headers.location).toBe(`/leads/${body.leadId}`);
    // The capture and the first grade by rule.
    expect(response.headers.etag).toBe('"1"');
    expect(body).toMatchObject({
      revision: 1,
      replayed: false,
      events: [{ type: "LeadCaptured" }, { type: "LeadGraded" }],
    });
    expect(body.position).toMatch(/^[0-9]+$/);
  });

  it("generates the command id when Idempotency-Key is absent and echoes it", async () => {
    const body = uniqueCaptureBody(OWNER);
    const response = await post("/leads", body);
    expect(response.statusCode).toBe(201);
    // A UUID version 7, whose timestamp the lead id takes on.
    const key = String(response.headers["idempotency-key"]);
    expect(key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(response.json().leadId.slice(0, 13)).toBe(key.slice(0, 13));
    const retried = await post("/leads", body, { "idempotency-key": key });
    expect(retried.headers["idempotent-replayed"]).toBe("true");
    expect(retried.json().leadId).toBe(response.json().leadId);
  });

  it("replays a retried capture and refuses the key with another body", async () => {
    const body = uniqueCaptureBody(OWNER);
    const first = await post("/leads", body, { "idempotency-key": "cap-retry" });
    const again = await post("/leads", body, { "idempotency-key": "cap-retry" });
    expect(again.statusCode).toBe(201);
    expect(again.headers["idempotent-replayed"]).toBe("true");
    expect(again.json().leadId).toBe(first.json().leadId);
    const other = await post(
      "/leads",
      { ...body, referrerName: "某人" },
      { "idempotency-key": "cap-retry" },
    );
    expect(other.statusCode).toBe(422);
    expect(problemOf(other).code).toBe("idempotency.mismatch");
  });

  it("refuses a duplicate phone with the existing lead's id", async () => {
    const body = uniqueCaptureBody(OWNER);
    const first = await post("/leads", body);
    const duplicate = await post("/leads", body);
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json()).toMatchObject({
      code: "lead.duplicate",
      existingLeadId: first.json().leadId,
      type: "urn:leadledger:problem:lead.duplicate",
    });
  });

  it("answers a bad body with the paths that are wrong, as a problem", async () => {
    const response = await post("/leads", { ...captureBody(), party: { kind: "company" } });
    expect(response.statusCode).toBe(400);
    const problem = response.json();
    expect(problem.code).toBe("input.invalid");
    expect(problem.problems.map((p: { path: string }) => p.path)).toContain(
      "body.party.companyName",
    );
    const badLeadId = await post("/leads", { ...uniqueCaptureBody(OWNER), leadId: "LEAD-1" });
    expect(badLeadId.json().problems).toEqual([
      {
        path: "body.leadId",
        expected: "a lead id: a UUID in lower case, like 0190c3e4-7a1b-7c2d-8e3f-4a5b6c7d8e9f",
        type: "LeadId",
      },
    ]);
  });

  it("answers rule violations with 422", async () => {
    const { lateEntryReason: _dropped, ...body } = uniqueCaptureBody(OWNER);
    const response = await post("/leads", body);
    expect(response.statusCode).toBe(422);
    expect(problemOf(response).code).toBe("capture.late-entry-reason-required");
  });

  it("answers unreadable bodies with problems, never a 500", async () => {
    const broken = await t.app.inject({
      method: "POST",
      url: "/leads",
      headers: { ...as("rep"), "content-type": "application/json" },
      payload: "{not json",
    });
    expect(broken.statusCode).toBe(400);
    expect(problemOf(broken).code).toBe("input.invalid");
    expect(broken.json().problems).toEqual([
      { path: "body", expected: 'a well-formed JSON object, like {"kind": "call-on"}' },
    ]);
    const text = await t.app.inject({
      method: "POST",
      url: "/leads",
      headers: { ...as("rep"), "content-type": "application/xml" },
      payload: "<lead/>",
    });
    expect(text.statusCode).toBe(415);
    expect(problemOf(text).code).toBe("http.unsupported-media-type");
    const array = await post("/leads", [1, 2]);
    expect(array.statusCode).toBe(400);
  });
});

describe("commands on a lead", () => {
  let leadId: string;
  beforeEach(async () => {
    leadId = await capture(t.app, "rep", OWNER);
  });

  const command = (
    url: string,
    payload: unknown,
    key: string,
    headers: Record<string, string> = {},
  ) => post(`/leads/${leadId}${url}`, payload, { "idempotency-key": key, ...headers });

  it("records contacts, visits, grades, conversion with ETag and revision", async () => {
    const contact = await command(
      "/contacts",
      {
        occurredAt: "2026-11-02T05:00:00.000Z",
        method: "phone",
        direction: "outbound",
        topics: ["fees"],
        intent: "preliminary",
        outcome: "reached",
      },
      "c-1",
    );
    expect(contact.statusCode).toBe(200);
    expect(contact.json().revision).toBeGreaterThanOrEqual(1);
    expect(contact.headers.etag).toBe(`"${contact.json().revision}"`);
    const visit = await command("/visits", { kind: "inspection", intent: "stated" }, "v-1");
    expect(visit.statusCode).toBe(200);
    expect(visit.json().events[0].type).toBe("LeadVisited");
    const grade = await command(
      "/grades",
      { by: "manual", grade: "high", reason: "visited" },
      "g-1",
    );
    expect(grade.statusCode).toBe(200);
    const noReason = await command("/grades", { by: "manual", grade: "high" }, "g-2");
    expect(problemOf(noReason).code).toBe("grade.reason-required");
    const converted = await command(
      "/conversion",
      { contractRef: "HT-1", dealValue: { amount: 1000, currency: "CNY" } },
      "cv-1",
    );
    expect(converted.statusCode).toBe(200);
    const twice = await command(
      "/conversion",
      { contractRef: "HT-2", dealValue: { amount: 1000, currency: "CNY" } },
      "cv-2",
    );
    expect(twice.statusCode).toBe(409);
    expect(problemOf(twice).code).toBe("lead.already-converted");
  });

  it("amends, reassigns, flags, clears and purges", async () => {
    expect(
      (await command("/amendments", { reason: "fax known", contact: { fax: "+86 571 1" } }, "a-1"))
        .statusCode,
    ).toBe(200);
    expect(problemOf(await command("/amendments", { reason: "nothing" }, "a-2")).code).toBe(
      "amendment.empty",
    );
    expect(
      (await command("/assignment", { to: { repId: "rep-2", department: "east" } }, "as-1"))
        .statusCode,
    ).toBe(200);
    // rep-1 no longer owns it: the lead is out of reach, so it does not exist for rep-1.
    const gone = await command("/purge-flag", { reason: "duplicate" }, "f-0");
    expect(gone.statusCode).toBe(404);
    const head = as("head");
    expect(
      (await command("/purge-flag", { reason: "no-intent-long-silence" }, "f-1", head)).statusCode,
    ).toBe(200);
    const clear = await t.app.inject({
      method: "DELETE",
      url: `/leads/${leadId}/purge-flag`,
      headers: { ...head, "idempotency-key": "cl-1" },
    });
    expect(clear.statusCode).toBe(200);
    expect(clear.json().events[0].type).toBe("PurgeFlagCleared");
    expect(problemOf(await command("/purge", { recheckNote: "x" }, "p-0", head)).code).toBe(
      "purge.not-flagged",
    );
    await command(
      "/purge-flag",
      { reason: "invalid-data", occurredAt: "2026-11-19T00:00:00Z" },
      "f-2",
      head,
    );
    const purged = await command("/purge", { recheckNote: "number dead" }, "p-1", head);
    expect(purged.statusCode).toBe(200);
    expect(problemOf(await command("/contacts", {}, "c-after", head)).code).toBe("input.invalid");
    const after = await command("/visits", { kind: "call-on", intent: "none" }, "v-after", head);
    expect(after.statusCode).toBe(409);
    expect(problemOf(after).code).toBe("lead.purged");
  });

  it("names every wrong part of a command's body by its path in the body", async () => {
    const response = await command(
      "/visits",
      { kind: "nope", intent: 5, occurredAt: "yesterday", extra: true },
      "v-bad-body",
    );
    expect(response.statusCode).toBe(400);
    expect(response.headers["content-type"]).toContain("application/problem+json");
    expect(response.json().problems).toEqual([
      { path: "body.kind", expected: "one of: inspection, call-on", type: "VisitKind" },
      {
        path: "body.intent",
        expected: "one of: stated, preliminary, none, declined",
        type: "Intent",
      },
      {
        path: "body.occurredAt",
        expected: expect.stringMatching(
          /^an ISO-8601 instant with offset, like 2026-11-20T08:00:00Z/,
        ),
        type: "Instant",
      },
    ]);
  });

  it("requires Idempotency-Key on commands other than capture", async () => {
    const response = await post(`/leads/${leadId}/visits`, { kind: "call-on", intent: "none" });
    expect(response.statusCode).toBe(400);
    expect(response.json().problems).toEqual([
      {
        path: "header.Idempotency-Key",
        expected: "1 to 128 visible ASCII characters (letters, digits, punctuation; no spaces)",
        type: "CommandId",
      },
    ]);
  });

  it("maps If-Match to the expected revision: 412 on mismatch", async () => {
    const visit = { kind: "call-on", intent: "none" };
    const stale = await command("/visits", visit, "im-1", { "if-match": '"5"' });
    expect(stale.statusCode).toBe(412);
    expect(stale.json()).toMatchObject({
      code: "concurrency.conflict",
      actual: "1",
      expected: "5",
    });
    const fresh = await command("/visits", visit, "im-2", { "if-match": '"1"' });
    expect(fresh.statusCode).toBe(200);
    const malformed = await command("/visits", visit, "im-3", { "if-match": 'W/"1"' });
    expect(malformed.statusCode).toBe(400);
  });

  it("answers a malformed lead id and an unknown lead", async () => {
    const bad = await post(
      "/leads/not-a-uuid/visits",
      { kind: "call-on", intent: "none" },
      { "idempotency-key": "x" },
    );
    expect(bad.statusCode).toBe(400);
    const unknown = await post(
      "/leads/00000000-0000-4000-8000-000000000000/visits",
      { kind: "call-on", intent: "none" },
      { "idempotency-key": "x" },
    );
    expect(unknown.statusCode).toBe(404);
    expect(problemOf(unknown).code).toBe("lead.not-found");
  });
});

describe("queries", () => {
  it("reads a lead now and as of an instant, with ETag", async () => {
    const leadId = await capture(t.app, "rep", OWNER);
    const response = await t.app.inject({ url: `/leads/${leadId}`, headers: as("rep") });
    expect(response.statusCode).toBe(200);
    expect(response.headers.etag).toBe('"1"');
    expect(response.json()).toMatchObject({ leadId, stage: "new", revision: 1, owner: OWNER });
    expect(response.json().personal.party.kind).toBe("company");
    const before = await t.app.inject({
      url: `/leads/${leadId}?asOf=2026-01-01T00:00:00Z`,
      headers: as("rep"),
    });
    expect(before.statusCode).toBe(404);
    const badAsOf = await t.app.inject({
      url: `/leads/${leadId}?asOf=yesterday`,
      headers: as("rep"),
    });
    expect(badAsOf.statusCode).toBe(400);
    expect(badAsOf.json().problems[0].path).toBe("query.asOf");
  });

  it("gives the history with actor, times, command id and chain status", async () => {
    const leadId = await capture(t.app, "rep", OWNER);
    const response = await t.app.inject({ url: `/leads/${leadId}/history`, headers: as("head") });
    expect(response.statusCode).toBe(200);
    const history = response.json();
    expect(history.chain).toMatchObject({ intact: true, eventCount: 2 });
    expect(history.events[0]).toMatchObject({
      revision: 0,
      type: "LeadCaptured",
      actor: { id: "rep-1" },
      chain: "ok",
    });
    expect(history.events[0].commandId).toBeTypeOf("string");
    expect(history.events[0].hash).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);
  });

  it("lists leads with filters and cursor pagination, reading its own writes", async () => {
    let position = "0";
    for (let i = 0; i < 5; i++) {
      const response = await post("/leads", uniqueCaptureBody(OWNER));
      position = response.json().position;
    }
    position = (
      await post("/leads", uniqueCaptureBody({ repId: "rep-2", department: "east" }), as("head"))
    ).json().position;
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const response: LightMyRequestResponse = await t.app.inject({
        url: `/leads?limit=2&minPosition=${position}${cursor === null ? "" : `&cursor=${cursor}`}`,
        headers: as("rep"),
      });
      expect(response.statusCode).toBe(200);
      const page = response.json<{ items: { leadId: string }[]; nextCursor: string | null }>();
      seen.push(...page.items.map((item: { leadId: string }) => item.leadId));
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);
    const head = await t.app.inject({
      url: `/leads?owner=rep-2&stage=new&minPosition=${position}`,
      headers: as("head"),
    });
    expect(head.json().items).toHaveLength(1);
    const filtered = await t.app.inject({ url: "/leads?grade=high", headers: as("head") });
    expect(filtered.json().items).toHaveLength(0);
    const bad = await t.app.inject({ url: "/leads?stage=done&limit=0", headers: as("head") });
    expect(bad.statusCode).toBe(400);
    expect(
      bad
        .json()
        .problems.map((p: { path: string }) => p.path)
        .sort(),
    ).toEqual(["query.limit", "query.stage"]);
    const badCursor = await t.app.inject({ url: "/leads?cursor=%%%", headers: as("head") });
    expect(badCursor.statusCode).toBe(400);
    expect(badCursor.json().problems).toEqual([
      {
        path: "query.cursor",
        expected: "the nextCursor of an earlier page of this list, passed back unchanged",
        type: "Cursor",
      },
    ]);
  });

  it("waits for minPosition, and gives up with 503 when it is never reached", async () => {
    const response = await t.app.inject({
      url: "/views/pipeline?minPosition=999999",
      headers: as("head"),
    });
    expect(response.statusCode).toBe(503);
    expect(problemOf(response).code).toBe("projection.wait-timed-out");
    expect(response.headers["retry-after"]).toBe("1");
  });

  it("serves every view and the rep report, scoped to the caller", async () => {
    const created = await post("/leads", uniqueCaptureBody(OWNER));
    const leadId = created.json().leadId;
    const contacted = await post(
      `/leads/${leadId}/contacts`,
      {
        occurredAt: "2026-11-02T05:00:00.000Z",
        method: "phone",
        direction: "outbound",
        topics: ["fees"],
        intent: "preliminary",
        outcome: "reached",
      },
      { "idempotency-key": "view-c" },
    );
    await post(
      `/leads/${leadId}/conversion`,
      { contractRef: "HT-9", dealValue: { amount: 5, currency: "CNY" } },
      { "idempotency-key": "view-cv" },
    );
    expect(contacted.statusCode).toBe(200);
    // Two leads for the south rep: enough for the follow-up list's limit to cut one.
    await t.app.inject({
      method: "POST",
      url: "/leads",
      headers: as("southHead"),
      payload: uniqueCaptureBody({ repId: "rep-9", department: "south" }),
    });
    const south = await t.app.inject({
      method: "POST",
      url: "/leads",
      headers: as("southHead"),
      payload: uniqueCaptureBody({ repId: "rep-9", department: "south" }),
    });
    const position = south.json().position;
    const view = async (url: string, who: "rep" | "executive" | "southRep" = "rep") => {
      const response = await t.app.inject({
        url: `${url}${url.includes("?") ? "&" : "?"}minPosition=${position}`,
        headers: as(who),
      });
      expect(response.statusCode, `${url}: ${response.body}`).toBe(200);
      return response.json();
    };
    expect((await view("/views/pipeline?by=stage,grade")).total).toBe(1);
    expect((await view("/views/pipeline", "executive")).total).toBe(3);
    expect((await view("/views/pipeline", "southRep")).total).toBe(2);
    const rate = await view("/views/conversion-rate?basis=cohort&by=channel,period&period=month");
    expect(rate.total).toEqual({ numerator: 1, denominator: 1, rate: 1 });
    expect(
      (
        await view(
          "/views/conversion-rate?basis=period&from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z",
        )
      ).total.numerator,
    ).toBe(1);
    expect((await view("/views/follow-up-cycle?by=owner")).total.count).toBe(1);
    expect((await view("/views/timeliness?by=department")).total.firstContact.denominator).toBe(1);
    const followUps = await view("/views/follow-ups?horizonHours=48", "southRep");
    expect(followUps.owners).toHaveLength(1);
    expect(followUps.owners[0].leads).toHaveLength(2);
    const listed = await view("/views/follow-ups?horizonHours=48&limit=1", "southRep");
    expect(listed).toEqual({
      ...followUps,
      owners: [{ ...followUps.owners[0], leads: followUps.owners[0].leads.slice(0, 1) }],
    });
    const report = await view("/reports/reps?period=2026-11");
    expect(report.period).toEqual({
      label: "2026-11",
      from: "2026-11-01T00:00:00.000Z",
      to: "2026-12-01T00:00:00.000Z",
    });
    expect(report.reps[0]).toMatchObject({ ownerId: "rep-1", effectiveLeadsGained: 1 });
    expect((await view("/reports/reps?period=2026-Q4&utcOffsetMinutes=480")).period.label).toBe(
      "2026-Q4",
    );
    for (const url of [
      "/reports/reps",
      "/reports/reps?period=2026-13",
      "/views/pipeline?by=colour",
      "/views/conversion-rate?basis=both",
      "/views/conversion-rate?from=2026-12-01T00:00:00Z&to=2026-11-01T00:00:00Z",
      "/views/timeliness?utcOffsetMinutes=9999",
      "/views/follow-ups?horizonHours=-1",
      "/views/follow-ups?limit=0",
      "/views/follow-ups?limit=1001",
    ]) {
      const response = await t.app.inject({ url, headers: as("rep") });
      expect(response.statusCode, url).toBe(400);
      expect(problemOf(response).code).toBe("input.invalid");
    }
  });
});

describe("authentication and limits", () => {
  it("answers 401 without a token or with an unknown one", async () => {
    const none = await t.app.inject({ url: "/views/pipeline" });
    expect(none.statusCode).toBe(401);
    expect(none.headers["www-authenticate"]).toContain("Bearer");
    expect(problemOf(none).code).toBe("auth.missing-token");
    const unknown = await t.app.inject({
      url: "/leads",
      headers: { authorization: "Bearer nope" },
    });
    expect(problemOf(unknown).code).toBe("auth.unknown-token");
  });

  it("answers unknown paths with a problem", async () => {
    const response = await t.app.inject({ url: "/nowhere", headers: as("rep") });
    expect(response.statusCode).toBe(404);
    expect(problemOf(response).code).toBe("http.not-found");
  });

  it("rate-limits per actor with 429 and Retry-After", async () => {
    const limited = await testApp({ rateLimit: { max: 2, windowMs: 60_000 } });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 3; i++) {
        codes.push(
          (await limited.app.inject({ url: "/views/pipeline", headers: as("rep") })).statusCode,
        );
      }
      expect(codes).toEqual([200, 200, 429]);
      const other = await limited.app.inject({ url: "/views/pipeline", headers: as("head") });
      expect(other.statusCode).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it("refuses bodies over the limit with 413", async () => {
    const small = await testApp();
    try {
      const response = await small.app.inject({
        method: "POST",
        url: "/leads",
        headers: as("rep"),
        payload: { huge: "x".repeat(2_000_000) },
      });
      expect(response.statusCode).toBe(413);
      expect(problemOf(response).code).toBe("http.payload-too-large");
    } finally {
      await small.close();
    }
  });
});

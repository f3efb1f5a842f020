import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ActorName,
  as,
  capture,
  problemOf,
  type TestApp,
  testApp,
  uniqueCaptureBody,
} from "./test-app.test-fixture.js";

// Issue 12, items 3 to 6, over HTTP: a lead outside the caller's reach answers exactly as
// a lead that does not exist, whatever the route, the body or If-Match; rule 9's refusals
// say what each role may learn (docs/privacy.md, "What each role learns").

let t: TestApp;
let southLead: string;
const NEVER_CAPTURED = "3c4d5e6f-0a1b-4c2d-8e3f-405162738495";
beforeAll(async () => {
  t = await testApp();
  southLead = await capture(t.app, "southRep", { repId: "rep-9", department: "south" });
});
afterAll(async () => {
  await t.close();
});

/** A problem's body with the lead id it names taken out: what must not differ. */
const withoutLeadId = (body: Record<string, unknown>) => {
  const { leadId: _named, ...rest } = body;
  return rest;
};

describe("a capture naming a lead id (item 3)", () => {
  it("answers a rep 403 alike for a hidden lead and a free id, with or without If-Match", async () => {
    const answers = [];
    for (const leadId of [southLead, NEVER_CAPTURED]) {
      for (const ifMatch of [undefined, '"0"', '"1"']) {
        const response = await t.app.inject({
          method: "POST",
          url: "/leads",
          headers: { ...as("rep"), ...(ifMatch === undefined ? {} : { "if-match": ifMatch }) },
          payload: { ...uniqueCaptureBody({ repId: "rep-1", department: "east" }), leadId },
        });
        answers.push({ status: response.statusCode, body: response.json() });
      }
    }
    expect(answers.map((answer) => answer.status)).toEqual([403, 403, 403, 403, 403, 403]);
    expect(new Set(answers.map((answer) => JSON.stringify(answer.body))).size).toBe(1);
    expect(JSON.stringify(answers)).not.toContain(southLead);
    expect(answers[0]?.body).toMatchObject({ code: "access.denied" });
    expect(answers[0]?.body).not.toHaveProperty("actual");
  });

  it("lets the executive capture under a chosen id (imports, migrations)", async () => {
    const response = await t.app.inject({
      method: "POST",
      url: "/leads",
      headers: as("executive"),
      payload: {
        ...uniqueCaptureBody({ repId: "rep-1", department: "east" }),
        leadId: "7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d",
      },
    });
    expect(response.statusCode).toBe(201);
    expect(response.json().leadId).toBe("7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d");
  });
});

describe("a command on a hidden lead and on a lead never captured (item 4)", () => {
  it.each([undefined, '"0"', '"1"', "*"])(
    "answer the same 404 with If-Match %s",
    async (ifMatch) => {
      const send = (leadId: string, key: string) =>
        t.app.inject({
          method: "POST",
          url: `/leads/${leadId}/contacts`,
          headers: {
            ...as("rep"),
            "idempotency-key": key,
            ...(ifMatch === undefined ? {} : { "if-match": ifMatch }),
          },
          payload: {
            method: "phone",
            direction: "outbound",
            topics: [],
            intent: "none",
            outcome: "reached",
          },
        });
      const hidden = await send(southLead, `hidden-${ifMatch}`);
      const missing = await send(NEVER_CAPTURED, `missing-${ifMatch}`);
      expect([hidden.statusCode, missing.statusCode]).toEqual([404, 404]);
      expect(withoutLeadId(problemOf(hidden))).toEqual(withoutLeadId(problemOf(missing)));
      expect(problemOf(hidden).code).toBe("lead.not-found");
    },
  );
});

describe("reads of a hidden lead and of a lead never captured (item 6)", () => {
  it.each(["", "/history", "?asOf=2026-11-19T00:00:00Z"])(
    "answer the same 404 for GET /leads/{id}%s",
    async (suffix) => {
      const hidden = await t.app.inject({
        url: `/leads/${southLead}${suffix}`,
        headers: as("rep"),
      });
      const missing = await t.app.inject({
        url: `/leads/${NEVER_CAPTURED}${suffix}`,
        headers: as("rep"),
      });
      expect([hidden.statusCode, missing.statusCode]).toEqual([404, 404]);
      expect(withoutLeadId(problemOf(hidden))).toEqual(withoutLeadId(problemOf(missing)));
      expect(Object.keys(hidden.headers).sort()).toEqual(Object.keys(missing.headers).sort());
    },
  );
});

describe("what rule 9 tells each role (item 5)", () => {
  // A lead of rep-1 (east); each caller then captures the same person for an owner of theirs.
  const cases: Array<[ActorName, { repId: string; department: string }, boolean]> = [
    ["rep", { repId: "rep-1", department: "east" }, true],
    ["otherRep", { repId: "rep-2", department: "east" }, false],
    ["southRep", { repId: "rep-9", department: "south" }, false],
    ["head", { repId: "rep-2", department: "east" }, true],
    ["southHead", { repId: "rep-9", department: "south" }, false],
    ["executive", { repId: "rep-9", department: "south" }, true],
  ];

  it.each(cases)(
    "%s is told the existing lead's id only when it reaches it",
    async (actor, owner, inReach) => {
      const first = uniqueCaptureBody({ repId: "rep-1", department: "east" });
      const created = await t.app.inject({
        method: "POST",
        url: "/leads",
        headers: as("rep"),
        payload: first,
      });
      expect(created.statusCode).toBe(201);
      const existing: string = created.json().leadId;
      const again = await t.app.inject({
        method: "POST",
        url: "/leads",
        headers: as(actor),
        payload: { ...uniqueCaptureBody(owner), contact: first.contact },
      });
      const problem = problemOf(again);
      expect(problem).toEqual({
        type: "urn:leadledger:problem:lead.duplicate",
        title: "This phone or e-mail already belongs to someone's active lead",
        status: 409,
        code: "lead.duplicate",
        matchedOn: "phone",
        ...(inReach ? { existingLeadId: existing } : {}),
      });
      if (!inReach) expect(again.body).not.toContain(existing);
    },
  );

  it.each(cases)(
    "%s is told that the person asked to be erased, and nothing else",
    async (actor, owner) => {
      const first = uniqueCaptureBody({ repId: "rep-1", department: "east" });
      const created = await t.app.inject({
        method: "POST",
        url: "/leads",
        headers: as("rep"),
        payload: first,
      });
      const existing: string = created.json().leadId;
      const erased = await t.app.inject({
        method: "POST",
        url: `/leads/${existing}/purge`,
        headers: { ...as("head"), "idempotency-key": `erase-${existing}` },
        payload: { erasureRequest: true },
      });
      expect(erased.statusCode).toBe(200);
      const again = await t.app.inject({
        method: "POST",
        url: "/leads",
        headers: as(actor),
        payload: { ...uniqueCaptureBody(owner), contact: first.contact },
      });
      expect(problemOf(again)).toEqual({
        type: "urn:leadledger:problem:lead.suppressed",
        title: "This person asked to be erased; capture needs their renewed consent",
        status: 409,
        code: "lead.suppressed",
        matchedOn: "phone",
      });
    },
  );
});

import { afterEach, describe, expect, it } from "vitest";
import {
  as,
  capture,
  NOW,
  problemOf,
  type TestApp,
  testApp,
  uniqueCaptureBody,
} from "./test-app.test-fixture.js";

// Issue 12, items 1 and 2, over HTTP: a retry of the same request replays whatever the
// defaults (the server no longer dates a command before the ledger compares it), and an
// Idempotency-Key is the caller's own.

let t: TestApp;
afterEach(async () => {
  await t.close();
});

/** The server's clock moves on by a millisecond at every look, as a real one does. */
const movingClock = () => {
  let now = NOW - 60_000;
  return () => {
    now += 1;
    return now;
  };
};

const CONTACT = {
  method: "phone",
  direction: "outbound",
  topics: ["fees"],
  intent: "preliminary",
  outcome: "reached",
};

const ROUTES: Array<[string, "POST" | "DELETE", string, object]> = [
  ["a contact", "POST", "/contacts", CONTACT],
  ["a grade", "POST", "/grades", { by: "manual", grade: "medium", reason: "asked for fees" }],
  ["a visit", "POST", "/visits", { kind: "inspection", intent: "stated" }],
  ["a purge flag", "POST", "/purge-flag", { reason: "no-intent-long-silence" }],
  ["the clearing of a purge flag", "DELETE", "/purge-flag", { note: "still interested" }],
];

describe("a retried command without occurredAt (item 1)", () => {
  it.each(ROUTES)("replays %s a moment later", async (_what, method, path, body) => {
    t = await testApp({ clock: movingClock() });
    const leadId = await capture(t.app, "rep", { repId: "rep-1", department: "east" });
    if (path === "/purge-flag" && method === "DELETE") {
      const flagged = await t.app.inject({
        method: "POST",
        url: `/leads/${leadId}/purge-flag`,
        headers: { ...as("rep"), "idempotency-key": "flag-first" },
        payload: { reason: "no-intent-long-silence" },
      });
      expect(flagged.statusCode).toBe(200);
    }
    const send = () =>
      t.app.inject({
        method,
        url: `/leads/${leadId}${path}`,
        headers: { ...as("rep"), "idempotency-key": "K" },
        payload: body,
      });
    const first = await send();
    expect(first.statusCode).toBe(200);
    const written = await t.eventCount();
    const again = await send();
    expect(again.statusCode).toBe(200);
    expect(again.headers["idempotent-replayed"]).toBe("true");
    expect(again.json()).toEqual({ ...first.json(), replayed: true });
    expect(await t.eventCount()).toBe(written);
  });

  it("answers 100 identical concurrent retries with 2xx, executing the command once", async () => {
    t = await testApp({ clock: movingClock() });
    const leadId = await capture(t.app, "rep", { repId: "rep-1", department: "east" });
    const before = await t.eventCount();
    const answers = await Promise.all(
      Array.from({ length: 100 }, () =>
        t.app.inject({
          method: "POST",
          url: `/leads/${leadId}/contacts`,
          headers: { ...as("rep"), "idempotency-key": "contact-once" },
          payload: CONTACT,
        }),
      ),
    );
    expect(answers.map((answer) => answer.statusCode)).toEqual(answers.map(() => 200));
    const executed = answers.filter((answer) => answer.headers["idempotent-replayed"] !== "true");
    expect(executed).toHaveLength(1);
    const events: unknown[] = executed[0]?.json().events;
    expect(await t.eventCount()).toBe(before + events.length);
    const revisions = new Set(answers.map((answer) => answer.json().revision));
    expect(revisions.size).toBe(1);
  });
});

describe("an Idempotency-Key is its caller's own (item 2)", () => {
  it("another department's rep reusing a capture's key never gets the first lead back", async () => {
    t = await testApp();
    const body = uniqueCaptureBody({ repId: "rep-1", department: "east" });
    const capture = (actor: "rep" | "southRep", payload: object) =>
      t.app.inject({
        method: "POST",
        url: "/leads",
        headers: { ...as(actor), "idempotency-key": "demo-capture-7" },
        payload,
      });
    const first = await capture("rep", body);
    expect(first.statusCode).toBe(201);
    const leadId: string = first.json().leadId;

    // The very same body: as for any new capture of a lead for an owner out of reach.
    const same = await capture("southRep", body);
    expect(problemOf(same)).toMatchObject({ status: 403, code: "access.denied" });
    // Another body under the same key: no idempotency.mismatch to confirm the key exists.
    const theirs = { ...body, owner: { repId: "rep-9", department: "south" } };
    const other = await capture("southRep", theirs);
    expect(problemOf(other)).toEqual(
      expect.objectContaining({ status: 409, code: "lead.duplicate" }),
    );
    // Another person: a lead of the caller's own, under an id unrelated to the first.
    const another = await capture("southRep", {
      ...uniqueCaptureBody({ repId: "rep-9", department: "south" }),
    });
    expect(another.statusCode).toBe(201);
    expect(another.json().leadId).not.toBe(leadId);
    for (const answer of [same, other, another]) expect(answer.body).not.toContain(leadId);

    // The first caller's retry still replays its own capture.
    const retried = await capture("rep", body);
    expect(retried.statusCode).toBe(201);
    expect(retried.json()).toMatchObject({ leadId, replayed: true });
  });
});

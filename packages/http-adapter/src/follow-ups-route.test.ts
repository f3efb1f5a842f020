import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { as, capture, type TestApp, testApp } from "./test-app.test-fixture.js";

// GET /views/follow-ups: `owner` narrows the totals as well as the lists, and an agreed
// follow-up day is due during that day in the views' calendar (docs/metrics.md §3.5).

let t: TestApp;
let agreedToday: string;
let position = "0";

beforeAll(async () => {
  t = await testApp();
  // Captured weeks before the test clock and never contacted: each is overdue.
  await capture(t.app, "head", { repId: "rep-1", department: "east" });
  await capture(t.app, "head", { repId: "rep-2", department: "east" });
  agreedToday = await capture(t.app, "head", { repId: "rep-2", department: "east" });
  // The test clock is 2026-11-20 08:00 UTC: 16:00 of the same day in +08.
  const contacted = await t.app.inject({
    method: "POST",
    url: `/leads/${agreedToday}/contacts`,
    headers: { ...as("head"), "idempotency-key": "agree-today" },
    payload: {
      method: "phone",
      direction: "outbound",
      topics: ["fees"],
      intent: "preliminary",
      outcome: "follow-up-agreed",
      nextFollowUpOn: "2026-11-20",
    },
  });
  expect(contacted.statusCode, contacted.body).toBe(200);
  position = contacted.json().position;
});
afterAll(async () => {
  await t.close();
});

const view = async (query: string) => {
  const response = await t.app.inject({
    url: `/views/follow-ups?minPosition=${position}&${query}`,
    headers: as("head"),
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{
    due: number;
    overdue: number;
    owners: { ownerId: string; due: number; overdue: number; leads: { leadId: string }[] }[];
  }>();
};

describe("GET /views/follow-ups", () => {
  it("counts in its totals only the owner it was asked for", async () => {
    const one = await view("owner=rep-1");
    expect(one.owners.map((owner) => owner.ownerId)).toEqual(["rep-1"]);
    expect({ due: one.due, overdue: one.overdue }).toEqual({ due: 0, overdue: 1 });
    const other = await view("owner=rep-2");
    expect({ due: other.due, overdue: other.overdue }).toEqual({ due: 1, overdue: 1 });
    const all = await view("");
    expect({ due: all.due, overdue: all.overdue }).toEqual({ due: 1, overdue: 2 });
    expect((await view("owner=nobody")).owners).toEqual([]);
  });

  it("lists a follow-up agreed for today as due, not overdue, in UTC and in +08", async () => {
    for (const calendar of ["", "utcOffsetMinutes=480"]) {
      const report = await view(`owner=rep-2&${calendar}`);
      const rep2 = report.owners[0];
      expect(rep2?.leads.map((lead) => lead.leadId)).toContain(agreedToday);
      expect(report.owners[0]).toMatchObject({ due: 1, overdue: 1 });
    }
    // In -09 the 20th begins at 09:00 UTC: not yet due within a 0 h horizon.
    expect(await view("owner=rep-2&utcOffsetMinutes=-540&horizonHours=0")).toMatchObject({
      due: 0,
      overdue: 1,
    });
  });
});

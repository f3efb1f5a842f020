import { afterEach, describe, expect, it } from "vitest";
import { as, problemOf, type TestApp, testApp } from "./test-app.test-fixture.js";

// A misspelt filter (`?ower=rep-1`) was ignored and answered the unfiltered list; every
// query parameter a route does not take is now a 400 that names it (issue 14).

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe("a query parameter the route does not take", () => {
  it.each([
    ["/leads?ower=rep-1", "ower"],
    ["/leads/6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b?asof=2026-11-01T00:00:00Z", "asof"],
    ["/leads/6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b/history?limit=5", "limit"],
    ["/views/pipeline?by=owner&department=east", "department"],
    ["/views/follow-ups?owner=rep-1&grade=high", "grade"],
  ])("%s is refused, naming %s", async (url, name) => {
    t = await testApp();
    const answer = await t.app.inject({ url, headers: as("executive") });
    expect(answer.statusCode).toBe(400);
    expect(problemOf(answer)).toMatchObject({
      code: "input.invalid",
      problems: [
        {
          path: `query.${name}`,
          expected: expect.stringMatching(/^no such parameter: this route takes /),
          type: "UnknownParameter",
        },
      ],
    });
  });

  it("does not stop the parameters a route takes", async () => {
    t = await testApp();
    const answer = await t.app.inject({
      url: "/views/follow-ups?owner=rep-1&limit=5&utcOffsetMinutes=480",
      headers: as("executive"),
    });
    expect(answer.statusCode).toBe(200);
  });
});

import type { Identifier, Organisation } from "@leadledger/core";
import * as E from "fp-ts/lib/Either.js";
import { afterEach, describe, expect, it } from "vitest";
import { testOrganisation } from "./people-routes.test-fixture.js";
import { as, capture, NOW, type TestApp, testApp } from "./test-app.test-fixture.js";

// Issue 14: reports and views name reps by display name as well as id (docs/http.md).

let t: TestApp;
afterEach(async () => {
  await t.close();
});

/** The rep report of the test clock's month, as an executive reads it once `position` is in. */
const repReport = async (position: string) => {
  const response = await t.app.inject({
    url: `/reports/reps?period=2026-11&minPosition=${position}`,
    headers: as("executive"),
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ reps: { ownerId: string; ownerName: string | null }[] }>().reps;
};
/** The global position of the store's last event: the report waits until it has it. */
const lastPosition = async () => {
  const all = await t.store.readAll();
  if (E.isLeft(all)) throw new Error(all.left.code);
  return String(all.right[all.right.length - 1]?.position ?? 0n);
};

describe("GET /reports/reps", () => {
  it("names each rep by the organisation's display name, null for one it does not know", async () => {
    const organisation: Organisation = await testOrganisation();
    t = await testApp({ directory: organisation });
    await capture(t.app, "executive", { repId: "rep-1", department: "east" });
    await capture(t.app, "executive", { repId: "rep-9", department: "south" });
    await capture(t.app, "executive", { repId: "rep-unlisted", department: "east" });
    const reps = await repReport(await lastPosition());
    expect(reps.map((rep) => [rep.ownerId, rep.ownerName]).sort()).toEqual([
      ["rep-1", "张伟"],
      ["rep-9", "王芳"],
      ["rep-unlisted", null],
    ]);
    // A name read on every request: a person who left keeps theirs, one who joins gets one.
    expect(
      E.isRight(
        await organisation.join({
          personId: "rep-unlisted" as Identifier,
          displayName: "新人" as never,
          role: "rep",
          department: "east" as Identifier,
          at: new Date(NOW - 1_000).toISOString() as never,
        }),
      ),
    ).toBe(true);
    const again = await repReport(await lastPosition());
    expect(again.find((rep) => rep.ownerId === "rep-unlisted")?.ownerName).toBe("新人");
  });

  it("names nobody without an organisation", async () => {
    t = await testApp();
    await capture(t.app, "executive", { repId: "rep-1", department: "east" });
    const reps = await repReport(await lastPosition());
    expect(reps.map((rep) => rep.ownerName)).toEqual([null]);
  });
});

describe("GET /views/follow-ups", () => {
  it("names each owner row by the organisation's display name, null for one it does not know", async () => {
    t = await testApp({ directory: await testOrganisation() });
    await capture(t.app, "executive", { repId: "rep-2", department: "east" });
    await capture(t.app, "executive", { repId: "rep-unlisted", department: "east" });
    const response = await t.app.inject({
      url: `/views/follow-ups?minPosition=${await lastPosition()}`,
      headers: as("executive"),
    });
    expect(response.statusCode, response.body).toBe(200);
    const owners = response.json<{ owners: { ownerId: string; ownerName: string | null }[] }>()
      .owners;
    expect(owners.map((owner) => [owner.ownerId, owner.ownerName]).sort()).toEqual([
      ["rep-2", "李娜"],
      ["rep-unlisted", null],
    ]);
  });
});

import type { LeadEventFactsOnly } from "@leadledger/core";
import { foldLeadEvent, type LeadSummary, summaryInputOfFacts } from "@leadledger/projections";
import { arbLeadHistory } from "@leadledger/testkit";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LEAD_STAGES } from "./representation-codecs.js";
import { leadStageOf } from "./representations.js";
import { as, capture, problemOf, type TestApp, testApp } from "./test-app.test-fixture.js";

// One vocabulary of stages (docs/metrics.md §1): `GET /leads/{id}` said `active` where
// `GET /leads?stage=` and the pipeline know `new`, `contacted`, `visited`, `converted` and
// `purged`, so a client could not filter by what it had read (issue 13).

const OWNER = { repId: "rep-1", department: "east" };

let t: TestApp;
beforeEach(async () => {
  t = await testApp();
});
afterEach(async () => {
  await t.close();
});

const command = async (leadId: string, path: string, key: string, body: object) => {
  const response = await t.app.inject({
    method: path === "purge-flag-clear" ? "DELETE" : "POST",
    url: `/leads/${leadId}/${path === "purge-flag-clear" ? "purge-flag" : path}`,
    headers: { ...as("executive"), "idempotency-key": key },
    payload: body,
  });
  if (response.statusCode !== 200) throw new Error(`${path} failed: ${response.body}`);
  return response.json<{ position: string }>().position;
};

const CONTACT = {
  method: "phone",
  direction: "outbound",
  topics: ["fees"],
  intent: "preliminary",
  outcome: "reached",
};

/** One lead at each stage, by stage. */
const leadsAtEveryStage = async (): Promise<{ byStage: Record<string, string>; at: string }> => {
  const byStage: Record<string, string> = {};
  byStage.new = await capture(t.app, "rep", OWNER);
  byStage.contacted = await capture(t.app, "rep", OWNER);
  await command(byStage.contacted, "contacts", "c-1", CONTACT);
  byStage.visited = await capture(t.app, "rep", OWNER);
  await command(byStage.visited, "contacts", "c-2", CONTACT);
  await command(byStage.visited, "visits", "v-2", { kind: "call-on", intent: "stated" });
  byStage.converted = await capture(t.app, "rep", OWNER);
  await command(byStage.converted, "visits", "v-3", { kind: "inspection", intent: "stated" });
  await command(byStage.converted, "conversion", "k-3", {
    contractRef: "HT-1",
    dealValue: { amount: 100, currency: "CNY" },
  });
  byStage.purged = await capture(t.app, "rep", OWNER);
  const at = await command(byStage.purged, "purge", "p-4", { erasureRequest: true });
  return { byStage, at };
};

describe("the stages of a lead", () => {
  it("are named alike by GET /leads/{id}, GET /leads?stage= and the pipeline", async () => {
    const { byStage, at } = await leadsAtEveryStage();
    expect(Object.keys(byStage).sort()).toEqual(Object.keys(LEAD_STAGES).sort());
    for (const [stage, leadId] of Object.entries(byStage)) {
      const lead = await t.app.inject({ url: `/leads/${leadId}`, headers: as("head") });
      expect(lead.json().stage).toBe(stage);
      const listed = await t.app.inject({
        url: `/leads?stage=${stage}&minPosition=${at}`,
        headers: as("head"),
      });
      expect(listed.statusCode).toBe(200);
      expect(listed.json().items.map((row: { leadId: string }) => row.leadId)).toEqual([leadId]);
      expect(listed.json().items[0].stage).toBe(stage);
    }
    // The pipeline counts the active leads, every stage but purged, by the same names.
    const pipeline = await t.app.inject({
      url: `/views/pipeline?by=stage&minPosition=${at}`,
      headers: as("head"),
    });
    expect(pipeline.json()).toEqual({
      total: 4,
      cells: ["contacted", "converted", "new", "visited"].map((stage) => ({
        group: { stage },
        leads: 1,
      })),
    });
  });

  it("has no stage `active`: active means every stage but purged, and is no filter", async () => {
    const response = await t.app.inject({ url: "/leads?stage=active", headers: as("head") });
    expect(response.statusCode).toBe(400);
    expect(problemOf(response).code).toBe("input.invalid");
  });

  it("of the lead's state is the read model's stage, after any history", () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(arbLeadHistory({ maxCommands: 12 }), (history) => {
        let row: LeadSummary | undefined;
        history.events.forEach((event, revision) => {
          row = foldLeadEvent(row, summaryInputOfFacts(event as LeadEventFactsOnly), revision);
        });
        if (history.state === undefined || row === undefined) return;
        expect(leadStageOf(history.state)).toBe(row.stage);
        seen.add(row.stage);
      }),
      { numRuns: 300 },
    );
    // The histories reached every stage, so each rule of the mapping was compared.
    expect([...seen].sort()).toEqual(Object.keys(LEAD_STAGES).sort());
  });
});

// A program of a user who installed the packed tarballs with npm, outside the workspace:
// core and the SQLite adapter capture, contact and grade a lead and read it back; the HTTP
// plugin, mounted on the user's own Fastify, answers GET /leads/{id} from the projections.
// The testkit and the remaining entry points load. Any failure throws: the process exits
// non-zero.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLeadLedger, TBC } from "@leadledger/core";
import { leadLedgerRoutes, PROBLEM_MEDIA_TYPE } from "@leadledger/http-adapter";
import { createProjectionRunner } from "@leadledger/projections";
import {
  openSqliteEventStore,
  openSqliteKeyStore,
  openSqliteReadModelStore,
} from "@leadledger/sqlite-adapter";
import Fastify from "fastify";
import * as E from "fp-ts/lib/Either.js";

const dataDir = mkdtempSync(join(tmpdir(), "leadledger-consumer-"));
const eventStore = openSqliteEventStore({ path: join(dataDir, "events.db") });
const keyStore = openSqliteKeyStore({ path: join(dataDir, "keys.db") });
const ledger = createLeadLedger({ eventStore, keyStore, secret: randomBytes(32) });
const rep = { id: "rep-zhang", role: "rep", department: "east" };

const run = async (command) => {
  const outcome = await ledger.execute(rep, command);
  if (E.isLeft(outcome))
    throw new Error(`${command.type} refused: ${JSON.stringify(outcome.left)}`);
  return outcome.right;
};

// Business times: acquired three hours ago, contacted and graded since.
const at = (hours) => new Date(Date.now() - (3 - hours) * 3_600_000).toISOString();
const captured = await run({
  type: "CaptureLead",
  commandId: "expo-card-017",
  acquiredAt: at(0),
  // What the rep does not know yet is "to be confirmed", never left out.
  party: {
    kind: "individual",
    name: "李娜",
    gender: TBC,
    age: TBC,
    occupation: TBC,
    investmentExperience: TBC,
    availableFunds: TBC,
  },
  contact: { phone: "139 1234 5678", email: TBC, fax: TBC, messaging: TBC, address: TBC },
  needs: {
    investmentFields: ["catering"],
    investmentAmount: TBC,
    investmentHorizon: TBC,
    businessCategory: TBC,
    site: { area: TBC, location: TBC, fitOut: TBC },
  },
  source: { channel: "exhibition", sourceClass: "own", inquiryMode: "inbound" },
  classification: {
    industry: "catering",
    companySize: TBC,
    needType: "general",
    region: "south-west",
  },
  owner: { repId: "rep-zhang", department: "east" },
});
const leadId = captured.leadId;
await run({
  type: "RecordContact",
  commandId: "call-1",
  leadId,
  occurredAt: at(1),
  method: "phone",
  direction: "outbound",
  topics: ["franchise-policy"],
  intent: "preliminary",
  outcome: "materials-sent",
  summary: "Sent the franchise brochure.",
});
const graded = await run({
  type: "GradeLead",
  commandId: "grade-1",
  leadId,
  occurredAt: at(2),
  by: "manual",
  grade: "high",
  reason: "Has the funds and a site in mind.",
});
// The outcome serialises with JSON.stringify as it stands.
assert.equal(JSON.parse(JSON.stringify(graded)).leadId, leadId);

const lead = await ledger.getLead(rep, leadId);
if (E.isLeft(lead)) throw new Error(`getLead: ${lead.left.code}`);
assert.equal(lead.right.state.stage, "active");
assert.equal(lead.right.state.grade?.grade, "high");
const history = await ledger.getHistory(rep, leadId);
if (E.isLeft(history)) throw new Error(`getHistory: ${history.left.code}`);
assert.equal(history.right.entries.at(-1)?.event.type, "LeadGraded");
assert.equal(history.right.verification.intact, true);

// The plugin on the user's own Fastify, its views read from a SQLite read model.
const runner = createProjectionRunner({
  events: eventStore,
  readModel: openSqliteReadModelStore({ path: join(dataDir, "read-model.db") }),
});
const started = await runner.start();
if (E.isLeft(started)) throw new Error(`the projection runner: ${started.left.code}`);
const app = Fastify();
await app.register(leadLedgerRoutes, {
  prefix: "/api",
  ledger,
  readModel: runner,
  authenticate: (request) =>
    request.headers.authorization === "Bearer rep-token"
      ? E.right(rep)
      : E.left({ code: "auth.unknown-token" }),
});
const read = await app.inject({
  url: `/api/leads/${leadId}`,
  headers: { authorization: "Bearer rep-token" },
});
assert.equal(read.statusCode, 200, read.body);
assert.equal(read.json().leadId, leadId, read.body);
assert.equal(read.json().stage, "contacted", read.body);
assert.equal(read.json().integrity.intact, true, read.body);
const refused = await app.inject({ url: `/api/leads/${leadId}` });
assert.equal(refused.statusCode, 401);
assert.equal(refused.headers["content-type"]?.split(";")[0], PROBLEM_MEDIA_TYPE);

await app.close();
await runner.stop();
await eventStore.close();
await keyStore.close();
rmSync(dataDir, { recursive: true, force: true });

// The testkit's main entry loads outside a test run (fast-check, its peer, comes with it),
// and every other entry point loads in plain Node.
const { given, recordContact, repActor } = await import("@leadledger/testkit");
given({ actor: repActor, now: "2026-11-02T02:00:00Z" })
  .when(recordContact())
  .thenFails("lead.not-found");
const { expectedRevisionConflict } = await import("@leadledger/core/adapter");
assert.equal(typeof expectedRevisionConflict, "function");
const { openEventStoreDbEventStore } = await import("@leadledger/eventstoredb-adapter");
assert.equal(typeof openEventStoreDbEventStore, "function");
const { createServer } = await import("@leadledger/server");
assert.equal(typeof createServer, "function");
console.log(
  `captured, contacted, graded and read lead ${leadId}; GET /api/leads/{id} answered 200`,
);

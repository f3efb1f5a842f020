// A TypeScript user's view of the installed tarballs, type-checked with skipLibCheck off:
// every entry point's declarations resolve against what npm installed (the peers fp-ts,
// io-ts, fast-check and fastify included), the plugin's request augmentation reaches the
// user's own hooks, and a mistaken command literal is a compile error.
import { randomBytes } from "node:crypto";
import {
  type Actor,
  createInMemoryEventStore,
  createInMemoryKeyStore,
  createLeadLedger,
  type LeadCommandInput,
} from "@leadledger/core";
import { expectedRevisionConflict } from "@leadledger/core/adapter";
import { openEventStoreDbEventStore } from "@leadledger/eventstoredb-adapter";
import { leadLedgerRoutes } from "@leadledger/http-adapter";
import {
  createInMemoryReadModelStore,
  createProjectionRunner,
  pipeline,
} from "@leadledger/projections";
import { createServer } from "@leadledger/server";
import { checkDatabaseIntegrity, openSqliteEventStore } from "@leadledger/sqlite-adapter";
import { arbLeadHistory, captureLead, given, repActor } from "@leadledger/testkit";
import * as fc from "fast-check";
import Fastify from "fastify";
import * as E from "fp-ts/lib/Either.js";

const eventStore = createInMemoryEventStore();
const ledger = createLeadLedger({
  eventStore,
  keyStore: createInMemoryKeyStore(),
  secret: randomBytes(32),
});
const rep: Actor = repActor;

const app = Fastify();
app.addHook("preHandler", async (request) => {
  const actor: Actor | null = request.leadLedgerActor;
  void actor;
});
void app.register(leadLedgerRoutes, {
  ledger,
  readModel: createProjectionRunner({
    events: eventStore,
    readModel: createInMemoryReadModelStore(),
  }),
  authenticate: () => E.right(rep),
});

const contact: LeadCommandInput = {
  type: "RecordContact",
  commandId: "call-1",
  leadId: "0190c3e4-7a1b-7c2d-8e3f-4a5b6c7d8e9f",
  method: "phone",
  direction: "outbound",
  topics: ["fees"],
  intent: "preliminary",
  outcome: "materials-sent",
};
// @ts-expect-error a contact by carrier pigeon is no contact method
const mistaken: LeadCommandInput = { ...contact, method: "pigeon" };

fc.assert(
  fc.property(arbLeadHistory({ maxCommands: 3 }), () => true),
  { numRuns: 1 },
);
void [mistaken, pipeline, expectedRevisionConflict, openEventStoreDbEventStore, createServer];
void [
  checkDatabaseIntegrity,
  openSqliteEventStore,
  captureLead,
  given,
  ledger.execute(rep, contact),
];

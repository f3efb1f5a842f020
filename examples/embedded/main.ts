// Embedding leadledger: one lead's life — captured, contacted, graded, visited, converted —
// through the public API of @leadledger/core, then its full audit trail printed.
// Run it with `pnpm examples` (after `pnpm build`).
import { randomBytes } from "node:crypto";
import {
  type Actor,
  createInMemoryEventStore,
  createInMemoryKeyStore,
  createLeadLedger,
  isRedacted,
  TBC,
} from "@leadledger/core";
import * as E from "fp-ts/lib/Either.js";

const ledger = createLeadLedger({
  eventStore: createInMemoryEventStore(),
  keyStore: createInMemoryKeyStore(),
  // In production: a secret from your secret manager, the same for every ledger on one store.
  secret: randomBytes(32),
});

const rep: Actor = { id: "rep-zhang", role: "rep", department: "east" } as Actor;

/** Runs a command and stops the example with the error's stable code if it is refused. */
const run = async (command: Record<string, unknown>) => {
  const outcome = await ledger.execute(rep, command);
  if (E.isLeft(outcome)) {
    console.error(`${String(command.type)} refused: ${JSON.stringify(outcome.left)}`);
    process.exit(1);
  }
  return outcome.right;
};

const acquiredAt = new Date(Date.now() - 2 * 3_600_000);
const at = (hoursAfterAcquisition: number) =>
  new Date(acquiredAt.getTime() + hoursAfterAcquisition * 3_600_000).toISOString();

const { leadId } = await run({
  type: "CaptureLead",
  commandId: "expo-2026-card-017",
  acquiredAt: acquiredAt.toISOString(),
  party: {
    kind: "individual",
    name: "李娜",
    gender: "female",
    age: 41,
    occupation: "restaurant manager",
    investmentExperience: "ran two noodle shops",
    availableFunds: { amount: 800_000, currency: "CNY" },
  },
  contact: {
    phone: "139 1234 5678",
    email: "li.na@example.cn",
    fax: TBC,
    messaging: { platform: "WeChat", handle: "lina_cd" },
    address: TBC,
  },
  needs: {
    investmentFields: ["catering"],
    investmentAmount: { min: 300_000, max: 800_000, currency: "CNY" },
    investmentHorizon: "within a year",
    businessCategory: "hot pot",
    site: { area: { minSquareMetres: 80, maxSquareMetres: 150 }, location: "Chengdu", fitOut: TBC },
  },
  source: { channel: "exhibition", sourceClass: "own", inquiryMode: "inbound" },
  classification: {
    industry: "catering",
    companySize: "small",
    needType: "general",
    region: "south-west",
  },
  owner: { repId: "rep-zhang", department: "east" },
});

await run({
  type: "RecordContact",
  commandId: "call-1",
  leadId,
  occurredAt: at(1),
  method: "phone",
  direction: "outbound",
  topics: ["franchise-policy", "fees"],
  intent: "preliminary",
  outcome: "materials-sent",
  nextFollowUpOn: at(72).slice(0, 10),
  summary: "Walked through the franchise fee and the support package.",
});
await run({
  type: "RecordVisit",
  commandId: "visit-1",
  leadId,
  occurredAt: at(1.5),
  kind: "inspection",
  intent: "stated",
  requirementsFit: "meets",
  topics: ["site"],
  result: "Toured the flagship store; wants a street-front site.",
});
await run({
  type: "GradeLead",
  commandId: "grade-1",
  leadId,
  occurredAt: at(1.6),
  by: "manual",
  grade: "high",
  reason: "Stated intent after the inspection and has the funds ready.",
  valueTier: "key",
});
const converted = await run({
  type: "ConvertLead",
  commandId: "contract-1",
  leadId,
  occurredAt: at(1.9),
  contractRef: "HT-2026-CD-0117",
  dealValue: { amount: 680_000, currency: "CNY" },
});

const history = await ledger.getHistory(rep, leadId);
if (E.isLeft(history)) throw new Error(history.left.code);
console.log(
  `Lead ${leadId} — ${history.right.entries.length} events, revision ${converted.revision}`,
);
for (const { revision, event } of history.right.entries) {
  const { personal, ...facts } = event.data as { personal?: unknown };
  console.log(
    `#${revision} ${event.metadata.occurredAt} ${event.type.padEnd(16)} by ${event.metadata.actor.id} (command ${event.metadata.commandId})`,
  );
  console.log(`    facts: ${JSON.stringify(facts)}`);
  if (personal !== undefined) {
    console.log(`    personal: ${isRedacted(personal) ? "[redacted]" : JSON.stringify(personal)}`);
  }
}
console.log(
  `hash chain: ${history.right.verification.intact ? "intact" : "BROKEN"} over ${history.right.verification.eventCount} events`,
);
const lead = await ledger.getLead(rep, leadId);
if (E.isRight(lead)) {
  console.log(`now: stage ${lead.right.state.stage}, grade ${lead.right.state.grade?.grade}`);
}

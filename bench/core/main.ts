// bench/core — the figures of the foundation issue:
//  1. commands/s through the ledger on the in-memory store, commands without personal
//     fields (RecordContact with structured facts only), sequential and 64 in flight;
//  2. the time to load a 1,000-event lead, decryption of every personal part included.
//  3. in-memory captures (core/capture.ts), as a ratio to a raw seal-and-hash loop in the same run.
// Prints figures; asserts nothing. Run: pnpm bench:core (from bench/) or pnpm bench.
import { randomBytes } from "node:crypto";
import {
  type Actor,
  createInMemoryEventStore,
  createInMemoryKeyStore,
  createLeadLedger,
  type LeadLedger,
} from "@leadledger/core";
import { captureLead } from "@leadledger/testkit";
import * as E from "fp-ts/lib/Either.js";
import { measureCaptures } from "./capture.js";

const rep = { id: "rep-1", role: "rep", department: "east" } as Actor;
/** Captures under chosen lead ids, as an import would: only an executive may (issue 12). */
const importer = { id: "exec-1", role: "executive", department: "hq" } as Actor;
const START = Date.parse("2026-01-05T00:00:00Z");
const NOW = Date.parse("2026-11-20T00:00:00Z");

const newLedger = () =>
  createLeadLedger({
    eventStore: createInMemoryEventStore(),
    keyStore: createInMemoryKeyStore(),
    secret: randomBytes(32),
    clock: () => NOW,
  });

const must = async <A>(promise: Promise<E.Either<{ code: string }, A>>): Promise<A> => {
  const result = await promise;
  if (E.isLeft(result)) throw new Error(`refused: ${JSON.stringify(result.left)}`);
  return result.right;
};

const uuid = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;

const captureMany = async (ledger: LeadLedger, leads: number) => {
  for (let i = 0; i < leads; i++) {
    await must(
      ledger.execute(
        importer,
        captureLead({
          commandId: `capture-${i}`,
          leadId: uuid(i),
          acquiredAt: new Date(START).toISOString(),
          lateEntryReason: "bulk import",
          contact: {
            ...captureLead().contact,
            phone: `+86 139${String(10_000_000 + i)}`,
            email: `l${i}@example.cn`,
          },
        } as never),
      ),
    );
  }
};

const contact = (lead: number, n: number, withText: boolean) => ({
  type: "RecordContact",
  commandId: `c-${lead}-${n}`,
  leadId: uuid(lead),
  occurredAt: new Date(START + (n + 1) * 60_000).toISOString(),
  method: "phone",
  direction: n % 3 === 0 ? "inbound" : "outbound",
  topics: n % 2 === 0 ? ["fees"] : ["site"],
  intent: "preliminary",
  outcome: "reached",
  ...(withText
    ? {
        summary: `第${n}次沟通：讨论了加盟费用、选址与装修支持。`,
        nextStep: "send the site checklist",
      }
    : {}),
});

const commandThroughput = async (inFlight: number) => {
  const ledger = newLedger();
  const leads = 1_000;
  const perLead = 50;
  await captureMany(ledger, leads);
  // Warm-up on other command ids so the JIT has seen the path.
  for (let i = 0; i < 2_000; i++)
    await must(ledger.execute(rep, contact(i % leads, 10_000 + i, false)));
  const total = leads * perLead;
  // Built before the clock starts: the figure is the ledger's, not the bench's.
  const commands: ReturnType<typeof contact>[] = [];
  for (let n = 0; n < perLead; n++) {
    for (let lead = 0; lead < leads; lead++) commands.push(contact(lead, n, false));
  }
  const started = process.hrtime.bigint();
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < commands.length) {
        const command = commands[next++];
        if (command === undefined) continue;
        // Checked inline rather than through must(): one async layer less per command.
        const outcome = await ledger.execute(rep, command);
        if (E.isLeft(outcome)) throw new Error(`refused: ${JSON.stringify(outcome.left)}`);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { total, seconds, perSecond: total / seconds };
};

const loadTime = async () => {
  const ledger = newLedger();
  await captureMany(ledger, 1);
  // 1 capture + its grade + contacts (each with a personal part) = 1,000 events.
  let events = 2;
  let n = 0;
  while (events < 1_000) {
    const outcome = await must(ledger.execute(rep, contact(0, n++, true)));
    events += outcome.events.length;
  }
  const history = await must(ledger.getHistory(rep, uuid(0)));
  const time = async (read: () => Promise<unknown>) => {
    const samples: number[] = [];
    for (let i = 0; i < 60; i++) {
      const started = process.hrtime.bigint();
      await read();
      samples.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    const measured = samples.slice(10).sort((a, b) => a - b);
    return {
      p50: measured[Math.floor(measured.length * 0.5)] ?? Number.NaN,
      p90: measured[Math.floor(measured.length * 0.9)] ?? Number.NaN,
    };
  };
  const lead = await time(async () => {
    const read = await must(ledger.getLead(rep, uuid(0)));
    if (read.state.eventCount !== history.entries.length) throw new Error("incomplete load");
  });
  const fullHistory = await time(async () => {
    const read = await must(ledger.getHistory(rep, uuid(0)));
    if (read.entries.length !== history.entries.length) throw new Error("incomplete history");
  });
  const personalParts = history.entries.filter((e) => "personal" in e.event.data).length;
  return { events: history.entries.length, personalParts, lead, fullHistory };
};

console.log(`bench/core on ${process.version}, ${process.platform}/${process.arch}`);
for (const inFlight of [1, 64]) {
  const result = await commandThroughput(inFlight);
  console.log(
    `ledger commands (RecordContact, no personal fields, in-memory store, ${inFlight} in flight): ${result.total} in ${result.seconds.toFixed(2)} s = ${Math.round(result.perSecond).toLocaleString("en")} commands/s (target ≥ 50,000)`,
  );
}
const load = await loadTime();
console.log(
  `getLead of a ${load.events}-event lead (state: capture's personal part decrypted, hash-chained events decoded and folded): p50 ${load.lead.p50.toFixed(2)} ms, p90 ${load.lead.p90.toFixed(2)} ms (target ≤ 5 ms)`,
);
console.log(
  `getHistory of the same lead (all ${load.personalParts} personal parts decrypted, chain verified): p50 ${load.fullHistory.p50.toFixed(2)} ms, p90 ${load.fullHistory.p90.toFixed(2)} ms`,
);
// Last: its captures must not shape the JIT or the heap the figures above are measured on.
{
  const captures = await measureCaptures();
  for (const [n, round] of captures.rounds.entries()) {
    console.log(
      `ledger captures (testkit capture, new phone and e-mail each, in-memory store, 1 in flight), round ${n + 1}: ${Math.round(round.ledger).toLocaleString("en")} captures/s, raw seal-and-hash loop ${Math.round(round.reference).toLocaleString("en")}/s = ${round.ratio.toFixed(3)}×`,
    );
  }
  console.log(
    `ledger captures: median ${captures.medianRatio.toFixed(3)}× the raw seal-and-hash loop (${captures.rounds.length} rounds of ${captures.captures}; bench/peer holds the ≥ 1.0× emmett target)`,
  );
}

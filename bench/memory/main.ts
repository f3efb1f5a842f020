// bench/memory — issue 12 item 17: does the ledger's memory stay flat under a long write
// load? Writes contacts onto a few dozen leads through one ledger on the SQLite stores for
// a fixed time and prints RSS and heap every few seconds, each after a full garbage
// collection, so that what is printed is what the process retains. A ledger whose lead
// cache grows with each lead's history climbs; one bounded by memory levels off.
// Prints figures; asserts nothing. Run: pnpm --filter @leadledger/bench run bench:memory
// Environment: BENCH_MEMORY_SECONDS (60), BENCH_MEMORY_LEADS (48), BENCH_MEMORY_IN_FLIGHT (48),
// BENCH_MEMORY_SAMPLE_SECONDS (5), LEADLEDGER_BENCH_DIR (the temp directory).
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLeadLedger } from "@leadledger/core";
import { openSqliteEventStore, openSqliteKeyStore } from "@leadledger/sqlite-adapter";
import { captureLead, executiveActor, repActor } from "@leadledger/testkit";

const SECONDS = Number(process.env.BENCH_MEMORY_SECONDS ?? 60);
const LEADS = Number(process.env.BENCH_MEMORY_LEADS ?? 48);
const IN_FLIGHT = Number(process.env.BENCH_MEMORY_IN_FLIGHT ?? 48);
const SAMPLE_SECONDS = Number(process.env.BENCH_MEMORY_SAMPLE_SECONDS ?? 5);

const collect = (globalThis as { gc?: () => void }).gc;
if (collect === undefined)
  throw new Error("run with node --expose-gc (the bench:memory script does)");

// bench has no fp-ts of its own: an Either is read by its tag.
type Either<L, R> = { _tag: "Left"; left: L } | { _tag: "Right"; right: R };
const must = async <R>(promise: Promise<Either<unknown, R>>): Promise<R> => {
  const result = await promise;
  if (result._tag === "Left") throw new Error(`refused: ${JSON.stringify(result.left)}`);
  return result.right;
};

const root = mkdtempSync(
  join(process.env.LEADLEDGER_BENCH_DIR ?? tmpdir(), "leadledger-bench-memory-"),
);
const eventStore = openSqliteEventStore({ path: join(root, "events.sqlite") });
const keyStore = openSqliteKeyStore({ path: join(root, "keys.sqlite") });
const ledger = createLeadLedger({ eventStore, keyStore, secret: randomBytes(32) });

const uuid = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;
// A year ago: every contact's business time lies between the capture and now.
const ACQUIRED = Date.now() - 365 * 24 * 3_600_000;

for (let lead = 0; lead < LEADS; lead++) {
  await must(
    // Under chosen lead ids, as an import would: only an executive may (issue 12).
    ledger.execute(
      executiveActor,
      captureLead({
        commandId: `capture-${lead}`,
        leadId: uuid(lead),
        acquiredAt: new Date(ACQUIRED).toISOString(),
        lateEntryReason: "bulk import",
        contact: {
          ...captureLead().contact,
          phone: `+86 139${String(10_000_000 + lead)}`,
          email: `l${lead}@example.cn`,
        },
      } as never),
    ),
  );
}

// Command ids as an HTTP client sends them (Idempotency-Key: a UUID); every fourth contact
// carries free text, which is personal and encrypted.
let written = 0;
const contact = (lead: number, n: number) => ({
  type: "RecordContact",
  commandId: `${uuid(lead).slice(0, 24)}${n.toString(16).padStart(12, "0")}`,
  leadId: uuid(lead),
  occurredAt: new Date(ACQUIRED + (n + 1) * 1_000).toISOString(),
  method: "phone",
  direction: n % 3 === 0 ? "inbound" : "outbound",
  topics: n % 2 === 0 ? ["fees"] : ["site"],
  intent: "preliminary",
  outcome: "reached",
  ...(n % 4 === 0 ? { summary: `第${n}次沟通：讨论了加盟费用、选址与装修支持。` } : {}),
});

const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
let lastSample = { at: 0, written: 0 };
const sample = (elapsed: number) => {
  const rate = (written - lastSample.written) / Math.max(elapsed - lastSample.at, 1e-3);
  lastSample = { at: elapsed, written };
  collect();
  const memory = process.memoryUsage();
  console.log(
    `${String(Math.round(elapsed)).padStart(3)} s  contacts ${String(written).padStart(8)}  (+${Math.round(rate).toLocaleString("en")}/s)  rss ${mib(memory.rss)} MiB  heap used ${mib(memory.heapUsed)} MiB  heap total ${mib(memory.heapTotal)} MiB  external ${mib(memory.external)} MiB`,
  );
};

console.log(
  `bench/memory on ${process.version}: ${LEADS} leads, ${IN_FLIGHT} writers, ${SECONDS} s of RecordContact on the SQLite stores (synchronous=FULL), memory after a full GC every ${SAMPLE_SECONDS} s`,
);
const started = performance.now();
sample(0);
let stop = false;
const sampler = setInterval(
  () => sample((performance.now() - started) / 1_000),
  SAMPLE_SECONDS * 1_000,
);
setTimeout(() => {
  stop = true;
}, SECONDS * 1_000);

const perLead = new Array<number>(LEADS).fill(0);
await Promise.all(
  Array.from({ length: IN_FLIGHT }, async (_, writer) => {
    for (let turn = writer; !stop; turn += IN_FLIGHT) {
      const lead = turn % LEADS;
      const n = perLead[lead] ?? 0;
      perLead[lead] = n + 1;
      await must(ledger.execute(repActor, contact(lead, n)));
      written++;
    }
  }),
);
clearInterval(sampler);
sample((performance.now() - started) / 1_000);
const seconds = (performance.now() - started) / 1_000;
console.log(
  `${written.toLocaleString("en")} contacts in ${seconds.toFixed(1)} s = ${Math.round(written / seconds).toLocaleString("en")}/s; ${Math.round(written / LEADS).toLocaleString("en")} per lead`,
);
await eventStore.close();
await keyStore.close();
rmSync(root, { recursive: true, force: true });

// The projections benchmark (issue: projections). Each phase runs in its own Node process
// so that each peak RSS is that phase's alone; this process only starts them and prints.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const TARGETS = { memory: 200_000, sqlite: 100_000, rssMiB: 512, viewP50Ms: 50 };

const run = (phase: string, ...args: string[]): Record<string, unknown> => {
  const output = execFileSync(
    process.execPath,
    [
      "--expose-gc",
      "--conditions=source",
      "--import",
      "tsx",
      join(here, "phases.ts"),
      phase,
      ...args,
    ],
    { cwd: join(here, ".."), encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
  );
  return JSON.parse(output.trim().split("\n").pop() as string);
};

const verdict = (ok: boolean) => (ok ? "meets target" : "MISSES target");
const n = (value: unknown, digits = 0) =>
  Number(value).toLocaleString("en-US", { maximumFractionDigits: digits });

const memory = run("memory");
console.log(
  `rebuild in memory: ${n(memory.events)} events (${n(memory.leads)} leads) in ${n(memory.seconds, 2)} s = ${n(memory.eventsPerSecond)} events/s (target ≥ ${n(TARGETS.memory)}: ${verdict(Number(memory.eventsPerSecond) >= TARGETS.memory)}); peak RSS ${n(memory.peakRssMiB)} MiB, of which the in-memory event store's heap ${n(memory.storeHeapMiB)} MiB`,
);
const workDir = mkdtempSync(join(tmpdir(), "bench-projections-"));
let sqlite: Record<string, unknown>;
let filled: Record<string, unknown>;
try {
  filled = run("fill", workDir);
  sqlite = run("sqlite", workDir);
} finally {
  rmSync(workDir, { recursive: true, force: true });
}
const sqliteRate = Number(filled.events) / Number(sqlite.seconds);
console.log(
  `rebuild SQLite → SQLite: ${n(filled.events)} events (${n(sqlite.leads)} leads) in ${n(sqlite.seconds, 2)} s = ${n(sqliteRate)} events/s (target ≥ ${n(TARGETS.sqlite)}: ${verdict(sqliteRate >= TARGETS.sqlite)}); peak RSS ${n(sqlite.peakRssMiB)} MiB (target ≤ ${TARGETS.rssMiB}: ${verdict(Number(sqlite.peakRssMiB) <= TARGETS.rssMiB)}); the log was generated and bulk-loaded beforehand in ${n(filled.seconds, 1)} s, in another process`,
);
const views = run("views");
for (const result of views.results as { view: string; p50Ms: number; p95Ms: number }[]) {
  console.log(
    `view over ${n(views.leads)} leads — ${result.view}: p50 ${n(result.p50Ms, 1)} ms, p95 ${n(result.p95Ms, 1)} ms (target p50 ≤ ${TARGETS.viewP50Ms} ms: ${verdict(result.p50Ms <= TARGETS.viewP50Ms)})`,
  );
}

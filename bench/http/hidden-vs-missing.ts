// Issue 12 item 6: a lead outside the caller's reach must look exactly like no lead, in
// time as well as in answer. Starts the standalone server on the demo data in a temporary
// directory and times GET /leads/{id} and /history, through fastify.inject, for a lead of
// another department and for an id never captured, interleaved, and prints the medians.
// `BENCH_HIDDEN_ROUNDS` changes the number of requests of each kind (default 400).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer } from "@leadledger/server";

const rounds = Number(process.env.BENCH_HIDDEN_ROUNDS ?? 400);
const dataDir = mkdtempSync(join(tmpdir(), "leadledger-hidden-"));
const server = await createServer({
  dataDir,
  demo: true,
  rateLimitPerMinute: 0,
  logLevel: false,
});
try {
  const rep = server.issuedTokens.find((issued) => issued.actor.role === "rep");
  if (rep === undefined) throw new Error("the demo organisation has no rep");
  const hidden = server.runner
    .summaries()
    .find((row) => row.department !== rep.actor.department && row.stage !== "purged");
  if (hidden === undefined) throw new Error("no lead of another department in the demo data");
  const missing = "0192f5a0-0000-7abc-8def-0123456789ab";
  const headers = { authorization: `Bearer ${rep.token}` };

  const timeOf = async (url: string): Promise<number> => {
    const started = process.hrtime.bigint();
    const response = await server.app.inject({ method: "GET", url, headers });
    const took = Number(process.hrtime.bigint() - started) / 1e6;
    if (response.statusCode !== 404) throw new Error(`${url}: ${response.statusCode}`);
    return took;
  };
  const median = (values: number[]): number => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)] as number;
  };

  for (const suffix of ["", "/history"]) {
    // Warm both paths first (caches, JIT), then alternate so that both meet the same noise.
    for (let i = 0; i < 50; i++) {
      await timeOf(`/leads/${hidden.leadId}${suffix}`);
      await timeOf(`/leads/${missing}${suffix}`);
    }
    const times = { hidden: [] as number[], missing: [] as number[] };
    for (let i = 0; i < rounds; i++) {
      times.hidden.push(await timeOf(`/leads/${hidden.leadId}${suffix}`));
      times.missing.push(await timeOf(`/leads/${missing}${suffix}`));
    }
    console.log(
      `GET /leads/{id}${suffix}: median of ${rounds} — hidden ${median(times.hidden).toFixed(3)} ms, missing ${median(times.missing).toFixed(3)} ms`,
    );
  }
} finally {
  await server.app.close();
  rmSync(dataDir, { recursive: true, force: true });
}

// The server of the worklist benchmark, in its own process so that autocannon does not
// share its event loop: the standalone server (from @leadledger/server's dist) on
// BENCH_DATA_DIR, listening on a free port. Prints one JSON line once it answers: the port
// and how long it took to start, which includes catching its read model up with the log.
import { createServer } from "@leadledger/server";

const dataDir = process.env.BENCH_DATA_DIR;
if (dataDir === undefined) throw new Error("BENCH_DATA_DIR is required");
const startedAt = performance.now();
const server = await createServer({
  dataDir,
  demo: false,
  rateLimitPerMinute: 0,
  logLevel: false,
});
const builtMs = performance.now() - startedAt;
await server.app.listen({ port: 0, host: "127.0.0.1" });
const address = server.app.server.address();
process.stdout.write(
  `${JSON.stringify({
    port: typeof address === "object" && address !== null ? address.port : 0,
    builtMs: Math.round(builtMs),
    startMs: Math.round(performance.now() - startedAt),
    phase: server.runner.status().phase,
    rows: server.runner.summaries().length,
  })}\n`,
);
process.on("SIGTERM", () => {
  void server.app.close().then(() => process.exit(0));
});

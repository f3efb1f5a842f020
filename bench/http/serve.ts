// One server of the HTTP benchmark, in its own process so that autocannon does not share
// its event loop. `BENCH_SERVER=hello` is the Fastify reference; anything else is the
// standalone leadledger server on BENCH_DATA_DIR. Prints one JSON line when listening.
// With BENCH_REP=1 a rep joins the (empty) organisation and gets a token of their own, as
// a real first capture needs since the organisation exists (issue 14); with
// BENCH_SQLITE_TIME=1 the time spent in SQLite calls is counted from then on and printed
// as a second JSON line on SIGTERM, before exiting.
import { createServer } from "@leadledger/server";
import Fastify from "fastify";
import { meterSqlite, resetSqliteTime, sqliteTime } from "./sqlite-time.js";

const kind = process.env.BENCH_SERVER ?? "leadledger";
const say = (message: object): void => {
  process.stdout.write(`${JSON.stringify(message)}\n`);
};

if (kind === "hello") {
  const app = Fastify({ logger: false });
  app.get("/hello", async () => ({ hello: "world" }));
  await app.listen({ port: 0, host: "127.0.0.1" });
  const address = app.server.address();
  say({ port: typeof address === "object" && address !== null ? address.port : 0 });
} else {
  const dataDir = process.env.BENCH_DATA_DIR;
  if (dataDir === undefined) throw new Error("BENCH_DATA_DIR is required");
  const metered = process.env.BENCH_SQLITE_TIME === "1";
  if (metered) meterSqlite();
  const startedAt = Date.now();
  const server = await createServer({
    dataDir,
    demo: false,
    rateLimitPerMinute: 0,
    logLevel: false,
    durability: process.env.BENCH_SYNCHRONOUS === "normal" ? "normal" : "full",
  });
  let token = server.issuedTokens[0]?.token;
  if (process.env.BENCH_REP === "1") {
    const asExecutive = { authorization: `Bearer ${token}` };
    const joined = await server.app.inject({
      method: "POST",
      url: "/people",
      headers: asExecutive,
      payload: { personId: "rep-bench", displayName: "压测销售", role: "rep", department: "east" },
    });
    if (joined.statusCode !== 201) throw new Error(`the rep could not join: ${joined.body}`);
    const issued = await server.app.inject({
      method: "POST",
      url: "/tokens",
      headers: asExecutive,
      payload: { personId: "rep-bench", label: "bench" },
    });
    if (issued.statusCode !== 201) throw new Error(`no token for the rep: ${issued.body}`);
    token = (issued.json() as { token: string }).token;
  }
  await server.app.listen({ port: 0, host: "127.0.0.1" });
  const address = server.app.server.address();
  const cpuAtStart = process.cpuUsage();
  const listeningAt = process.hrtime.bigint();
  if (metered) resetSqliteTime();
  say({
    port: typeof address === "object" && address !== null ? address.port : 0,
    token,
    startMs: Date.now() - startedAt,
    checkpoint: server.runner.checkpoint()?.toString() ?? null,
  });
  process.on("SIGTERM", () => {
    if (metered) {
      const cpu = process.cpuUsage(cpuAtStart);
      say({
        sqlite: sqliteTime(),
        elapsedMs: Number(process.hrtime.bigint() - listeningAt) / 1e6,
        cpuMs: (cpu.user + cpu.system) / 1000,
      });
    }
    void server.app.close().then(() => process.exit(0));
  });
}

// One server of the HTTP benchmark, in its own process so that autocannon does not share
// its event loop. `BENCH_SERVER=hello` is the Fastify reference; anything else is the
// standalone leadledger server on BENCH_DATA_DIR. Prints one JSON line when listening.
import { createServer } from "@leadledger/server";
import Fastify from "fastify";

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
  const startedAt = Date.now();
  const server = await createServer({
    dataDir,
    demo: false,
    rateLimitPerMinute: 0,
    logLevel: false,
    durability: process.env.BENCH_SYNCHRONOUS === "normal" ? "normal" : "full",
  });
  await server.app.listen({ port: 0, host: "127.0.0.1" });
  const address = server.app.server.address();
  say({
    port: typeof address === "object" && address !== null ? address.port : 0,
    token: server.issuedTokens[0]?.token,
    startMs: Date.now() - startedAt,
    checkpoint: server.runner.checkpoint()?.toString() ?? null,
  });
  process.on("SIGTERM", () => {
    void server.app.close().then(() => process.exit(0));
  });
}

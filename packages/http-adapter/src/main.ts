import { resolve } from "node:path";
import { createServer } from "./server.js";

// The standalone server: `pnpm start` from the repository root. Settings come from the
// environment (docs/http.md); tokens created on first start are printed here, once.

const env = process.env;
const integer = (name: string, fallback: number): number => {
  const text = env[name];
  if (text === undefined || text === "") return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 0) {
    console.error(`${name} must be a whole number, not ${JSON.stringify(text)}`);
    process.exit(2);
  }
  return value;
};

const dataDir = resolve(env.LEADLEDGER_DATA_DIR ?? "./data");
const port = integer("PORT", 3000);
const host = env.HOST ?? "127.0.0.1";
const demo = env.LEADLEDGER_DEMO !== "0";
const durability = env.LEADLEDGER_SYNCHRONOUS;
if (durability !== undefined && !["full", "extra", "normal"].includes(durability)) {
  console.error("LEADLEDGER_SYNCHRONOUS must be full, extra or normal");
  process.exit(2);
}

const startedAt = Date.now();
const server = await createServer({
  dataDir,
  demo,
  rateLimitPerMinute: integer("LEADLEDGER_RATE_LIMIT_PER_MINUTE", 6_000),
  utcOffsetMinutes: integer("LEADLEDGER_UTC_OFFSET_MINUTES", 480),
  logLevel: env.LOG_LEVEL ?? "info",
  ...(durability === "full" || durability === "extra" || durability === "normal"
    ? { durability }
    : {}),
});

if (server.issuedTokens.length > 0) {
  const lines = [
    "",
    "API tokens (shown once; only their SHA-256 is stored in config.json):",
    ...server.issuedTokens.map(
      (issued) => `  ${issued.name.padEnd(24)} ${issued.actor.role.padEnd(10)} ${issued.token}`,
    ),
    "",
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}
if (server.seeded !== undefined) {
  server.app.log.info(
    { leads: server.seeded.leads, commands: server.seeded.commands, ms: Date.now() - startedAt },
    "demo data seeded",
  );
}

let stopping = false;
const stop = async (signal: string): Promise<void> => {
  if (stopping) return;
  stopping = true;
  server.app.log.info({ signal }, "shutting down: finishing requests in flight");
  // close() stops accepting, waits for requests in flight, then its onClose hook stops the
  // projection runner (its last batch committed) and closes the databases.
  const deadline = setTimeout(() => {
    server.app.log.error("shutdown took longer than 10 s; exiting");
    process.exit(1);
  }, 10_000);
  deadline.unref();
  await server.app.close();
  // Said after the databases are closed: operators (and CI) read it as a clean stop.
  server.app.log.info({ signal }, "stopped cleanly");
  process.exit(0);
};
process.on("SIGTERM", () => void stop("SIGTERM"));
process.on("SIGINT", () => void stop("SIGINT"));

await server.app.listen({ port, host });
server.app.log.info({ dataDir, docs: `http://${host}:${port}/docs` }, "leadledger is serving");

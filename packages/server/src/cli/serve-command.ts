import { resolve } from "node:path";
import { type Command, Option } from "commander";
import type { LeadLedgerServer } from "../server.js";
import { tokenTable } from "../token-table.js";
import type { CliIo } from "./cli-io.js";
import { type Finish, guarded } from "./command-action.js";
import { commandFailure, dataDirOption, wholeNumber } from "./command-options.js";
import { EXIT_CODES, type ExitCode } from "./exit-codes.js";

/** What `leadledger serve` is told, by options or by the environment (docs/http.md). */
export interface ServeOptions {
  readonly dataDir: string;
  readonly port: number;
  readonly host: string;
  readonly demo: boolean;
  readonly synchronous?: "full" | "extra" | "normal";
  readonly checkpoints?: string;
  readonly rateLimit: number;
  readonly utcOffset: number;
  readonly logLevel: string;
}

/**
 * `leadledger serve`: builds the standalone server on the data directory and listens until
 * SIGTERM or SIGINT, then finishes the requests in flight and closes the stores. Tokens
 * created on first start are printed here, once. Resolves once listening; the process
 * then lives as long as the server.
 */
export const serve = async (io: CliIo, options: ServeOptions): Promise<ExitCode> => {
  const dataDir = resolve(options.dataDir);
  const startedAt = Date.now();
  // Loaded here: the other commands never load Fastify and the HTTP plugin.
  const { createServer } = await import("../server.js");
  let server: LeadLedgerServer;
  try {
    server = await createServer({
      dataDir,
      demo: options.demo,
      rateLimitPerMinute: options.rateLimit,
      utcOffsetMinutes: options.utcOffset,
      logLevel: options.logLevel,
      ...(options.checkpoints === undefined
        ? {}
        : { checkpointsFile: resolve(options.checkpoints) }),
      ...(options.synchronous === undefined ? {} : { durability: options.synchronous }),
    });
  } catch (error) {
    // A server that cannot start on its data directory (e.g. a ledger without its
    // config.json) says why in one line, before anything is served or printed.
    return commandFailure(
      io,
      "serve",
      `cannot start: ${error instanceof Error ? error.message : String(error)}`,
    );
  }

  if (server.issuedTokens.length > 0) {
    io.stdout.write(`\n${tokenTable(server.issuedTokens)}\n\n`);
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
      process.exit(EXIT_CODES.problems);
    }, 10_000);
    deadline.unref();
    await server.app.close();
    // Said after the databases are closed: operators (and CI) read it as a clean stop.
    server.app.log.info({ signal }, "stopped cleanly");
    process.exit(EXIT_CODES.ok);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));

  try {
    await server.app.listen({ port: options.port, host: options.host });
  } catch (error) {
    await server.app.close();
    return commandFailure(
      io,
      "serve",
      `cannot listen on ${options.host}:${options.port}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  server.app.log.info(
    { dataDir, docs: `http://${options.host}:${options.port}/docs` },
    "leadledger is serving",
  );
  return EXIT_CODES.ok;
};

/** Adds `serve` to the program. */
export const defineServeCommand = (program: Command, io: CliIo, finish: Finish): Command =>
  program
    .command("serve")
    .summary("run the standalone HTTP server (what `pnpm start` runs)")
    .description(
      "Runs the standalone server on the data directory: the ledger on SQLite, the HTTP API with " +
        "OpenAPI at /openapi.json and Swagger UI at /docs. On first start it writes config.json (the " +
        "ledger secret, hashed API tokens), prints the tokens once, and lays out demo data (unless " +
        "--no-demo). Refuses to start on a ledger without its config.json. Stops cleanly on SIGTERM " +
        "or SIGINT. Every option can also be set by the environment variable shown.",
    )
    .addOption(
      dataDirOption("where events.sqlite, keys.sqlite and config.json live (created if absent)"),
    )
    .addOption(
      new Option("-p, --port <port>", "TCP port").env("PORT").default(3000).argParser(wholeNumber),
    )
    .addOption(new Option("--host <host>", "address to listen on").env("HOST").default("127.0.0.1"))
    .option("--no-demo", "do not lay out demo data on first start (env: LEADLEDGER_DEMO=0)")
    .addOption(
      new Option("--synchronous <mode>", "SQLite durability (docs/operations.md); default full")
        .choices(["full", "extra", "normal"])
        .env("LEADLEDGER_SYNCHRONOUS"),
    )
    .addOption(
      new Option(
        "--checkpoints <file>",
        "the log's checkpoints file; default <data-dir>/checkpoints.jsonl",
      ).env("LEADLEDGER_CHECKPOINTS_FILE"),
    )
    .addOption(
      new Option(
        "--rate-limit <per-minute>",
        "requests per actor per minute; 0 turns the limit off",
      )
        .env("LEADLEDGER_RATE_LIMIT_PER_MINUTE")
        .default(6_000)
        .argParser(wholeNumber),
    )
    .addOption(
      new Option("--utc-offset <minutes>", "the views' calendar, minutes east of UTC")
        .env("LEADLEDGER_UTC_OFFSET_MINUTES")
        .default(480)
        .argParser(wholeNumber),
    )
    .addOption(new Option("--log-level <level>", "pino log level").env("LOG_LEVEL").default("info"))
    .addHelpText(
      "after",
      "\nExit codes:\n  0  stopped cleanly on SIGTERM or SIGINT\n  1  could not start (the reason is printed), or did not stop within 10 s\n  2  usage error: a wrong option or environment value\n",
    )
    .action(
      guarded(io, "serve", finish, (options: ServeOptions) =>
        serve(io, { ...options, demo: options.demo && process.env.LEADLEDGER_DEMO !== "0" }),
      ),
    );

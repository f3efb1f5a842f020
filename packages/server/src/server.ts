import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import type { Writable } from "node:stream";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import {
  createLeadLedger,
  createOrganisation,
  type EventStore,
  type Instant,
  type KeyStore,
  type LeadLedger,
  type Organisation,
} from "@leadledger/core";
import {
  answerErrorAsProblem,
  leadLedgerRoutes,
  problemServerOptions,
} from "@leadledger/http-adapter";
import {
  createProjectionRunner,
  type ProjectionRunner,
  type ReadModelStore,
} from "@leadledger/projections";
import {
  type Durability,
  type LogCheckpointRecorder,
  ledgerFiles,
  ledgerHoldsData,
  openLogCheckpoints,
  openSqliteEventStore,
  openSqliteKeyStore,
  openSqliteReadModelStore,
} from "@leadledger/sqlite-adapter";
import Fastify, { type FastifyInstance } from "fastify";
import * as E from "fp-ts/lib/Either.js";
import { dataDirectoryFiles } from "./data-directory.js";
import { DEMO_HISTORY_DAYS, demoCommands, seedDemoLeads } from "./demo-leads.js";
import { foundingPeople, joinUnknownPeople } from "./organisation-on-start.js";
import { addSecurityHeaders } from "./security-headers.js";
import {
  ADMIN_ONLY,
  DEMO_ORGANISATION,
  type IssuedToken,
  loadOrCreateServerConfig,
  saveServerConfig,
} from "./server-config.js";
import { currentActorFromDirectory } from "./tokens/current-actor.js";
import { openServerTokens, type ServerTokens } from "./tokens/server-tokens.js";
import { startWorklist } from "./worklist-on-start.js";

/** How the standalone server runs. Only `dataDir` is required. */
export interface ServerConfig {
  /** Where the SQLite files and `config.json` live; created if absent. */
  readonly dataDir: string;
  /** On first start, lay out the demo organisation and a few hundred demo leads. Default true. */
  readonly demo?: boolean;
  /** How many demo leads. Default 300. */
  readonly demoLeads?: number;
  /** SQLite `synchronous`. Default `"full"`: an acknowledged command survives a power cut. */
  readonly durability?: Durability;
  /** Largest accepted body, bytes. Default 256 KiB. */
  readonly bodyLimit?: number;
  /** Requests per actor per minute; 0 turns the limit off. Default 6,000. */
  readonly rateLimitPerMinute?: number;
  /** The views' calendar, minutes east of UTC. Default 480 (China Standard Time). */
  readonly utcOffsetMinutes?: number;
  /** pino level, or false for no logs. Default "info". */
  readonly logLevel?: string | false;
  /** Where logs go; standard output by default. */
  readonly logStream?: Writable;
  /**
   * The append-only file of the log's signed checkpoints. Default
   * `<dataDir>/checkpoints.jsonl`; better on a disk the database's writers cannot write
   * (docs/operations.md, "Tamper evidence"). Each checkpoint is logged as well.
   */
  readonly checkpointsFile?: string;
}

/** A standalone server, built and caught up, not yet listening. */
export interface LeadLedgerServer {
  readonly app: FastifyInstance;
  readonly ledger: LeadLedger;
  readonly runner: ProjectionRunner;
  readonly eventStore: EventStore;
  /** Who works here (docs/organisation.md): the ledger's directory, over the same store. */
  readonly organisation: Organisation;
  /** Records the log's signed checkpoints while the server runs, and on close. */
  readonly checkpoints: LogCheckpointRecorder;
  /** Tokens created on this start (first start only), in the clear: show them once. */
  readonly issuedTokens: readonly IssuedToken[];
  /** Demo leads seeded on this start. */
  readonly seeded: { readonly leads: number; readonly commands: number } | undefined;
}

const DAY = 86_400_000;

/**
 * Where the views' rows are kept: a SQLite file of their own beside the events, so a
 * restart resumes from the stored checkpoint instead of replaying the whole log.
 */
const openReadModel = (dataDir: string): ReadModelStore =>
  openSqliteReadModelStore({ path: dataDirectoryFiles(dataDir).readModel });

/**
 * Request and reply as logged: method, path and status only. Bodies, headers (the bearer
 * token) and query values beyond the path are never logged; the redaction paths are a
 * second line for anything a handler might log by mistake.
 */
const loggerOptions = (config: ServerConfig) =>
  config.logLevel === false
    ? false
    : {
        level: config.logLevel ?? "info",
        ...(config.logStream === undefined ? {} : { stream: config.logStream }),
        redact: {
          paths: [
            "req.headers.authorization",
            "req.body",
            "body",
            "personal",
            "*.personal",
            "*.party",
            "*.contact",
          ],
          censor: "[redacted]",
        },
        serializers: {
          req: (request: { method: string; url: string; id: string }) => ({
            id: request.id,
            method: request.method,
            path: request.url.split("?")[0],
          }),
          res: (reply: { statusCode: number }) => ({ statusCode: reply.statusCode }),
        },
      };

/**
 * Builds the standalone server on the embedded SQLite default (docs/architecture.md): the
 * event and key stores in `dataDir`, the ledger, the projection runner, and Fastify with
 * helmet, OpenAPI at `/openapi.json`, Swagger UI at `/docs`, `/health` and the plugin. On
 * first start it writes `config.json` (secret, hashed tokens) and seeds the demo, into an
 * empty store only. It refuses to start (rejects) when the events or keys hold data but
 * `config.json` is missing: a new secret would silently disable duplicate detection and the
 * suppression list. Closing the app finishes in-flight requests, stops the runner and
 * closes the stores.
 */
export const createServer = async (config: ServerConfig): Promise<LeadLedgerServer> => {
  const demo = config.demo ?? true;
  const files = ledgerFiles(config.dataDir);
  // Looked at before anything is written: a ledger without its config.json is refused.
  const storeHoldsData = ledgerHoldsData(files);
  const loaded = loadOrCreateServerConfig(
    config.dataDir,
    demo ? DEMO_ORGANISATION : ADMIN_ONLY,
    Date.now(),
    storeHoldsData,
  );
  if (E.isLeft(loaded)) throw new Error(loaded.left);
  const settings = loaded.right.config;
  const secret = new Uint8Array(Buffer.from(settings.secret, "base64"));

  const durability = config.durability === undefined ? {} : { synchronous: config.durability };
  const eventStore = openSqliteEventStore({ path: files.events, ...durability });
  let keyStore: KeyStore;
  try {
    keyStore = openSqliteKeyStore({ path: files.keys, ...durability });
  } catch (error) {
    await eventStore.close();
    throw error;
  }
  // Resumed before the ledger writes anything: it says from where every chain link is keyed.
  const checkpointsFile = config.checkpointsFile ?? dataDirectoryFiles(config.dataDir).checkpoints;
  const opened = await openLogCheckpoints({ eventStore, secret, file: checkpointsFile });
  if (E.isLeft(opened)) {
    await eventStore.close();
    await keyStore.close();
    throw new Error(
      `cannot resume the log's checkpoints in ${checkpointsFile}: ${opened.left.code}`,
    );
  }
  const checkpoints = opened.right;
  const keyedChainFrom = checkpoints.keyedChainFrom;

  // The organisation lives in the event store too: every process on this data directory
  // reads the same `organisation` stream, and each question reads what was appended since.
  const organisation = createOrganisation({ eventStore, newId: randomUUID });
  const builtIn = demo ? DEMO_ORGANISATION : ADMIN_ONLY;
  // Token holders the organisation has never known join: on first start the built-in
  // organisation, on the first start after an upgrade the holders of an older data
  // directory, so that its leads' owners stay valid. A demo's people joined before its
  // history begins, so that the demo's back-dated commands find them.
  const anchor = settings.demoAnchor ?? Date.now();
  const since = new Date(anchor - (demo ? 2 * DEMO_HISTORY_DAYS : 0) * DAY).toISOString();
  const founded = await joinUnknownPeople(
    organisation,
    foundingPeople(settings.tokens, builtIn),
    since as Instant,
  );
  if (E.isLeft(founded)) {
    await checkpoints.close();
    await eventStore.close();
    await keyStore.close();
    throw new Error(`recording the organisation failed: ${founded.left.code}`);
  }
  const directory = organisation;
  const ledger = createLeadLedger({ eventStore, keyStore, secret, keyedChainFrom, directory });

  let seeded: LeadLedgerServer["seeded"];
  // Never into a store that holds data: the demo is laid out on an empty ledger or not at all.
  if (demo && !storeHoldsData && !settings.demoSeeded && settings.demoAnchor !== null) {
    // The demo's half year is recorded as it would have been: each command's clock is its
    // own recording time, carried through the ledger's awaits by AsyncLocalStorage.
    const recordingTime = new AsyncLocalStorage<number>();
    const seeder = createLeadLedger({
      eventStore,
      keyStore,
      secret,
      keyedChainFrom,
      directory,
      clock: () => recordingTime.getStore() ?? Date.now(),
    });
    const actors = DEMO_ORGANISATION.map((holder) => holder.actor);
    const result = await seedDemoLeads(
      seeder,
      demoCommands(settings.demoAnchor, actors, config.demoLeads ?? 300),
      (at, work) => recordingTime.run(at, work),
    );
    if (E.isLeft(result)) {
      await eventStore.close();
      await keyStore.close();
      throw new Error(`seeding the demo failed at ${result.left}`);
    }
    seeded = result.right;
    saveServerConfig(config.dataDir, { ...settings, demoSeeded: true });
  }

  const readModel = openReadModel(config.dataDir);
  const runner = createProjectionRunner({ events: eventStore, readModel });
  const started = await runner.start();
  if (E.isLeft(started)) {
    // The runner retries by itself; the server can answer commands meanwhile.
    process.emitWarning(`the projection is not caught up yet: ${started.left.code}`);
  }
  const worklist = await startWorklist({
    dataDir: config.dataDir,
    eventStore,
    keyStore,
    secret,
    ledger,
  });

  const app = Fastify({
    logger: loggerOptions(config),
    bodyLimit: config.bodyLimit ?? 256 * 1024,
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    // Keep-alive sockets without a request in flight are closed at once on shutdown.
    forceCloseConnections: "idle",
    // Bad URLs, over-long parameters and what Node's parser refuses answer problems too.
    ...problemServerOptions,
  });
  // /health, /openapi.json and /docs answer their errors as problems, like the plugin.
  app.setErrorHandler(answerErrorAsProblem);
  app.addHook("onSend", (request, reply, payload, done) => {
    reply.header("x-request-id", request.id);
    done(null, payload);
  });
  app.addHook("onClose", async () => {
    await worklist.stop();
    await runner.stop();
    await readModel.close();
    await checkpoints.close();
    await eventStore.close();
    await keyStore.close();
  });

  for (const skipped of checkpoints.skippedLines) {
    app.log.warn(
      { checkpointsFile, skipped },
      "a line of the checkpoints file is not a checkpoint",
    );
  }
  const unvouched = checkpoints.unvouchedOnOpen;
  if (unvouched.wholeLog && unvouched.events > 0) {
    // A first start after an upgrade, or a checkpoints file that someone removed.
    app.log.warn(
      { checkpointsFile, events: unvouched.events },
      "no checkpoint to resume from: the first one vouches for the log as it stands",
    );
  }
  // Logged too: a copy of every checkpoint wherever the logs are shipped, off this machine.
  checkpoints.follow((checkpoint) => app.log.info({ checkpoint }, "log checkpoint"));

  addSecurityHeaders(app);
  await app.register(swagger, {
    openapi: {
      openapi: "3.0.3",
      info: {
        title: "leadledger",
        description:
          "Investment-attraction leads (招商客户), event-sourced. Errors are RFC 9457 problems; see docs/http.md.",
        version: "0.1.0",
      },
      components: {
        securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "API token" } },
      },
      tags: [
        { name: "commands", description: "Record facts about a lead" },
        { name: "leads", description: "Read leads and their history" },
        { name: "views", description: "What the business reads (評估與分析)" },
        {
          name: "people",
          description: "Who works here: join, move, leave (人员); and who is asking (GET /me)",
        },
        {
          name: "tokens",
          description: "API tokens: issue (shown once), list, revoke, rotate; executives only",
        },
      ],
    },
  });
  await app.register(swaggerUi, { routePrefix: "/docs", staticCSP: true });

  app.get("/health", { schema: { hide: true } }, async (_request, reply) => {
    const status = runner.status();
    return reply.send({
      status: "ok",
      projection: {
        phase: status.phase,
        checkpoint: status.checkpoint?.toString(10) ?? null,
        problems: status.problems,
      },
    });
  });
  app.get("/openapi.json", { schema: { hide: true } }, async (_request, reply) =>
    reply.type("application/json").send(app.swagger()),
  );
  // A browser pointed at the server lands on the API's documentation, not on a 401.
  app.get("/", { schema: { hide: true } }, async (_request, reply) => reply.redirect("/docs", 302));

  const perMinute = config.rateLimitPerMinute ?? 6_000;
  // Each request's token is looked up in the data directory's token store, so that a
  // revocation through any process on it is honoured by all (docs/operations.md, "API tokens").
  let tokens: ServerTokens;
  try {
    tokens = await openServerTokens({
      dataDir: config.dataDir,
      currentActorOf: currentActorFromDirectory(directory),
    });
  } catch (error) {
    await app.close();
    throw error;
  }
  app.addHook("onClose", () => tokens.close());
  await app.register(leadLedgerRoutes, {
    ledger,
    readModel: runner,
    directory,
    organisation,
    worklist: worklist.worklist,
    authenticate: tokens.authenticate,
    tokenAdministration: tokens.administration,
    utcOffsetMinutes: config.utcOffsetMinutes ?? 480,
    ...(perMinute > 0 ? { rateLimit: { max: perMinute, windowMs: 60_000 } } : {}),
  });
  await app.ready();
  return {
    app,
    ledger,
    runner,
    eventStore,
    organisation,
    checkpoints,
    issuedTokens: loaded.right.issued,
    seeded,
  };
};

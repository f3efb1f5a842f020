import {
  type Actor,
  createInMemoryEventStore,
  createInMemoryKeyStore,
  createLeadLedger,
  type EventStore,
  type LeadLedger,
} from "@leadledger/core";
import {
  createInMemoryReadModelStore,
  createInMemoryWorklistStore,
  createProjectionRunner,
  createWorklist,
  createWorklistIndexer,
  type ProjectionRunner,
  searchKeyOf,
} from "@leadledger/projections";
import { captureLead } from "@leadledger/testkit";
import Fastify, { type FastifyInstance, type LightMyRequestResponse } from "fastify";
import * as E from "fp-ts/lib/Either.js";
import { validateAnswers } from "./answer-validation.test-fixture.js";
import type { Authenticate } from "./authentication.js";
import { type LeadLedgerRoutesOptions, leadLedgerRoutes } from "./plugin.js";

/** The test organisation: token `t-<actor id>` authenticates as that actor. */
export const ACTORS = {
  rep: { id: "rep-1", role: "rep", department: "east" },
  otherRep: { id: "rep-2", role: "rep", department: "east" },
  southRep: { id: "rep-9", role: "rep", department: "south" },
  head: { id: "head-east", role: "head", department: "east" },
  southHead: { id: "head-south", role: "head", department: "south" },
  executive: { id: "exec-1", role: "executive", department: "hq" },
} as const satisfies Record<
  string,
  Actor | { id: string; role: Actor["role"]; department: string }
>;

export type ActorName = keyof typeof ACTORS;

/** The Authorization header of an actor of the test organisation. */
export const as = (name: ActorName): { authorization: string } => ({
  authorization: `Bearer t-${ACTORS[name].id}`,
});

const authenticate: Authenticate = (request) => {
  const header = request.headers.authorization;
  if (header === undefined) return E.left({ code: "auth.missing-token" });
  const actor = Object.values(ACTORS).find((a) => header === `Bearer t-${a.id}`);
  // The ledger decodes the actor it is handed; the test actors are valid ActorRecords.
  return actor === undefined ? E.left({ code: "auth.unknown-token" }) : E.right(actor as Actor);
};

/** The test clock: a fixed "now" shortly after the testkit's builders' business times. */
export const NOW = Date.parse("2026-11-20T08:00:00.000Z");

export interface TestApp {
  readonly app: FastifyInstance;
  readonly ledger: LeadLedger;
  readonly store: EventStore;
  readonly runner: ProjectionRunner;
  /** How many events the store holds. */
  eventCount(): Promise<number>;
  close(): Promise<void>;
}

/** What a test app is built with: the plugin's options, and how the ledger meets the store. */
export type TestAppOptions = Partial<Omit<LeadLedgerRoutesOptions, "ledger" | "readModel">> & {
  /**
   * What the ledger reads and writes through, given the in-memory store: a wrapper for tests
   * that damage or rewrite stored events behind the ledger's back. The projection reads the
   * store itself.
   */
  readonly ledgerStore?: (store: EventStore) => EventStore;
  /** The embedder's own set-up (hooks, routes, error handler), run before the plugin registers. */
  readonly host?: (app: FastifyInstance) => void | Promise<void>;
  /**
   * Whether the plugin is given a worklist (names, search), indexed by an indexer of its
   * own over the same stores. Default true.
   */
  readonly searchIndex?: boolean;
};

/** The plugin over in-memory stores, a running projection and the test organisation. */
export const testApp = async (options: TestAppOptions = {}): Promise<TestApp> => {
  const { ledgerStore, host, searchIndex, ...routeOptions } = options;
  const store = createInMemoryEventStore();
  const keyStore = createInMemoryKeyStore();
  const secret = new Uint8Array(32).fill(7);
  const ledger = createLeadLedger({
    eventStore: ledgerStore === undefined ? store : ledgerStore(store),
    keyStore,
    secret,
    clock: () => NOW,
  });
  const runner = createProjectionRunner({
    events: store,
    readModel: createInMemoryReadModelStore(),
  });
  await runner.start();
  const worklistStore = createInMemoryWorklistStore();
  const searchKey = searchKeyOf(secret);
  const indexer =
    searchIndex === false
      ? undefined
      : createWorklistIndexer({ events: store, store: worklistStore, ledger, keyStore, searchKey });
  await indexer?.start();
  const worklist =
    indexer === undefined
      ? undefined
      : createWorklist({ store: worklistStore, keyStore, searchKey, indexer });
  const app = Fastify({ logger: false });
  // Every answer is checked against its route's documented schema: close() fails otherwise.
  const violations = validateAnswers(app);
  await host?.(app);
  await app.register(leadLedgerRoutes, {
    ledger,
    readModel: runner,
    authenticate,
    clock: () => NOW,
    readYourWritesTimeoutMs: 500,
    ...(worklist === undefined ? {} : { worklist }),
    ...routeOptions,
  });
  await app.ready();
  return {
    app,
    ledger,
    store,
    runner,
    async eventCount() {
      const all = await store.readAll();
      if (E.isLeft(all)) throw new Error(all.left.code);
      return all.right.length;
    },
    async close() {
      await app.close();
      await indexer?.stop();
      await runner.stop();
      await store.close();
      if (violations().length > 0) {
        throw new Error(
          `answers that do not match their documented schema:\n${violations()
            .map((v) => `${v.request} → ${v.status}: ${v.problem}`)
            .join("\n")}`,
        );
      }
    },
  };
};

/** A capture body: the testkit's command without what the route supplies. */
export const captureBody = (overrides: Record<string, unknown> = {}): Record<string, unknown> => {
  const { type: _type, commandId: _commandId, leadId: _leadId, ...body } = captureLead();
  // The test clock is weeks after the builders' acquisition: rule 8 wants a reason.
  return { ...body, lateEntryReason: "entered after the fair", ...overrides };
};

let phones = 0;
/** A capture body with a phone and e-mail of its own, so captures never meet as duplicates. */
export const uniqueCaptureBody = (owner: {
  repId: string;
  department: string;
}): Record<string, unknown> => {
  phones++;
  const body = captureBody({ owner });
  return {
    ...body,
    contact: {
      ...(body.contact as Record<string, unknown>),
      phone: `+86 139${String(10_000_000 + phones).slice(-8)}`,
      email: `lead${phones}@example.cn`,
    },
  };
};

/** Captures a lead for `owner` as `actor`; its id. */
export const capture = async (
  app: FastifyInstance,
  actor: ActorName,
  owner: { repId: string; department: string },
): Promise<string> => {
  const response = await app.inject({
    method: "POST",
    url: "/leads",
    headers: as(actor),
    payload: uniqueCaptureBody(owner),
  });
  if (response.statusCode !== 201) throw new Error(`capture failed: ${response.body}`);
  return response.json<{ leadId: string }>().leadId;
};

/** The parsed body of a problem answer, checked to be one. */
export const problemOf = (response: LightMyRequestResponse): { code: string; status: number } => {
  if (!String(response.headers["content-type"]).startsWith("application/problem+json")) {
    throw new Error(`not a problem: ${response.statusCode} ${response.headers["content-type"]}`);
  }
  return response.json<{ code: string; status: number }>();
};

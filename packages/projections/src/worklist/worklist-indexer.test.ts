import {
  createInMemoryEventStore,
  createInMemoryKeyStore,
  createLeadLedger,
  type EventStore,
  type KeyStore,
  type LeadId,
  TBC,
} from "@leadledger/core";
import {
  amendLead,
  captureLead,
  executiveActor,
  flagForPurge,
  headActor,
  purgeLead,
} from "@leadledger/testkit";
import * as E from "fp-ts/lib/Either.js";
import { afterEach, describe, expect, it } from "vitest";
import { createInMemoryWorklistStore } from "./in-memory-worklist-store.js";
import { searchKeyOf, type WorklistSearch } from "./search-terms.js";
import { createWorklist } from "./worklist.js";
import { createWorklistIndexer, type WorklistIndexer } from "./worklist-indexer.js";
import type { WorklistStore } from "./worklist-store.js";

const SECRET = new Uint8Array(32).fill(7);
const NOW = Date.parse("2026-11-20T00:00:00.000Z");
const leadId = (i: number) => `6f1c2a3b-4d5e-4f60-8a7b-${String(i).padStart(12, "0")}` as LeadId;

const ok = <A>(result: E.Either<{ code: string }, A>): A => {
  if (E.isLeft(result)) throw new Error(`expected success, got ${JSON.stringify(result.left)}`);
  return result.right;
};

const company = (i: number, companyName: string, phone: string, email: string) =>
  captureLead({
    commandId: `capture-${i}`,
    leadId: leadId(i),
    lateEntryReason: "entered after the fair",
    party: { ...captureLead().party, companyName, legalRepresentative: `代表${i}` } as never,
    contact: { ...captureLead().contact, phone, email },
  });

describe("the worklist indexer and search", () => {
  const started: WorklistIndexer[] = [];
  const stores: EventStore[] = [];
  afterEach(async () => {
    for (const indexer of started.splice(0)) await indexer.stop();
    for (const store of stores.splice(0)) await store.close();
  });

  const setUp = (
    store: WorklistStore = createInMemoryWorklistStore(),
    shared?: { events: EventStore; keys: KeyStore },
  ) => {
    const events = shared?.events ?? createInMemoryEventStore();
    const keyStore = shared?.keys ?? createInMemoryKeyStore();
    if (shared === undefined) stores.push(events);
    const ledger = createLeadLedger({
      eventStore: events,
      keyStore,
      secret: SECRET,
      clock: () => NOW,
    });
    const searchKey = searchKeyOf(SECRET);
    const indexer = createWorklistIndexer({
      events,
      store,
      ledger: createLeadLedger({ eventStore: events, keyStore, secret: SECRET, clock: () => NOW }),
      keyStore,
      searchKey,
      batchSize: 3,
      retryDelayMs: 10,
    });
    started.push(indexer);
    const worklist = createWorklist({ store, keyStore, searchKey });
    /** The display names a search finds, sorted. */
    const find = async (search: WorklistSearch): Promise<string[]> => {
      const prepared = worklist.prepare(search);
      const candidates = ok(await worklist.candidates(prepared));
      const cards = ok(await worklist.openCards([...candidates]));
      return [...candidates]
        .filter((id) => worklist.matches(cards.get(id), prepared))
        .map((id) => {
          const card = cards.get(id);
          return card?.status === "open" ? String(card.card.displayName) : "?";
        })
        .sort();
    };
    /** Runs a command and waits until the indexer has seen it. */
    const run = async (actor: typeof headActor, command: Parameters<typeof ledger.execute>[1]) => {
      const outcome = ok(await ledger.execute(actor, command as never));
      expect(await indexer.waitFor(outcome.position, { timeoutMs: 2000 })).toBe(true);
      return outcome;
    };
    return { events, keyStore, ledger, indexer, worklist, store, find, run };
  };

  const capturedThree = async (context: ReturnType<typeof setUp>) => {
    await context.run(
      executiveActor,
      company(1, "上海华东投资有限公司", "+86 138-0013-8001", "Li.Wei@Example.CN"),
    );
    await context.run(
      executiveActor,
      company(2, "杭州 西湖 茶饮", "13800138002", "tea@example.cn"),
    );
    await context.run(
      executiveActor,
      company(3, "北京华北贸易", "+8613800138003", "bj@example.cn"),
    );
  };

  it("finds Chinese names by any substring, one character, or written with spaces", async () => {
    const context = setUp();
    expect(ok(await context.indexer.start())).toBeUndefined();
    await capturedThree(context);
    expect(await context.find({ name: "华东" })).toEqual(["上海华东投资有限公司"]);
    expect(await context.find({ name: "华" })).toEqual(["上海华东投资有限公司", "北京华北贸易"]);
    expect(await context.find({ name: "西湖茶" })).toEqual(["杭州 西湖 茶饮"]);
    expect(await context.find({ name: "海 华东投" })).toEqual(["上海华东投资有限公司"]);
    // Every bigram of 华东贸易 is indexed (华东 for one lead, 贸易 for another) but no name
    // holds it: the candidates' cards decide.
    expect(await context.find({ name: "东投资有" })).toEqual(["上海华东投资有限公司"]);
    expect(await context.find({ name: "华东贸易" })).toEqual([]);
    // The legal representative's name finds the company too.
    expect(await context.find({ name: "代表2" })).toEqual(["杭州 西湖 茶饮"]);
  });

  it("finds a phone written in any format and an e-mail in any case, exactly", async () => {
    const context = setUp();
    await context.indexer.start();
    await capturedThree(context);
    expect(await context.find({ phone: "13800138001" })).toEqual(["上海华东投资有限公司"]);
    expect(await context.find({ phone: "+86 138 0013 8002" })).toEqual(["杭州 西湖 茶饮"]);
    expect(await context.find({ phone: "138-0013-8003" })).toEqual(["北京华北贸易"]);
    expect(await context.find({ phone: "1380013800" })).toEqual([]);
    expect(await context.find({ email: "li.wei@example.cn" })).toEqual(["上海华东投资有限公司"]);
    expect(await context.find({ email: "LI.WEI+fair@EXAMPLE.CN" })).toEqual([
      "上海华东投资有限公司",
    ]);
    expect(await context.find({ email: "li@example.cn" })).toEqual([]);
    expect(await context.find({ name: "华", phone: "13800138003" })).toEqual(["北京华北贸易"]);
  });

  it("keeps the card as the lead is amended: display name and main contact", async () => {
    const context = setUp();
    await context.indexer.start();
    await context.run(
      executiveActor,
      captureLead({
        commandId: "capture-9",
        leadId: leadId(9),
        lateEntryReason: "entered after the fair",
        party: { ...captureLead().party, kind: "individual", name: "张伟" } as never,
        contact: { phone: TBC, email: TBC, fax: "021-1234", messaging: TBC, address: TBC },
      } as never),
    );
    const cards = ok(await context.worklist.openCards([leadId(9)]));
    expect(cards.get(leadId(9))).toEqual({
      status: "open",
      card: {
        displayName: "张伟",
        names: ["张伟"],
        mainContact: { channel: "fax", value: "021-1234" },
      },
    });
    await context.run(
      headActor,
      amendLead({ leadId: leadId(9), commandId: "amend-9", contact: { email: "zw@example.cn" } }),
    );
    const amended = ok(await context.worklist.openCards([leadId(9)])).get(leadId(9));
    expect(amended?.status === "open" && amended.card.mainContact).toEqual({
      channel: "email",
      value: "zw@example.cn",
    });
    expect(await context.find({ email: "ZW@example.cn" })).toEqual(["张伟"]);
  });

  it("loses a purged lead from search at once, and its card and terms once indexed", async () => {
    const store = createInMemoryWorklistStore();
    const context = setUp(store);
    await context.indexer.start();
    await capturedThree(context);
    expect(store.contents().cards.has(leadId(1))).toBe(true);
    await context.run(headActor, flagForPurge({ leadId: leadId(1), commandId: "flag-1" }));
    // The indexer is stopped: only the destroyed key can take the lead out of search.
    await context.indexer.stop();
    ok(
      await context.ledger.execute(
        headActor,
        purgeLead({ leadId: leadId(1), commandId: "purge-1" }),
      ),
    );
    expect(await context.find({ name: "华东" })).toEqual([]);
    expect(await context.find({ phone: "13800138001" })).toEqual([]);
    expect(ok(await context.worklist.openCards([leadId(1)])).get(leadId(1))).toEqual({
      status: "redacted",
    });
    expect(store.contents().cards.has(leadId(1))).toBe(true);
    // Once the indexer sees the purge, nothing of the lead is left in the store.
    await context.indexer.start();
    const terms = store.contents().terms;
    expect(store.contents().cards.has(leadId(1))).toBe(false);
    expect(terms.has(leadId(1))).toBe(false);
    expect(await context.find({ name: "华" })).toEqual(["北京华北贸易"]);
  });

  it("resumes from its stored checkpoint after a stop, to what one run from the start makes", async () => {
    const events = createInMemoryEventStore();
    const keys = createInMemoryKeyStore();
    stores.push(events);
    const resumed = createInMemoryWorklistStore();
    const first = setUp(resumed, { events, keys });
    await first.indexer.start();
    await capturedThree(first);
    await first.indexer.stop();
    const at = resumed.contents().checkpoint;
    // Written while no indexer runs.
    const written = ok(
      await first.ledger.execute(
        headActor,
        amendLead({
          leadId: leadId(2),
          commandId: "amend-2",
          party: { kind: "company", companyName: "杭州龙井茶饮" },
        }),
      ),
    );
    const second = setUp(resumed, { events, keys });
    await second.indexer.start();
    expect(await second.indexer.waitFor(written.position, { timeoutMs: 2000 })).toBe(true);
    expect(resumed.contents().checkpoint).toBeGreaterThan(at as bigint);
    expect(await second.find({ name: "龙井" })).toEqual(["杭州龙井茶饮"]);
    expect(await second.find({ name: "西湖" })).toEqual([]);

    const fresh = createInMemoryWorklistStore();
    const third = setUp(fresh, { events, keys });
    await third.indexer.start();
    expect(fresh.contents().checkpoint).toBe(resumed.contents().checkpoint);
    expect(fresh.contents().terms).toEqual(resumed.contents().terms);
    expect([...fresh.contents().cards.keys()].sort()).toEqual(
      [...resumed.contents().cards.keys()].sort(),
    );
  });

  it("commits nothing of a batch whose store write failed, and retries it", async () => {
    const inner = createInMemoryWorklistStore();
    let failures = 2;
    const flaky: WorklistStore = {
      ...inner,
      commit: async (batch) =>
        failures-- > 0
          ? E.left({ code: "worklist.unavailable", message: "disk full" })
          : inner.commit(batch),
    };
    const context = setUp(flaky);
    const written = ok(
      await context.ledger.execute(
        executiveActor,
        company(1, "上海华东投资有限公司", "13800138001", "a@example.cn"),
      ),
    );
    expect(E.isLeft(await context.indexer.start())).toBe(true);
    expect(inner.contents().checkpoint).toBeUndefined();
    expect(await context.indexer.waitFor(written.position, { timeoutMs: 2000 })).toBe(true);
    expect(context.indexer.status().lastFailure?.code).toBe("worklist.unavailable");
    expect(await context.find({ name: "华东" })).toEqual(["上海华东投资有限公司"]);
  });
});

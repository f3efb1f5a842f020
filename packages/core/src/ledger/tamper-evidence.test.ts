import { captureLead, executiveActor, gradeLead, recordContact } from "@leadledger/testkit";
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import type { LeadId } from "../lead/values.js";
import { createInMemoryKeyStore } from "../privacy/key-store.js";
import type { EventStore, JsonObject, RecordedEvent } from "../store/event-store.js";
import { CHAIN_HASH_KEY, chainHash, GENESIS_HASH, KEYED_HASH_PREFIX } from "../store/hash-chain.js";
import { createInMemoryEventStore } from "../store/in-memory.js";
import { createLeadLedger, type LeadLedgerDeps } from "./ledger.js";

// Someone with write access to the store rewrites a lead's grade and, not holding the
// ledger's secret, recomputes the chain as SHA-256 — all that chains were before issue 12.

const NOW = Date.parse("2026-11-20T00:00:00.000Z");
const LEAD = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b" as LeadId;
const STREAM = `lead-${LEAD}`;
const actor = executiveActor;
const capture = captureLead({ leadId: LEAD, lateEntryReason: "typed in after the fair" } as never);

const ok = <A>(result: E.Either<unknown, A>): A => {
  if (E.isLeft(result)) throw new Error(`expected success, got ${JSON.stringify(result.left)}`);
  return result.right;
};

/** An in-memory store whose stored events can be rewritten behind the ledger's back. */
const tamperableStore = () => {
  const inner = createInMemoryEventStore();
  const rewritten = new Map<string, RecordedEvent>();
  const substitute = (events: readonly RecordedEvent[]) =>
    events.map((event) => rewritten.get(`${event.stream}@${event.revision}`) ?? event);
  const store: EventStore = {
    ...inner,
    readStream: async (stream, options) =>
      E.map(substitute)(await inner.readStream(stream, options)),
    readAll: async (options) => E.map(substitute)(await inner.readAll(options)),
  };
  /** Rewrites the stream from `revision` on, each event through `change`, re-hashed unkeyed. */
  const rewriteWithoutKey = async (
    stream: string,
    revision: number,
    change: (event: RecordedEvent) => RecordedEvent,
  ): Promise<void> => {
    const events = ok(await store.readStream(stream));
    let previous = revision === 0 ? GENESIS_HASH : String(events[revision - 1]?.metadata.hash);
    for (const original of events.slice(revision)) {
      const changed = change(original);
      const hash = chainHash(previous, changed);
      rewritten.set(`${stream}@${original.revision}`, {
        ...changed,
        metadata: { ...changed.metadata, [CHAIN_HASH_KEY]: hash },
      });
      previous = hash;
    }
  };
  return { store, rewriteWithoutKey };
};

const ledgerOn = (eventStore: EventStore, overrides: Partial<LeadLedgerDeps> = {}) =>
  createLeadLedger({
    eventStore,
    keyStore: createInMemoryKeyStore(),
    secret: new Uint8Array(32).fill(7),
    clock: () => NOW,
    ...overrides,
  });

const gradedLead = async (overrides: Partial<LeadLedgerDeps> = {}) => {
  const tamperable = tamperableStore();
  const ledger = ledgerOn(tamperable.store, overrides);
  ok(await ledger.execute(actor, capture));
  ok(await ledger.execute(actor, recordContact({ leadId: LEAD })));
  ok(await ledger.execute(actor, gradeLead({ leadId: LEAD, grade: "low" })));
  ok(await ledger.execute(actor, recordContact({ leadId: LEAD, commandId: "contact-2" } as never)));
  return { ...tamperable, ledger };
};

const toHighGrade = (event: RecordedEvent): RecordedEvent =>
  event.type === "LeadGraded"
    ? { ...event, data: { ...(event.data as JsonObject), grade: "high" } }
    : event;

describe("tamper evidence on a lead's chain (issue 12, item 9)", () => {
  it("keys every link the ledger writes", async () => {
    const { store } = await gradedLead();
    const events = ok(await store.readStream(STREAM));
    for (const event of events) {
      expect(String(event.metadata[CHAIN_HASH_KEY])).toMatch(
        new RegExp(`^${KEYED_HASH_PREFIX}[0-9a-f]{64}$`),
      );
    }
  });

  it("getLead says the chain is broken when a grade was rewritten and re-hashed", async () => {
    const { store, ledger, rewriteWithoutKey } = await gradedLead();
    const events = ok(await store.readStream(STREAM));
    const graded = events.findIndex(
      (event) => event.type === "LeadGraded" && event.data.grade === "low",
    );
    expect(graded).toBeGreaterThan(0);
    expect(ok(await ledger.getLead(actor, LEAD)).verification.intact).toBe(true);
    await rewriteWithoutKey(STREAM, graded, toHighGrade);

    const lead = ok(await ledger.getLead(actor, LEAD));
    expect(lead.state.grade?.grade).toBe("high"); // what the store now says…
    expect(lead.verification.intact).toBe(false); // …and that it cannot be trusted
    expect(lead.verification.breaks).toContainEqual({
      kind: "unkeyed-link",
      revision: BigInt(graded),
    });
    const history = ok(await ledger.getHistory(actor, LEAD));
    expect(history.verification).toEqual(lead.verification);
  });

  it("getLead says so when the whole stream was rewritten unkeyed after keys began", async () => {
    const { ledger, rewriteWithoutKey } = await gradedLead({ keyedChainFrom: 1n });
    await rewriteWithoutKey(STREAM, 0, toHighGrade);
    const lead = ok(await ledger.getLead(actor, LEAD));
    expect(lead.verification.intact).toBe(false);
    expect(lead.verification.breaks.map((fault) => fault.kind)).toContain("unkeyed-link");
  });

  it("a stream from before keyed chains still verifies, and goes on keyed", async () => {
    const tamperable = tamperableStore();
    const keyStore = createInMemoryKeyStore();
    const ledger = ledgerOn(tamperable.store, { keyStore });
    ok(await ledger.execute(actor, capture));
    // As the ledger wrote it before issue 12: the same events, chained by SHA-256.
    await tamperable.rewriteWithoutKey(STREAM, 0, (event) => event);
    // A fresh ledger, as after an upgrade: it appends after the unkeyed chain.
    const upgraded = ledgerOn(tamperable.store, { keyStore });
    ok(await upgraded.execute(actor, recordContact({ leadId: LEAD })));
    const lead = ok(await upgraded.getLead(actor, LEAD));
    expect(lead.verification).toMatchObject({ intact: true, breaks: [] });
    expect(lead.verification.unkeyedLinks).toBeGreaterThan(0);
    expect(lead.verification.unkeyedLinks).toBeLessThan(lead.verification.eventCount);
  });
});

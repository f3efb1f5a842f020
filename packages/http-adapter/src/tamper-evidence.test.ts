import type { Actor, EventStore, JsonObject, RecordedEvent } from "@leadledger/core";
import { CHAIN_HASH_KEY, chainHash } from "@leadledger/core/adapter";
import { captureLead, gradeLead } from "@leadledger/testkit";
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { as, testApp } from "./test-app.test-fixture.js";

// Issue 12, item 9: GET /leads/{id} served a tampered grade with 200 and no warning.

const LEAD = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";
const executive = { id: "exec-1", role: "executive", department: "hq" } as Actor;

const ok = <A>(result: E.Either<unknown, A>): A => {
  if (E.isLeft(result)) throw new Error(`expected success, got ${JSON.stringify(result.left)}`);
  return result.right;
};

/** The plugin over a store whose events can be rewritten behind the ledger's back. */
const appOverTamperableStore = async () => {
  const rewritten = new Map<string, RecordedEvent>();
  const substitute = (events: readonly RecordedEvent[]) =>
    events.map((event) => rewritten.get(`${event.stream}@${event.revision}`) ?? event);
  const t = await testApp({
    ledgerStore: (inner): EventStore => ({
      ...inner,
      readStream: async (stream, options) =>
        E.map(substitute)(await inner.readStream(stream, options)),
    }),
  });
  const { app, ledger, store: inner } = t;
  /** A manual grade rewritten to "high", and the chain re-hashed from it without the key. */
  const rewriteGrade = async (): Promise<void> => {
    const stream = `lead-${LEAD}`;
    const events = ok(await inner.readStream(stream));
    const at = events.findLastIndex(
      (event) => event.type === "LeadGraded" && event.data.grade === "low",
    );
    let previous = String(events[at - 1]?.metadata[CHAIN_HASH_KEY]);
    for (const event of events.slice(at)) {
      const data: JsonObject =
        event.revision === BigInt(at) ? { ...event.data, grade: "high" } : event.data;
      const hash = chainHash(previous, { ...event, data });
      rewritten.set(`${stream}@${event.revision}`, {
        ...event,
        data,
        metadata: { ...event.metadata, [CHAIN_HASH_KEY]: hash },
      });
      previous = hash;
    }
  };
  return { app, ledger, rewriteGrade, close: t.close };
};

describe("GET /leads/{id} of a lead whose chain is broken (issue 12, item 9)", () => {
  it("answers the state with integrity: { intact: false } and Leadledger-Integrity: broken", async () => {
    const { app, ledger, rewriteGrade, close } = await appOverTamperableStore();
    ok(
      await ledger.execute(
        executive,
        captureLead({ lateEntryReason: "typed in after the fair" } as never),
      ),
    );
    ok(await ledger.execute(executive, gradeLead({ grade: "low" })));

    const intact = await app.inject({ url: `/leads/${LEAD}`, headers: as("executive") });
    expect(intact.statusCode).toBe(200);
    expect(intact.json().integrity).toEqual({ intact: true, keyed: true, breaks: [] });
    expect(intact.headers["leadledger-integrity"]).toBeUndefined();

    await rewriteGrade();
    const tampered = await app.inject({ url: `/leads/${LEAD}`, headers: as("executive") });
    expect(tampered.statusCode).toBe(200);
    expect(tampered.json().grade.grade).toBe("high");
    expect(tampered.json().integrity).toMatchObject({
      intact: false,
      breaks: [expect.objectContaining({ kind: "unkeyed-link" })],
    });
    expect(tampered.headers["leadledger-integrity"]).toBe("broken");

    const history = await app.inject({ url: `/leads/${LEAD}/history`, headers: as("executive") });
    expect(history.json().chain).toMatchObject({ intact: false, keyed: false });
    expect(history.headers["leadledger-integrity"]).toBe("broken");
    await close();
  });
});

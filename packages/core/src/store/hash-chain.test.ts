import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { JsonObject, RecordedEvent } from "./event-store.js";
import { CHAIN_HASH_KEY, chainHash, GENESIS_HASH, verifyHistory } from "./hash-chain.js";

const event = (revision: bigint, data: JsonObject, previousHash: string): RecordedEvent => {
  const metadata = { leadId: "l-1", commandId: `c-${revision}` };
  const hash = chainHash(previousHash, { type: "LeadContacted", data, metadata });
  return {
    id: `e-${revision}`,
    stream: "lead-l-1",
    revision,
    position: revision + 1n,
    type: "LeadContacted",
    data,
    metadata: { ...metadata, [CHAIN_HASH_KEY]: hash },
  };
};

const chain = (count: number): RecordedEvent[] => {
  const events: RecordedEvent[] = [];
  let previous = GENESIS_HASH;
  for (let i = 0; i < count; i++) {
    const next = event(BigInt(i), { n: i, topic: "加盟费" }, previous);
    events.push(next);
    previous = String(next.metadata[CHAIN_HASH_KEY]);
  }
  return events;
};

describe("chainHash", () => {
  it("is SHA-256 over previous hash, type, and the canonical JSON of data and metadata", () => {
    const expected = createHash("sha256")
      .update('prev\nT\n{"a":"王","b":1}\n{"x":[1,{"y":null}]}')
      .digest("hex");
    expect(
      chainHash("prev", { type: "T", data: { b: 1, a: "王" }, metadata: { x: [1, { y: null }] } }),
    ).toBe(expected);
  });
  it("ignores the stored hash and the order of keys", () => {
    const a = chainHash("p", {
      type: "T",
      data: { a: 1, b: 2 },
      metadata: { m: 1, [CHAIN_HASH_KEY]: "x" },
    });
    const b = chainHash("p", { type: "T", data: { b: 2, a: 1 }, metadata: { m: 1 } });
    expect(a).toBe(b);
  });
});

describe("verifyHistory", () => {
  it("finds an intact chain intact", () => {
    expect(verifyHistory(chain(5))).toEqual({ intact: true, eventCount: 5, breaks: [] });
  });
  it("reports a changed event once", () => {
    const events = chain(5);
    const third = events[2] as RecordedEvent;
    events[2] = { ...third, data: { ...third.data, topic: "site" } };
    expect(verifyHistory(events).breaks).toEqual([
      expect.objectContaining({ kind: "hash-mismatch", revision: 2n }),
    ]);
  });
  it("reports a changed event whose hash was recomputed, at the link after it", () => {
    const events = chain(5);
    const third = events[2] as RecordedEvent;
    const data = { ...third.data, topic: "site" };
    const rehashed = chainHash(String(events[1]?.metadata[CHAIN_HASH_KEY]), { ...third, data });
    events[2] = { ...third, data, metadata: { ...third.metadata, [CHAIN_HASH_KEY]: rehashed } };
    expect(verifyHistory(events).breaks).toEqual([
      expect.objectContaining({ kind: "hash-mismatch", revision: 3n }),
    ]);
  });
  it("reports a missing event as a revision gap, and a missing hash", () => {
    const events = chain(5);
    events.splice(1, 1);
    const last = events[3] as RecordedEvent;
    const { [CHAIN_HASH_KEY]: _dropped, ...metadata } = last.metadata;
    events[3] = { ...last, metadata };
    const kinds = verifyHistory(events).breaks.map((b) => b.kind);
    expect(kinds).toContain("revision-gap");
    expect(kinds).toContain("missing-hash");
  });
});

import { createHash, createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { JsonObject, RecordedEvent } from "./event-store.js";
import {
  CHAIN_HASH_KEY,
  chainHash,
  chainKeyOf,
  GENESIS_HASH,
  KEYED_HASH_PREFIX,
  verifyHistory,
} from "./hash-chain.js";

const event = (
  revision: bigint,
  data: JsonObject,
  previousHash: string,
  chainKey?: Uint8Array,
): RecordedEvent => {
  const metadata = { leadId: "l-1", commandId: `c-${revision}` };
  const hash = chainHash(previousHash, { type: "LeadContacted", data, metadata }, chainKey);
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

/** A stream of `count` events; those from revision `keyedFrom` on are keyed with `chainKey`. */
const chain = (count: number, chainKey?: Uint8Array, keyedFrom = 0): RecordedEvent[] => {
  const events: RecordedEvent[] = [];
  let previous = GENESIS_HASH;
  for (let i = 0; i < count; i++) {
    const key = i >= keyedFrom ? chainKey : undefined;
    const next = event(BigInt(i), { n: i, topic: "加盟费" }, previous, key);
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
    expect(verifyHistory(chain(5))).toEqual({
      intact: true,
      eventCount: 5,
      breaks: [],
      unkeyedLinks: 5,
      uncheckedLinks: 0,
    });
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

const KEY = chainKeyOf(new Uint8Array(32).fill(7));
const OTHER_KEY = chainKeyOf(new Uint8Array(32).fill(8));

/** The attacker's move: rewrite one event and recompute the chain from it, without the key. */
const rewrittenWithoutKey = (
  events: readonly RecordedEvent[],
  revision: number,
  data: JsonObject,
): RecordedEvent[] => {
  const rewritten = [...events];
  let previous = revision === 0 ? GENESIS_HASH : String(events[revision - 1]?.metadata.hash);
  for (let i = revision; i < rewritten.length; i++) {
    const original = rewritten[i] as RecordedEvent;
    const changed = i === revision ? { ...original, data } : original;
    const hash = chainHash(previous, changed);
    rewritten[i] = { ...changed, metadata: { ...changed.metadata, [CHAIN_HASH_KEY]: hash } };
    previous = hash;
  }
  return rewritten;
};

describe("keyed chains", () => {
  it("are HMAC-SHA-256 under the chain key, marked as keyed", () => {
    const linked = 'prev\nT\n{"a":"王","b":1}\n{"x":[1,{"y":null}]}';
    const expected = createHmac("sha256", KEY).update(linked).digest("hex");
    expect(
      chainHash(
        "prev",
        { type: "T", data: { b: 1, a: "王" }, metadata: { x: [1, { y: null }] } },
        KEY,
      ),
    ).toBe(`${KEYED_HASH_PREFIX}${expected}`);
  });
  it("verify under the key, and count the links a keyless verify cannot check", () => {
    const events = chain(4, KEY);
    expect(verifyHistory(events, { chainKey: KEY })).toEqual({
      intact: true,
      eventCount: 4,
      breaks: [],
      unkeyedLinks: 0,
      uncheckedLinks: 0,
    });
    expect(verifyHistory(events)).toMatchObject({ intact: true, uncheckedLinks: 4 });
  });
  it("do not verify under another key", () => {
    expect(verifyHistory(chain(3, KEY), { chainKey: OTHER_KEY }).breaks).toEqual([
      expect.objectContaining({ kind: "hash-mismatch", revision: 0n }),
      expect.objectContaining({ kind: "hash-mismatch", revision: 1n }),
      expect.objectContaining({ kind: "hash-mismatch", revision: 2n }),
    ]);
  });
  it("follow the unkeyed links of a stream recorded before chains were keyed", () => {
    const verified = verifyHistory(chain(5, KEY, 3), { chainKey: KEY });
    expect(verified).toMatchObject({ intact: true, unkeyedLinks: 3, uncheckedLinks: 0 });
  });
  it("break where an event was rewritten and the chain recomputed without the key", () => {
    const events = rewrittenWithoutKey(chain(5, KEY), 2, { n: 2, topic: "site" });
    // Before keyed chains this rewrite verified: it is exactly what SHA-256 chains allowed.
    expect(verifyHistory(events, { chainKey: KEY }).breaks).toEqual([
      { kind: "unkeyed-link", revision: 2n },
      { kind: "unkeyed-link", revision: 3n },
      { kind: "unkeyed-link", revision: 4n },
    ]);
  });
  it("break where a keyed event was changed and re-hashed with a guessed key", () => {
    const events = chain(4, KEY);
    const second = events[1] as RecordedEvent;
    const data = { ...second.data, topic: "site" };
    const rehashed = chainHash(String(events[0]?.metadata.hash), { ...second, data }, OTHER_KEY);
    events[1] = { ...second, data, metadata: { ...second.metadata, [CHAIN_HASH_KEY]: rehashed } };
    expect(verifyHistory(events, { chainKey: KEY }).breaks).toEqual([
      expect.objectContaining({ kind: "hash-mismatch", revision: 1n }),
      expect.objectContaining({ kind: "hash-mismatch", revision: 2n }),
    ]);
  });
  it("break on a stream rewritten unkeyed from its start, past the position keys began", () => {
    const events = rewrittenWithoutKey(chain(3, KEY), 0, { n: 0, topic: "site" });
    // Without the position it looks like a stream from before keyed chains.
    expect(verifyHistory(events, { chainKey: KEY }).intact).toBe(true);
    // Positions 1n, 2n, 3n: keyed from 2n, so the links at revisions 1 and 2 break.
    expect(verifyHistory(events, { chainKey: KEY, keyedFrom: 2n }).breaks).toEqual([
      { kind: "unkeyed-link", revision: 1n },
      { kind: "unkeyed-link", revision: 2n },
    ]);
  });
});

import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import type { JsonObject, RecordedEvent } from "./event-store.js";
import { CHAIN_HASH_KEY, chainHash, chainKeyOf, GENESIS_HASH } from "./hash-chain.js";
import {
  decodeLogCheckpoint,
  EMPTY_LOG_HEAD,
  foldLogHead,
  headOfLogCheckpoint,
  isLogCheckpointSigned,
  isUnkeyedAfterKeyed,
  type LogHead,
  logCheckpointKeysOf,
  logHeadMatches,
  signLogCheckpoint,
} from "./log-checkpoint.js";

const SECRET = new Uint8Array(32).fill(3);
const KEYS = logCheckpointKeysOf(SECRET);
const CHAIN_KEY = chainKeyOf(SECRET);

/** A log of two streams, interleaved, the first `unkeyed` events with unkeyed chains. */
const log = (count: number, unkeyed = 0): RecordedEvent[] => {
  const last = new Map<string, { revision: bigint; hash: string }>();
  return Array.from({ length: count }, (_, i) => {
    const stream = i % 2 === 0 ? "lead-a" : "lead-b";
    const before = last.get(stream);
    const data: JsonObject = { n: i };
    const metadata: JsonObject = { commandId: `c-${i}` };
    const hash = chainHash(
      before?.hash ?? GENESIS_HASH,
      { type: "T", data, metadata },
      i < unkeyed ? undefined : CHAIN_KEY,
    );
    const revision = before === undefined ? 0n : before.revision + 1n;
    last.set(stream, { revision, hash });
    return {
      id: `e-${i}`,
      stream,
      revision,
      position: BigInt(i + 1),
      type: "T",
      data,
      metadata: { ...metadata, [CHAIN_HASH_KEY]: hash },
    };
  });
};

const fold = (events: readonly RecordedEvent[]): LogHead =>
  events.reduce((head, event) => foldLogHead(KEYS, head, event), EMPTY_LOG_HEAD);

describe("foldLogHead", () => {
  it("counts the events and ends at the last position", () => {
    const head = fold(log(5));
    expect(head).toMatchObject({ position: 5n, count: 5 });
    expect(head.headHash).toMatch(/^[0-9a-f]{64}$/);
  });
  it("changes with any event deleted, changed or moved, the last one included", () => {
    const events = log(6);
    const head = fold(events).headHash;
    expect(fold(events.slice(0, -1)).headHash).not.toBe(head);
    expect(fold([...events.slice(0, 2), ...events.slice(3)]).headHash).not.toBe(head);
    const changed = events.map((event, i) => (i === 3 ? { ...event, data: { n: 99 } } : event));
    expect(fold(changed).headHash).not.toBe(head);
    const moved = events.map((event, i) => (i === 3 ? { ...event, position: 40n } : event));
    expect(fold(moved).headHash).not.toBe(head);
  });
  it("is keyed: another secret folds another head", () => {
    const other = logCheckpointKeysOf(new Uint8Array(32).fill(4));
    const events = log(3);
    const otherHead = events.reduce(
      (head, event) => foldLogHead(other, head, event),
      EMPTY_LOG_HEAD,
    );
    expect(otherHead.headHash).not.toBe(fold(events).headHash);
  });
  it("notes where keyed chains began, and what came unkeyed after them", () => {
    const events = log(6, 3);
    const head = fold(events);
    expect(head.keyedFrom).toBe(4n);
    expect(fold(events.slice(0, 3)).keyedFrom).toBeUndefined();
    const legacy = events[0] as RecordedEvent;
    expect(isUnkeyedAfterKeyed(fold(events.slice(0, 3)), legacy)).toBe(false);
    expect(isUnkeyedAfterKeyed(head, legacy)).toBe(true);
    expect(isUnkeyedAfterKeyed(head, events[5] as RecordedEvent)).toBe(false);
  });
});

describe("log checkpoints", () => {
  const head = fold(log(4, 1));
  const checkpoint = signLogCheckpoint(KEYS, head, Date.parse("2026-05-01T08:00:00Z"));

  it("record the head, signed", () => {
    expect(checkpoint).toMatchObject({
      position: "4",
      count: 4,
      headHash: head.headHash,
      keyedFrom: "2",
      at: "2026-05-01T08:00:00.000Z",
    });
    expect(isLogCheckpointSigned(KEYS, checkpoint)).toBe(true);
    expect(headOfLogCheckpoint(checkpoint)).toEqual(head);
    expect(logHeadMatches(head, checkpoint)).toBe(true);
  });
  it("lose their signature when any part changes, or under another secret", () => {
    for (const changed of [
      { ...checkpoint, count: 3 },
      { ...checkpoint, position: "3" },
      { ...checkpoint, headHash: fold(log(3)).headHash },
      { ...checkpoint, keyedFrom: null },
      { ...checkpoint, at: "2026-05-01T09:00:00.000Z" as typeof checkpoint.at },
    ]) {
      expect(isLogCheckpointSigned(KEYS, changed)).toBe(false);
    }
    expect(isLogCheckpointSigned(logCheckpointKeysOf(new Uint8Array(32)), checkpoint)).toBe(false);
  });
  it("do not match a log that lost its last event", () => {
    expect(logHeadMatches(fold(log(4, 1).slice(0, 3)), checkpoint)).toBe(false);
  });
  it("decode from their recorded JSON, and nothing else does", () => {
    expect(decodeLogCheckpoint(JSON.parse(JSON.stringify(checkpoint)))).toEqual(
      E.right(checkpoint),
    );
    for (const bad of [
      null,
      "x",
      { ...checkpoint, position: "-1" },
      { ...checkpoint, count: 1.5 },
      { ...checkpoint, at: "yesterday" },
      { ...checkpoint, signature: undefined },
    ]) {
      expect(E.isLeft(decodeLogCheckpoint(bad))).toBe(true);
    }
  });
});

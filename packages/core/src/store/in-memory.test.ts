import { eventStoreContract } from "@leadledger/testkit/event-store-contract";
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import type { EventToAppend, JsonObject, RecordedEvent } from "./event-store.js";
import { NO_STREAM } from "./event-store.js";
import { createInMemoryEventStore } from "./in-memory.js";

eventStoreContract("in-memory", async () => ({ store: createInMemoryEventStore() }));

let ids = 0;
const event = (type: string, data: JsonObject = {}, metadata: JsonObject = {}): EventToAppend => ({
  id: `event-${++ids}`,
  type,
  data,
  metadata,
});

const right = <A>(result: E.Either<unknown, A>): A => {
  if (E.isLeft(result)) throw new Error(`Expected success, got ${String(result.left)}`);
  return result.right;
};

const waitFor = async (condition: () => boolean): Promise<void> => {
  for (let i = 0; i < 1000 && !condition(); i++) await new Promise((r) => setTimeout(r, 1));
  expect(condition()).toBe(true);
};

describe("createInMemoryEventStore", () => {
  it("numbers global positions 1n, 2n, 3n… in commit order", async () => {
    const store = createInMemoryEventStore();
    right(await store.appendToStream("a", [event("T"), event("T")]));
    const result = right(await store.appendToStream("b", [event("T")]));
    expect(result.position).toBe(3n);
    const all = right(await store.readAll());
    expect(all.map((e) => e.position)).toEqual([1n, 2n, 3n]);
    expect(right(await store.readAll({ after: 1n })).map((e) => e.position)).toEqual([2n, 3n]);
    expect(right(await store.readAll({ after: 3n }))).toEqual([]);
    expect(right(await store.readAll({ after: 10n ** 30n }))).toEqual([]);
  });

  it("keeps history when the writer mutates what it appended", async () => {
    const store = createInMemoryEventStore();
    const data = { name: "张三", tags: ["vip"], address: { city: "苏州" } };
    const metadata = { actor: { id: "rep-1" } };
    right(await store.appendToStream("lead-1", [event("Captured", data, metadata)]));

    // The objects were frozen in place, so a later write fails loudly in strict mode.
    expect(() => {
      (data as { name: string }).name = "李四";
    }).toThrow(TypeError);
    expect(() => data.tags.push("spam")).toThrow(TypeError);
    expect(() => {
      (data.address as { city: string }).city = "上海";
    }).toThrow(TypeError);
    expect(() => {
      (metadata.actor as { id: string }).id = "someone-else";
    }).toThrow(TypeError);

    const [read] = right(await store.readStream("lead-1"));
    expect(read?.data).toEqual({ name: "张三", tags: ["vip"], address: { city: "苏州" } });
    expect(read?.metadata).toEqual({ actor: { id: "rep-1" } });
  });

  it("gives back frozen events, and arrays whose mutation changes nothing", async () => {
    const store = createInMemoryEventStore();
    right(await store.appendToStream("s", [event("T", { n: 1 })]));
    const read = right(await store.readStream("s")) as RecordedEvent[];
    expect(Object.isFrozen(read[0])).toBe(true);
    expect(() => {
      (read[0] as { type: string }).type = "Other";
    }).toThrow(TypeError);
    read.pop();
    (right(await store.readAll()) as RecordedEvent[]).length = 0;
    expect(right(await store.readStream("s"))).toHaveLength(1);
    expect(right(await store.readAll())).toHaveLength(1);
  });

  it("throws a RangeError on an empty batch and writes nothing", async () => {
    const store = createInMemoryEventStore();
    await expect(store.appendToStream("s", [])).rejects.toThrow(RangeError);
    expect(right(await store.readAll())).toEqual([]);
    expect(
      E.isRight(await store.appendToStream("s", [event("T")], { expectedRevision: NO_STREAM })),
    ).toBe(true);
  });

  it("rejects data JSON cannot hold, writing none of the batch", async () => {
    const store = createInMemoryEventStore();
    const bad: unknown[] = [
      { when: new Date(0) },
      { missing: undefined },
      { n: Number.NaN },
      { n: Number.POSITIVE_INFINITY },
      { big: 1n },
      { f: () => 1 },
      { list: [1, undefined] },
      // biome-ignore lint/suspicious/noSparseArray: a hole is what is being rejected
      { holes: [1, , 3] },
      { map: new Map() },
    ];
    for (const data of bad) {
      await expect(
        store.appendToStream("s", [event("T"), event("T", data as JsonObject)]),
      ).rejects.toThrow(TypeError);
    }
    await expect(
      store.appendToStream("s", [event("T", [] as unknown as JsonObject)]),
    ).rejects.toThrow(TypeError);
    expect(right(await store.readAll())).toEqual([]);
    expect(right(await store.readStream("s"))).toEqual([]);
  });

  it("clamps reads beyond the end and treats maxCount 0 as nothing", async () => {
    const store = createInMemoryEventStore();
    right(await store.appendToStream("s", [event("T"), event("T"), event("T")]));
    const revisions = async (options: Parameters<typeof store.readStream>[1]) =>
      right(await store.readStream("s", options)).map((e) => e.revision);
    expect(await revisions({ from: 10n, direction: "backwards" })).toEqual([2n, 1n, 0n]);
    expect(await revisions({ from: 10n })).toEqual([]);
    expect(await revisions({ maxCount: 0 })).toEqual([]);
    expect(right(await store.readAll({ maxCount: 0 }))).toEqual([]);
    await expect(store.readStream("s", { maxCount: -1 })).rejects.toThrow(RangeError);
    await expect(store.readStream("s", { from: -1n })).rejects.toThrow(RangeError);
    await expect(store.readAll({ after: -1n })).rejects.toThrow(RangeError);
  });

  it("never calls a handler from inside subscribe()", async () => {
    const store = createInMemoryEventStore();
    right(await store.appendToStream("s", [event("T")]));
    let calls = 0;
    const subscription = store.subscribe({}, () => {
      calls++;
    });
    expect(calls).toBe(0);
    await waitFor(() => calls === 1);
    await subscription.close();
  });

  it("skips positions up to `after` even when they are written after subscribing", async () => {
    const store = createInMemoryEventStore();
    right(await store.appendToStream("s", [event("T")]));
    const received: bigint[] = [];
    const subscription = store.subscribe({ after: 3n }, (e) => {
      received.push(e.position);
    });
    for (let i = 0; i < 4; i++) right(await store.appendToStream("s", [event("T")]));
    await waitFor(() => received.length === 2);
    expect(received).toEqual([4n, 5n]);
    await subscription.close();
  });

  it("catches up over a long log in order", async () => {
    const store = createInMemoryEventStore();
    const batch = Array.from({ length: 100 }, () => event("T"));
    for (let i = 0; i < 100; i++) right(await store.appendToStream(`s-${i % 7}`, batch));
    let count = 0;
    let last = 0n;
    let ordered = true;
    const subscription = store.subscribe({ filter: { streamPrefixes: ["s-3"] } }, (e) => {
      if (e.position <= last) ordered = false;
      last = e.position;
      count++;
    });
    await waitFor(() => count === 1400);
    expect(ordered).toBe(true);
    await subscription.close();
  });

  it("closes its subscriptions on close() and refuses use afterwards", async () => {
    const store = createInMemoryEventStore();
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let finished = false;
    const busy = store.subscribe({}, async () => {
      await gate;
      finished = true;
    });
    const idle = store.subscribe({ filter: { eventTypes: ["Never"] } }, () => {});
    right(await store.appendToStream("s", [event("T")]));
    await new Promise((r) => setTimeout(r, 5));

    let closed = false;
    const closing = store.close().then(() => {
      closed = true;
    });
    await new Promise((r) => setTimeout(r, 5));
    expect(closed).toBe(false);
    release();
    await closing;
    expect(finished).toBe(true);
    expect(await busy.ended).toEqual({ reason: "closed" });
    expect(await idle.ended).toEqual({ reason: "closed" });

    await store.close();
    await expect(store.appendToStream("s", [event("T")])).rejects.toThrow(/closed/);
    await expect(store.readAll()).rejects.toThrow(/closed/);
    expect(() => store.subscribe({}, () => {})).toThrow(/closed/);
  });

  it("appends and reads back 50,000 single-event commands quickly", async () => {
    const store = createInMemoryEventStore();
    const started = performance.now();
    for (let i = 0; i < 50_000; i++) {
      const stream = `lead-${i % 5000}`;
      const [last] = right(await store.readStream(stream, { direction: "backwards", maxCount: 1 }));
      right(
        await store.appendToStream(stream, [event("Noted", { i }, { leadId: stream })], {
          expectedRevision: last === undefined ? NO_STREAM : last.revision,
        }),
      );
    }
    const elapsed = performance.now() - started;
    expect(right(await store.readAll({ after: 49_990n }))).toHaveLength(10);
    // Not a benchmark (bench/ measures): only a guard against an accidental O(n²).
    expect(elapsed).toBeLessThan(10_000);
  });
});

import { randomUUID } from "node:crypto";
import {
  ANY,
  type AppendResult,
  type ConcurrencyConflict,
  type EventStore,
  type EventToAppend,
  type GlobalPosition,
  type JsonObject,
  NO_STREAM,
  positionFromString,
  positionToString,
  type RecordedEvent,
  STREAM_EXISTS,
  type StoreError,
  type SubscriptionEnd,
} from "@leadledger/core";
import type { Either } from "fp-ts/lib/Either.js";
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";

/** What the suite needs of a store under test: the store, and how to tidy up after it. */
export interface EventStoreUnderTest {
  readonly store: EventStore;
  /** Runs after the suite closed `store`: delete temp files, drop test databases… */
  readonly cleanup?: () => Promise<void>;
}

// Generous, because a store behind a network (EventStoreDB) delivers live events later
// than one in memory; every wait is bounded so that a broken store fails, never hangs.
const WAIT_MS = 10_000;
const TEST_MS = 60_000;
// How long "nothing more arrives" is watched for. A correct store delivers nothing at all.
const QUIET_MS = 150;

/**
 * The behaviour every {@link EventStore} must have, as a vitest suite. Call it at the top
 * level of a test file of your implementation:
 *
 * ```ts
 * import { eventStoreContract } from "@leadledger/testkit";
 *
 * eventStoreContract("my store", async () => {
 *   const dir = await mkdtemp(join(tmpdir(), "store-"));
 *   return {
 *     store: await openMyStore(join(dir, "events.db")),
 *     cleanup: () => rm(dir, { recursive: true, force: true }),
 *   };
 * });
 * ```
 *
 * `makeStore` is called once per test. The suite closes each store it was given (unless
 * the test closed it itself) and then awaits `cleanup`. Every test uses stream names and
 * event types of its own (random suffixes) and only reads the global log relative to a
 * position it took at its start, so the suite also runs against a shared, non-empty server
 * and against stores whose positions are neither contiguous nor starting at 1.
 */
export const eventStoreContract = (
  name: string,
  makeStore: () => Promise<EventStoreUnderTest>,
): void => {
  /** Runs a test body against a fresh store, and always releases it. */
  const withStore =
    (body: (store: EventStore, closeStore: () => Promise<void>) => Promise<void>) =>
    async (): Promise<void> => {
      const { store, cleanup } = await makeStore();
      let closed = false;
      const closeStore = (): Promise<void> => {
        closed = true;
        return store.close();
      };
      try {
        await body(store, closeStore);
      } finally {
        try {
          if (!closed) await store.close();
        } finally {
          await cleanup?.();
        }
      }
    };

  describe(`EventStore contract: ${name}`, () => {
    describe("appendToStream and readStream", () => {
      it(
        "gives back id, type, data and metadata exactly as written",
        withStore(async (store) => {
          const names = scope();
          const stream = names.stream("round-trip");
          const data: JsonObject = {
            company: "苏州工业园区纳米科技有限公司",
            contact: { name: "王小明", title: "招商经理", phones: ["+86 512 6666 8888"] },
            emoji: "🏭 factory",
            escapes: 'quote " backslash \\ newline \n tab \t',
            numbers: {
              zero: 0,
              negative: -42,
              fraction: -0.125,
              decimal: 0.1,
              big: 9007199254740991,
            },
            tiny: 1.5e-7,
            nothing: null,
            yes: true,
            no: false,
            empty: {},
            list: [],
            nested: [{ a: [1, [2, [3, { deep: "底层" }]]] }, null, "x", false],
          };
          const metadata: JsonObject = {
            leadId: "lead-7",
            occurredAt: "2024-03-01T08:00:00.000Z",
            actor: { id: "rep-1", role: "rep", department: "东区招商" },
            schemaVersion: 2,
            correlationId: null,
          };
          const written = event(names.type("Captured"), data, metadata);
          expectRight(
            await store.appendToStream(stream, [written], { expectedRevision: NO_STREAM }),
          );

          const [read] = expectRight(await store.readStream(stream));
          expect(read).toBeDefined();
          expect(read?.id).toBe(written.id);
          expect(read?.type).toBe(written.type);
          expect(read?.stream).toBe(stream);
          expect(read?.data).toEqual(data);
          expect(read?.metadata).toEqual(metadata);
          expect(typeof read?.revision).toBe("bigint");
          expect(typeof read?.position).toBe("bigint");
        }),
        TEST_MS,
      );

      it(
        "numbers revisions from 0n, contiguous across batches, and reports the last one",
        withStore(async (store) => {
          const names = scope();
          const stream = names.stream("revisions");
          const type = names.type("Noted");
          const first = expectRight(
            await store.appendToStream(stream, [event(type), event(type), event(type)]),
          );
          expect(first.nextExpectedRevision).toBe(2n);
          const second = expectRight(
            await store.appendToStream(stream, [event(type), event(type)]),
          );
          expect(second.nextExpectedRevision).toBe(4n);
          expect(second.position > first.position).toBe(true);

          const events = expectRight(await store.readStream(stream));
          expect(events.map((e) => e.revision)).toEqual([0n, 1n, 2n, 3n, 4n]);
          expectStrictlyIncreasing(events.map((e) => e.position));
          expect(events[2]?.position).toBe(first.position);
          expect(events[4]?.position).toBe(second.position);
          expect(new Set(events.map((e) => e.stream))).toEqual(new Set([stream]));
        }),
        TEST_MS,
      );

      it(
        "reads a stream that does not exist as empty",
        withStore(async (store) => {
          const stream = scope().stream("missing");
          expect(expectRight(await store.readStream(stream))).toEqual([]);
          expect(
            expectRight(await store.readStream(stream, { direction: "backwards", maxCount: 5 })),
          ).toEqual([]);
        }),
        TEST_MS,
      );

      it(
        "reads forwards and backwards, from a revision (inclusive), at most maxCount",
        withStore(async (store) => {
          const names = scope();
          const stream = names.stream("ranges");
          const type = names.type("Noted");
          expectRight(
            await store.appendToStream(
              stream,
              [0, 1, 2, 3, 4].map((n) => event(type, { n })),
            ),
          );
          const revisions = async (options: Parameters<EventStore["readStream"]>[1]) =>
            expectRight(await store.readStream(stream, options)).map((e) => e.revision);

          expect(await revisions({ direction: "forwards" })).toEqual([0n, 1n, 2n, 3n, 4n]);
          expect(await revisions({ direction: "backwards" })).toEqual([4n, 3n, 2n, 1n, 0n]);
          expect(await revisions({ from: 2n })).toEqual([2n, 3n, 4n]);
          expect(await revisions({ from: 2n, direction: "backwards" })).toEqual([2n, 1n, 0n]);
          expect(await revisions({ maxCount: 2 })).toEqual([0n, 1n]);
          expect(await revisions({ direction: "backwards", maxCount: 1 })).toEqual([4n]);
          expect(await revisions({ from: 1n, maxCount: 3 })).toEqual([1n, 2n, 3n]);
          expect(await revisions({ from: 3n, direction: "backwards", maxCount: 2 })).toEqual([
            3n,
            2n,
          ]);
          expect(await revisions({ from: 4n })).toEqual([4n]);
          expect(await revisions({ from: 5n })).toEqual([]);
          expect(await revisions({ from: 0n, direction: "backwards" })).toEqual([0n]);
          const forwards = expectRight(await store.readStream(stream));
          expect(forwards.map((e) => e.data.n)).toEqual([0, 1, 2, 3, 4]);
        }),
        TEST_MS,
      );
    });

    describe("expected revision", () => {
      it(
        `"any" (also the default) appends to a new stream and to an existing one`,
        withStore(async (store) => {
          const names = scope();
          const stream = names.stream("any");
          const type = names.type("Noted");
          const created = expectRight(
            await store.appendToStream(stream, [event(type)], { expectedRevision: ANY }),
          );
          expect(created.nextExpectedRevision).toBe(0n);
          const extended = expectRight(
            await store.appendToStream(stream, [event(type)], { expectedRevision: ANY }),
          );
          expect(extended.nextExpectedRevision).toBe(1n);
          const defaulted = expectRight(await store.appendToStream(stream, [event(type)]));
          expect(defaulted.nextExpectedRevision).toBe(2n);
          const other = names.stream("any-default");
          expect(
            expectRight(await store.appendToStream(other, [event(type)])).nextExpectedRevision,
          ).toBe(0n);
        }),
        TEST_MS,
      );

      it(
        `"no_stream" creates a stream, and conflicts once it exists`,
        withStore(async (store) => {
          const names = scope();
          const stream = names.stream("no-stream");
          const type = names.type("Reserved");
          const created = expectRight(
            await store.appendToStream(stream, [event(type), event(type)], {
              expectedRevision: NO_STREAM,
            }),
          );
          expect(created.nextExpectedRevision).toBe(1n);
          const conflict = expectConflict(
            await store.appendToStream(stream, [event(type)], { expectedRevision: NO_STREAM }),
          );
          expect(conflict).toEqual({
            code: "concurrency.conflict",
            stream,
            expected: NO_STREAM,
            actual: 1n,
          });
          expect(expectRight(await store.readStream(stream))).toHaveLength(2);
        }),
        TEST_MS,
      );

      it(
        `"stream_exists" conflicts on a missing stream with actual "no_stream", appends otherwise`,
        withStore(async (store) => {
          const names = scope();
          const stream = names.stream("exists");
          const type = names.type("Noted");
          const conflict = expectConflict(
            await store.appendToStream(stream, [event(type)], { expectedRevision: STREAM_EXISTS }),
          );
          expect(conflict).toEqual({
            code: "concurrency.conflict",
            stream,
            expected: STREAM_EXISTS,
            actual: NO_STREAM,
          });
          expect(expectRight(await store.readStream(stream))).toEqual([]);

          expectRight(await store.appendToStream(stream, [event(type)]));
          const appended = expectRight(
            await store.appendToStream(stream, [event(type)], { expectedRevision: STREAM_EXISTS }),
          );
          expect(appended.nextExpectedRevision).toBe(1n);
        }),
        TEST_MS,
      );

      it(
        "an exact revision appends when it is the last one and conflicts otherwise",
        withStore(async (store) => {
          const names = scope();
          const stream = names.stream("exact");
          const type = names.type("Noted");

          const onMissing = expectConflict(
            await store.appendToStream(stream, [event(type)], { expectedRevision: 0n }),
          );
          expect(onMissing).toEqual({
            code: "concurrency.conflict",
            stream,
            expected: 0n,
            actual: NO_STREAM,
          });

          expectRight(
            await store.appendToStream(stream, [event(type)], { expectedRevision: NO_STREAM }),
          );
          const next = expectRight(
            await store.appendToStream(stream, [event(type)], { expectedRevision: 0n }),
          );
          expect(next.nextExpectedRevision).toBe(1n);

          const stale = expectConflict(
            await store.appendToStream(stream, [event(type)], { expectedRevision: 0n }),
          );
          expect(stale).toEqual({ code: "concurrency.conflict", stream, expected: 0n, actual: 1n });
          const ahead = expectConflict(
            await store.appendToStream(stream, [event(type)], { expectedRevision: 5n }),
          );
          expect(ahead).toEqual({ code: "concurrency.conflict", stream, expected: 5n, actual: 1n });

          const last = expectRight(
            await store.appendToStream(stream, [event(type), event(type)], {
              expectedRevision: 1n,
            }),
          );
          expect(last.nextExpectedRevision).toBe(3n);
        }),
        TEST_MS,
      );

      it(
        "a conflicting batch writes none of its events",
        withStore(async (store) => {
          const names = scope();
          const stream = names.stream("atomic");
          const type = names.type("Noted");
          const start = await headPosition(store, names);
          const original = event(type, { original: true });
          expectRight(
            await store.appendToStream(stream, [original], { expectedRevision: NO_STREAM }),
          );

          const rejected = [event(type), event(type), event(type)];
          for (const expectedRevision of [NO_STREAM, 3n, 5n] as const) {
            expectConflict(await store.appendToStream(stream, rejected, { expectedRevision }));
          }
          const missing = names.stream("atomic-missing");
          expectConflict(
            await store.appendToStream(missing, rejected, { expectedRevision: STREAM_EXISTS }),
          );

          expect(expectRight(await store.readStream(stream)).map((e) => e.id)).toEqual([
            original.id,
          ]);
          expect(expectRight(await store.readStream(missing))).toEqual([]);
          const logged = expectRight(
            await store.readAll({ after: start, filter: { streamPrefixes: [names.prefix] } }),
          );
          expect(logged.map((e) => e.id)).toEqual([original.id]);
        }),
        TEST_MS,
      );
    });

    describe("readAll", () => {
      it(
        "reads the log in commit order with strictly increasing positions, `after` exclusive",
        withStore(async (store) => {
          const names = scope();
          const a = names.stream("a");
          const b = names.stream("b");
          const type = names.type("Noted");
          const start = await headPosition(store, names);
          const written: EventToAppend[] = [];
          for (const [stream, batch] of [
            [a, 1],
            [b, 2],
            [a, 1],
            [b, 1],
            [a, 3],
          ] as const) {
            const events = Array.from({ length: batch }, () => event(type));
            written.push(...events);
            expectRight(await store.appendToStream(stream, events));
          }

          const all = expectRight(await store.readAll({ after: start }));
          expect(all.every((e) => e.position > start)).toBe(true);
          expectStrictlyIncreasing(all.map((e) => e.position));
          const ours = all.filter((e) => e.stream.startsWith(names.prefix));
          expect(ours.map((e) => e.id)).toEqual(written.map((e) => e.id));
          expect(ours.map((e) => `${e.stream === a ? "a" : "b"}${e.revision}`)).toEqual([
            "a0",
            "b0",
            "b1",
            "a1",
            "b2",
            "a2",
            "a3",
            "a4",
          ]);

          // Stream reads and log reads give the same events at the same positions.
          const fromStream = expectRight(await store.readStream(a));
          expect(fromStream).toEqual(ours.filter((e) => e.stream === a));

          const pivot = ours[3] as RecordedEvent;
          const afterPivot = expectRight(
            await store.readAll({
              after: pivot.position,
              filter: { streamPrefixes: [names.prefix] },
            }),
          );
          expect(afterPivot.map((e) => e.id)).toEqual(ours.slice(4).map((e) => e.id));
        }),
        TEST_MS,
      );

      it(
        "returns at most maxCount events, counting only the ones that match the filter",
        withStore(async (store) => {
          const names = scope();
          const kept = names.stream("kept");
          const other = names.stream("other");
          const type = names.type("Noted");
          const start = await headPosition(store, names);
          const keptIds: string[] = [];
          for (let i = 0; i < 4; i++) {
            expectRight(await store.appendToStream(other, [event(type), event(type)]));
            const e = event(type);
            keptIds.push(e.id);
            expectRight(await store.appendToStream(kept, [e]));
          }

          const unfiltered = expectRight(await store.readAll({ after: start, maxCount: 3 }));
          expect(unfiltered).toHaveLength(3);
          const everything = expectRight(await store.readAll({ after: start }));
          expect(unfiltered).toEqual(everything.slice(0, 3));

          const filtered = expectRight(
            await store.readAll({ after: start, maxCount: 3, filter: { streamPrefixes: [kept] } }),
          );
          expect(filtered.map((e) => e.id)).toEqual(keptIds.slice(0, 3));

          const fromTheStart = expectRight(
            await store.readAll({ maxCount: 2, filter: { streamPrefixes: [kept] } }),
          );
          expect(fromTheStart.map((e) => e.id)).toEqual(keptIds.slice(0, 2));
        }),
        TEST_MS,
      );

      it(
        "filters by stream prefixes, by event types, and by both at once",
        withStore(async (store) => {
          const names = scope();
          const red = names.stream("red");
          const blue = names.stream("blue");
          const green = names.stream("green");
          const opened = names.type("Opened");
          const closed = names.type("Closed");
          const start = await headPosition(store, names);
          const written: RecordedEvent[] = [];
          for (const stream of [red, blue, green]) {
            for (const type of [opened, closed]) {
              expectRight(await store.appendToStream(stream, [event(type, { stream, type })]));
            }
          }
          written.push(
            ...expectRight(
              await store.readAll({ after: start, filter: { streamPrefixes: [names.prefix] } }),
            ),
          );
          expect(written).toHaveLength(6);

          const read = async (filter: {
            streamPrefixes?: readonly string[];
            eventTypes?: readonly string[];
          }) => expectRight(await store.readAll({ after: start, filter })).map((e) => e.id);
          const expected = (keep: (e: RecordedEvent) => boolean) =>
            written.filter(keep).map((e) => e.id);

          expect(await read({ streamPrefixes: [red, green] })).toEqual(
            expected((e) => e.stream === red || e.stream === green),
          );
          expect(await read({ eventTypes: [closed] })).toEqual(expected((e) => e.type === closed));
          expect(await read({ streamPrefixes: [blue, green], eventTypes: [opened] })).toEqual(
            expected((e) => e.type === opened && e.stream !== red),
          );
          expect(await read({ eventTypes: [opened, closed] })).toEqual(expected(() => true));
          expect(await read({ streamPrefixes: [names.stream("nothing-here")] })).toEqual([]);
          expect(await read({ eventTypes: [names.type("NeverWritten")] })).toEqual([]);
        }),
        TEST_MS,
      );

      it(
        "positions survive positionToString / positionFromString",
        withStore(async (store) => {
          const names = scope();
          const stream = names.stream("positions");
          const type = names.type("Noted");
          const start = await headPosition(store, names);
          expectRight(await store.appendToStream(stream, [event(type), event(type), event(type)]));
          const events = expectRight(await store.readStream(stream));
          for (const e of events) {
            const text = positionToString(e.position);
            expect(typeof text).toBe("string");
            expect(positionFromString(text)).toBe(e.position);
          }
          const first = events[0] as RecordedEvent;
          const restored = positionFromString(positionToString(first.position));
          expect(restored).toBeDefined();
          const after = expectRight(
            await store.readAll({
              after: restored as GlobalPosition,
              filter: { streamPrefixes: [stream] },
            }),
          );
          expect(after.map((e) => e.id)).toEqual(events.slice(1).map((e) => e.id));
          expect(positionFromString(positionToString(start))).toBe(start);
        }),
        TEST_MS,
      );
    });

    describe("concurrent writers", () => {
      it(
        "of 8 writers expecting the same revision, exactly one wins",
        withStore(async (store) => {
          const names = scope();
          const stream = names.stream("race");
          const type = names.type("Claimed");
          expectRight(await store.appendToStream(stream, [event(type)]));
          const attempts = Array.from({ length: 8 }, (_, writer) => [
            event(type, { writer }),
            event(type, { writer }),
          ]);
          const results = await Promise.all(
            attempts.map((events) =>
              store.appendToStream(stream, events, { expectedRevision: 0n }),
            ),
          );
          const winners = results.flatMap((r, writer) => (E.isRight(r) ? [writer] : []));
          expect(winners).toHaveLength(1);
          for (const result of results) {
            if (E.isLeft(result)) {
              expect(result.left).toEqual({
                code: "concurrency.conflict",
                stream,
                expected: 0n,
                actual: 2n,
              });
            }
          }
          const events = expectRight(await store.readStream(stream));
          const winner = attempts[winners[0] as number] ?? [];
          expect(events.slice(1).map((e) => e.id)).toEqual(winner.map((e) => e.id));
        }),
        TEST_MS,
      );

      it(
        `of 8 writers creating the same stream with "no_stream", exactly one wins`,
        withStore(async (store) => {
          const names = scope();
          const stream = names.stream("reservation");
          const type = names.type("Reserved");
          const results = await Promise.all(
            Array.from({ length: 8 }, (_, writer) =>
              store.appendToStream(stream, [event(type, { writer })], {
                expectedRevision: NO_STREAM,
              }),
            ),
          );
          expect(results.filter(E.isRight)).toHaveLength(1);
          for (const result of results) {
            if (E.isLeft(result)) {
              expect(result.left).toMatchObject({ code: "concurrency.conflict", actual: 0n });
            }
          }
          expect(expectRight(await store.readStream(stream))).toHaveLength(1);
        }),
        TEST_MS,
      );

      it(
        "8 writers that read, append and retry on conflict lose and duplicate nothing",
        withStore(async (store) => {
          const names = scope();
          const stream = names.stream("counter");
          const type = names.type("Counted");
          const writers = 8;
          const perWriter = 25;
          // Bounded so that a store that never lets a writer through fails instead of hanging.
          const maxAttempts = writers * perWriter * 20;

          const write = async (writer: number): Promise<void> => {
            for (let n = 0; n < perWriter; n++) {
              for (let attempt = 0; ; attempt++) {
                if (attempt >= maxAttempts) throw new Error(`writer ${writer} starved at ${n}`);
                const [last] = expectRight(
                  await store.readStream(stream, { direction: "backwards", maxCount: 1 }),
                );
                const result = await store.appendToStream(stream, [event(type, { writer, n })], {
                  expectedRevision: last === undefined ? NO_STREAM : last.revision,
                });
                if (E.isRight(result)) break;
                expect(result.left.code).toBe("concurrency.conflict");
              }
            }
          };
          await Promise.all(Array.from({ length: writers }, (_, writer) => write(writer)));

          const events = expectRight(await store.readStream(stream));
          expect(events).toHaveLength(writers * perWriter);
          expect(events.map((e) => e.revision)).toEqual(
            Array.from({ length: writers * perWriter }, (_, i) => BigInt(i)),
          );
          expectStrictlyIncreasing(events.map((e) => e.position));
          const seen = new Set(events.map((e) => `${e.data.writer}/${e.data.n}`));
          expect(seen.size).toBe(writers * perWriter);
          // Each writer's own events keep the order in which it wrote them.
          for (let writer = 0; writer < writers; writer++) {
            const mine = events.filter((e) => e.data.writer === writer).map((e) => e.data.n);
            expect(mine).toEqual(Array.from({ length: perWriter }, (_, n) => n));
          }
        }),
        TEST_MS,
      );
    });

    describe("subscribe", () => {
      it(
        "catches up, then follows live, in log order and through the filter",
        withStore(async (store) => {
          const names = scope();
          const wanted = names.stream("wanted");
          const unwanted = names.stream("unwanted");
          const type = names.type("Noted");
          const start = await headPosition(store, names);
          expectRight(await store.appendToStream(wanted, [event(type), event(type)]));
          expectRight(await store.appendToStream(unwanted, [event(type)]));
          expectRight(await store.appendToStream(wanted, [event(type)]));

          const received: RecordedEvent[] = [];
          const subscription = store.subscribe(
            { after: start, filter: { streamPrefixes: [wanted] } },
            (e) => {
              received.push(e);
            },
          );
          try {
            await waitUntil(() => received.length >= 3, "the catch-up events");
            expectRight(await store.appendToStream(unwanted, [event(type)]));
            expectRight(await store.appendToStream(wanted, [event(type), event(type)]));
            expectRight(await store.appendToStream(wanted, [event(type)]));
            await waitUntil(() => received.length >= 6, "the live events");
            await sleep(QUIET_MS);

            const logged = expectRight(
              await store.readAll({ after: start, filter: { streamPrefixes: [wanted] } }),
            );
            expect(logged).toHaveLength(6);
            expect(received.map((e) => e.id)).toEqual(logged.map((e) => e.id));
            expect(received.map((e) => e.position)).toEqual(logged.map((e) => e.position));
            expect(received.map((e) => e.revision)).toEqual([0n, 1n, 2n, 3n, 4n, 5n]);
          } finally {
            await withTimeout(subscription.close(), "close()");
          }
          expect(await withTimeout(subscription.ended, "ended")).toEqual({ reason: "closed" });
        }),
        TEST_MS,
      );

      it(
        "filters by event type, and delivers from the start when `after` is omitted",
        withStore(async (store) => {
          const names = scope();
          const stream = names.stream("typed");
          const kept = names.type("Kept");
          const dropped = names.type("Dropped");
          const expected: string[] = [];
          for (let i = 0; i < 3; i++) {
            const e = event(kept);
            expected.push(e.id);
            expectRight(await store.appendToStream(stream, [event(dropped), e]));
          }
          const received: RecordedEvent[] = [];
          const subscription = store.subscribe({ filter: { eventTypes: [kept] } }, (e) => {
            received.push(e);
          });
          try {
            await waitUntil(() => received.length >= 3, "the catch-up events");
            const live = event(kept);
            expected.push(live.id);
            expectRight(await store.appendToStream(stream, [event(dropped), live]));
            await waitUntil(() => received.length >= 4, "the live event");
            await sleep(QUIET_MS);
            expect(received.map((e) => e.id)).toEqual(expected);
            expectStrictlyIncreasing(received.map((e) => e.position));
          } finally {
            await withTimeout(subscription.close(), "close()");
          }
        }),
        TEST_MS,
      );

      it(
        "treats `after` as exclusive, also when it is the head of the log",
        withStore(async (store) => {
          const names = scope();
          const stream = names.stream("after");
          const type = names.type("Noted");
          const written = [event(type), event(type), event(type)];
          expectRight(await store.appendToStream(stream, written));
          const [first, , third] = expectRight(await store.readStream(stream));

          const fromFirst: RecordedEvent[] = [];
          const fromHead: RecordedEvent[] = [];
          const filter = { streamPrefixes: [stream] };
          const subscriptions = [
            store.subscribe({ after: (first as RecordedEvent).position, filter }, (e) => {
              fromFirst.push(e);
            }),
            store.subscribe({ after: (third as RecordedEvent).position, filter }, (e) => {
              fromHead.push(e);
            }),
          ];
          try {
            await waitUntil(() => fromFirst.length >= 2, "the events after the first");
            const live = event(type);
            expectRight(await store.appendToStream(stream, [live]));
            await waitUntil(() => fromFirst.length >= 3 && fromHead.length >= 1, "the live event");
            await sleep(QUIET_MS);
            expect(fromFirst.map((e) => e.id)).toEqual([written[1]?.id, written[2]?.id, live.id]);
            expect(fromHead.map((e) => e.id)).toEqual([live.id]);
          } finally {
            await withTimeout(Promise.all(subscriptions.map((s) => s.close())), "close()");
          }
        }),
        TEST_MS,
      );

      it(
        "awaits the handler: one event at a time, never overlapping",
        withStore(async (store) => {
          const names = scope();
          const stream = names.stream("serial");
          const type = names.type("Noted");
          const start = await headPosition(store, names);
          let running = 0;
          let overlapped = false;
          const received: RecordedEvent[] = [];
          const subscription = store.subscribe(
            { after: start, filter: { streamPrefixes: [stream] } },
            async (e) => {
              running++;
              if (running > 1) overlapped = true;
              await sleep(2);
              received.push(e);
              running--;
            },
          );
          try {
            expectRight(
              await store.appendToStream(stream, [event(type), event(type), event(type)]),
            );
            expectRight(await store.appendToStream(stream, [event(type), event(type)]));
            await waitUntil(() => received.length >= 5, "five slow deliveries");
            expect(overlapped).toBe(false);
            expect(received.map((e) => e.revision)).toEqual([0n, 1n, 2n, 3n, 4n]);
          } finally {
            await withTimeout(subscription.close(), "close()");
          }
        }),
        TEST_MS,
      );

      it(
        `ends with "handler-failed" when the handler throws, and delivers nothing more`,
        withStore(async (store) => {
          const names = scope();
          const stream = names.stream("failing");
          const type = names.type("Noted");
          const start = await headPosition(store, names);
          const failure = new Error("handler failed on purpose");
          const received: RecordedEvent[] = [];
          const subscription = store.subscribe(
            { after: start, filter: { streamPrefixes: [stream] } },
            async (e) => {
              received.push(e);
              if (received.length === 2) throw failure;
            },
          );
          expectRight(await store.appendToStream(stream, [event(type), event(type), event(type)]));
          const end = await withTimeout(subscription.ended, "ended");
          expect(end).toEqual({ reason: "handler-failed", error: failure });
          expect((end as Extract<SubscriptionEnd, { reason: "handler-failed" }>).error).toBe(
            failure,
          );
          expectRight(await store.appendToStream(stream, [event(type)]));
          await sleep(QUIET_MS);
          expect(received).toHaveLength(2);
          await withTimeout(subscription.close(), "close() after the end");
        }),
        TEST_MS,
      );

      it(
        "also ends when a synchronous handler throws",
        withStore(async (store) => {
          const names = scope();
          const stream = names.stream("throwing");
          const type = names.type("Noted");
          const start = await headPosition(store, names);
          expectRight(await store.appendToStream(stream, [event(type), event(type)]));
          let calls = 0;
          const subscription = store.subscribe(
            { after: start, filter: { streamPrefixes: [stream] } },
            () => {
              calls++;
              throw new TypeError("sync failure");
            },
          );
          const end = await withTimeout(subscription.ended, "ended");
          expect(end.reason).toBe("handler-failed");
          await sleep(QUIET_MS);
          expect(calls).toBe(1);
        }),
        TEST_MS,
      );

      it(
        "close() stops delivery and resolves only after the running handler call finished",
        withStore(async (store) => {
          const names = scope();
          const stream = names.stream("closing");
          const type = names.type("Noted");
          const start = await headPosition(store, names);
          let release: () => void = () => {};
          const gate = new Promise<void>((resolve) => {
            release = resolve;
          });
          let started = 0;
          let finished = 0;
          const subscription = store.subscribe(
            { after: start, filter: { streamPrefixes: [stream] } },
            async () => {
              started++;
              await gate;
              finished++;
            },
          );
          expectRight(await store.appendToStream(stream, [event(type), event(type)]));
          await waitUntil(() => started === 1, "the first handler call");

          let closed = false;
          const closing = subscription.close().then(() => {
            closed = true;
          });
          await sleep(QUIET_MS);
          expect(closed).toBe(false);
          release();
          await withTimeout(closing, "close()");
          expect(finished).toBe(1);

          expectRight(await store.appendToStream(stream, [event(type)]));
          await sleep(QUIET_MS);
          expect(started).toBe(1);
          expect(await withTimeout(subscription.ended, "ended")).toEqual({ reason: "closed" });
          await withTimeout(subscription.close(), "a second close()");
        }),
        TEST_MS,
      );

      it(
        "closing the store closes its subscriptions",
        withStore(async (store, closeStore) => {
          const names = scope();
          const start = await headPosition(store, names);
          const subscription = store.subscribe(
            { after: start, filter: { streamPrefixes: [names.prefix] } },
            () => {},
          );
          await withTimeout(closeStore(), "store.close()");
          expect(await withTimeout(subscription.ended, "ended")).toEqual({ reason: "closed" });
        }),
        TEST_MS,
      );
    });
  });
};

/** Stream names, prefixes and event types that no other test (or test run) shares. */
interface Scope {
  readonly prefix: string;
  stream(name: string): string;
  type(name: string): string;
}

const scope = (): Scope => {
  const id = randomUUID().replaceAll("-", "");
  const prefix = `contract${id}-`;
  return {
    prefix,
    stream: (name) => `${prefix}${name}`,
    type: (name) => `${name}_${id}`,
  };
};

const event = (type: string, data: JsonObject = {}, metadata: JsonObject = {}): EventToAppend => ({
  id: randomUUID(),
  type,
  data,
  metadata,
});

/**
 * A position at or after the current head of the log, learnt by writing a marker event:
 * the port has no "head" query, and stores need not start at 1 nor be empty.
 */
const headPosition = async (store: EventStore, names: Scope): Promise<GlobalPosition> =>
  expectRight(await store.appendToStream(`${names.prefix}marker`, [event(names.type("Marker"))]))
    .position;

const describeError = (error: StoreError): string =>
  JSON.stringify(error, (_key, value) => (typeof value === "bigint" ? `${value}n` : value));

const expectRight = <A>(result: Either<StoreError, A>): A => {
  if (E.isLeft(result)) throw new Error(`Expected success, got ${describeError(result.left)}`);
  return result.right;
};

const expectConflict = (result: Either<StoreError, AppendResult>): ConcurrencyConflict => {
  if (E.isRight(result)) {
    throw new Error(`Expected a concurrency conflict, but the append succeeded`);
  }
  if (result.left.code !== "concurrency.conflict") {
    throw new Error(`Expected a concurrency conflict, got ${describeError(result.left)}`);
  }
  return result.left;
};

const expectStrictlyIncreasing = (positions: readonly bigint[]): void => {
  for (let i = 1; i < positions.length; i++) {
    const previous = positions[i - 1] as bigint;
    const current = positions[i] as bigint;
    if (!(current > previous)) {
      throw new Error(`Position ${current} at index ${i} does not follow ${previous}`);
    }
  }
};

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const waitUntil = async (condition: () => boolean, what: string): Promise<void> => {
  const deadline = performance.now() + WAIT_MS;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`Timed out after ${WAIT_MS} ms: ${what}`);
    await sleep(2);
  }
};

const withTimeout = async <A>(promise: Promise<A>, what: string): Promise<A> => {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Timed out after ${WAIT_MS} ms: ${what}`)), WAIT_MS);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
};

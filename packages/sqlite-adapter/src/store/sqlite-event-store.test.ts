import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { type EventToAppend, NO_STREAM, type RecordedEvent, STREAM_EXISTS } from "@leadledger/core";
import Database from "better-sqlite3";
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { useTempDirectories } from "../temp-directory.test-fixture.js";
import { openSqliteEventStore } from "./sqlite-event-store.js";

const tempDirectory = useTempDirectories();

const event = (type = "Noted", data: Record<string, string | number> = {}): EventToAppend => ({
  id: randomUUID(),
  type,
  data,
  metadata: { at: "2024-05-01T00:00:00Z" },
});

const succeeded = <A>(either: E.Either<unknown, A>): A => {
  if (E.isLeft(either))
    throw new Error(
      `unexpected ${JSON.stringify(either.left, (_k, v) => (typeof v === "bigint" ? `${v}n` : v))}`,
    );
  return either.right;
};

describe("SQLite event store", () => {
  it("keeps appended events across a reopen of the file", async () => {
    const path = join(tempDirectory(), "events.sqlite");
    const first = openSqliteEventStore({ path });
    const written = [event("Captured", { region: "苏州" }), event("Contacted", { n: 1.5 })];
    const appended = succeeded(
      await first.appendToStream("lead-1", written, { expectedRevision: NO_STREAM }),
    );
    expect(appended.nextExpectedRevision).toBe(1n);
    await first.close();

    const second = openSqliteEventStore({ path });
    const read = succeeded(await second.readStream("lead-1"));
    expect(read.map((e) => [e.id, e.type, e.data, e.revision, e.stream])).toEqual(
      written.map((e, i) => [e.id, e.type, e.data, BigInt(i), "lead-1"]),
    );
    expect(read[1]?.position).toBe(appended.position);
    await second.close();
  });

  it("reports a conflict with the actual revision", async () => {
    const store = openSqliteEventStore({ path: join(tempDirectory(), "events.sqlite") });
    succeeded(await store.appendToStream("lead-1", [event(), event()]));
    const conflict = await store.appendToStream("lead-1", [event()], { expectedRevision: 0n });
    expect(conflict).toEqual(
      E.left({ code: "concurrency.conflict", stream: "lead-1", expected: 0n, actual: 1n }),
    );
    const missing = await store.appendToStream("lead-2", [event()], {
      expectedRevision: STREAM_EXISTS,
    });
    expect(missing).toEqual(
      E.left({
        code: "concurrency.conflict",
        stream: "lead-2",
        expected: STREAM_EXISTS,
        actual: NO_STREAM,
      }),
    );
    await store.close();
  });

  it("commits concurrent appends together, each with its own expected-revision check", async () => {
    const path = join(tempDirectory(), "events.sqlite");
    const store = openSqliteEventStore({ path });
    succeeded(await store.appendToStream("contested", [event()]));
    const racing = await Promise.all(
      Array.from({ length: 10 }, () =>
        store.appendToStream("contested", [event(), event()], { expectedRevision: 0n }),
      ),
    );
    expect(racing.filter(E.isRight)).toHaveLength(1);
    expect(racing.filter(E.isLeft).map((r) => r.left)).toEqual(
      Array.from({ length: 9 }, () => ({
        code: "concurrency.conflict",
        stream: "contested",
        expected: 0n,
        actual: 2n,
      })),
    );
    const many = await Promise.all(
      Array.from({ length: 100 }, (_, i) => store.appendToStream(`lead-${i % 7}`, [event()])),
    );
    expect(many.every(E.isRight)).toBe(true);
    const log = succeeded(await store.readAll());
    expect(log).toHaveLength(103);
    for (let i = 1; i < log.length; i++) {
      expect((log[i] as RecordedEvent).position).toBeGreaterThan(
        (log[i - 1] as RecordedEvent).position,
      );
    }
    await store.close();
  });

  it("rolls back only the append whose event is not JSON", async () => {
    const store = openSqliteEventStore({ path: join(tempDirectory(), "events.sqlite") });
    const bad = { ...event(), data: { at: new Date() } } as unknown as EventToAppend;
    const results = await Promise.allSettled([
      store.appendToStream("a", [event()]),
      store.appendToStream("b", [event(), bad]),
      store.appendToStream("c", [event()]),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(succeeded(await store.readAll()).map((e) => e.stream)).toEqual(["a", "c"]);
    await store.close();
  });

  it("rolls back only the append that reuses an event id", async () => {
    const store = openSqliteEventStore({ path: join(tempDirectory(), "events.sqlite") });
    const reused = event();
    succeeded(await store.appendToStream("a", [reused]));
    const results = await Promise.allSettled([
      store.appendToStream("b", [event(), reused]),
      store.appendToStream("c", [event()]),
    ]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "fulfilled"]);
    expect(succeeded(await store.readStream("b"))).toEqual([]);
    await store.close();
  });

  it("reads streams backwards and the log with filters", async () => {
    const store = openSqliteEventStore({ path: join(tempDirectory(), "events.sqlite") });
    succeeded(await store.appendToStream("lead-1", [event("A"), event("B"), event("C")]));
    succeeded(await store.appendToStream("reservation-%_1", [event("R")]));
    succeeded(await store.appendToStream("lead-2", [event("A")]));
    const backwards = succeeded(
      await store.readStream("lead-1", { direction: "backwards", from: 1n, maxCount: 5 }),
    );
    expect(backwards.map((e) => e.type)).toEqual(["B", "A"]);
    const latest = succeeded(
      await store.readStream("lead-1", { direction: "backwards", maxCount: 1 }),
    );
    expect(latest.map((e) => e.revision)).toEqual([2n]);
    const leads = succeeded(await store.readAll({ filter: { streamPrefixes: ["lead-"] } }));
    expect(leads.map((e) => e.stream)).toEqual(["lead-1", "lead-1", "lead-1", "lead-2"]);
    // A prefix is literal: % and _ are not wildcards.
    const literal = succeeded(
      await store.readAll({ filter: { streamPrefixes: ["reservation-%_"] } }),
    );
    expect(literal.map((e) => e.type)).toEqual(["R"]);
    const typed = succeeded(
      await store.readAll({ after: 1n, maxCount: 2, filter: { eventTypes: ["A", "C"] } }),
    );
    expect(typed.map((e) => [e.stream, e.type])).toEqual([
      ["lead-1", "C"],
      ["lead-2", "A"],
    ]);
    await store.close();
  });

  it("delivers live appends of another process by polling", async () => {
    const path = join(tempDirectory(), "events.sqlite");
    const reader = openSqliteEventStore({ path, pollIntervalMs: 20 });
    const writer = openSqliteEventStore({ path });
    succeeded(await writer.appendToStream("lead-1", [event("Before")]));
    const seen: string[] = [];
    let done: () => void = () => {};
    const allSeen = new Promise<void>((resolve) => {
      done = resolve;
    });
    const subscription = reader.subscribe({ filter: { eventTypes: ["Before", "After"] } }, (e) => {
      seen.push(e.type);
      if (seen.length === 2) done();
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    // The writer is another connection: only polling can tell the reader about it.
    succeeded(await writer.appendToStream("lead-1", [event("Ignored"), event("After")]));
    await allSeen;
    expect(seen).toEqual(["Before", "After"]);
    await subscription.close();
    expect(await subscription.ended).toEqual({ reason: "closed" });
    await Promise.all([reader.close(), writer.close()]);
  });

  it("says the store is unavailable when another connection holds the write lock too long", async () => {
    const path = join(tempDirectory(), "events.sqlite");
    const store = openSqliteEventStore({ path, busyTimeoutMs: 50 });
    const other = new Database(path);
    other.exec("BEGIN IMMEDIATE");
    const result = await store.appendToStream("lead-1", [event()]);
    expect(E.isLeft(result) && result.left.code).toBe("store.unavailable");
    other.exec("ROLLBACK");
    expect(E.isRight(await store.appendToStream("lead-1", [event()]))).toBe(true);
    other.close();
    await store.close();
  });

  it("uses WAL and synchronous=FULL unless told otherwise", async () => {
    const path = join(tempDirectory(), "events.sqlite");
    const store = openSqliteEventStore({ path });
    await store.close();
    const db = new Database(path);
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    db.close();
  });
});

import type { RecordedEvent } from "@leadledger/core";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import type { EventReads } from "./event-rows.js";
import type { CommittedRow } from "./group-commit.js";
import { createLiveFeed, type LiveFeed } from "./live-feed.js";

// Issue 21: the events this process just committed reach its subscriptions as written,
// without a read of the events table; only what lies before them, or what another process
// committed, is read back.

const row = (position: bigint, stream: string, type: string): CommittedRow => ({
  position,
  stream,
  revision: 0n,
  event: { id: `id-${position}`, type, data: `{"n":${position}}`, metadata: `{"by":"me"}` },
});

/** Reads of an events table that holds nothing: anything delivered came from the commit. */
const emptyTable = (afterCalls: bigint[]): EventReads => ({
  lastRevision: () => undefined,
  streamForwards: () => [],
  streamBackwards: () => [],
  after: (position) => {
    afterCalls.push(position);
    return [];
  },
  lastPosition: () => 0n,
  streams: () => [],
});

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe("the live feed", () => {
  const opened: { db: Database.Database; feed: LiveFeed }[] = [];
  afterEach(async () => {
    for (const { db, feed } of opened.splice(0)) {
      await feed.close();
      db.close();
    }
  });
  const open = (afterCalls: bigint[]) => {
    const db = new Database(":memory:");
    const feed = createLiveFeed(db, emptyTable(afterCalls), 1_000);
    opened.push({ db, feed });
    return feed;
  };

  it("hands a caught-up subscription this process's commit as written, filtered", async () => {
    const afterCalls: bigint[] = [];
    const feed = open(afterCalls);
    const received: RecordedEvent[] = [];
    feed.subscribe({ filter: { streamPrefixes: ["lead-"] } }, (event) => {
      received.push(event);
    });
    await settle();
    feed.committed({
      after: 0n,
      rows: [row(1n, "contact-x", "ContactReserved"), row(2n, "lead-1", "LeadCaptured")],
    });
    await settle();
    expect(received).toEqual([
      {
        position: 2n,
        id: "id-2",
        stream: "lead-1",
        revision: 0n,
        type: "LeadCaptured",
        data: { n: 2 },
        metadata: { by: "me" },
      },
    ]);
    // The commit itself was never read back; the subscription went on from its last row.
    expect(afterCalls.includes(0n)).toBe(true);
    expect(afterCalls.filter((position) => position === 0n)).toHaveLength(1);
  });

  it("reads the table when something may lie between what it delivered and the commit", async () => {
    const afterCalls: bigint[] = [];
    const feed = open(afterCalls);
    const received: RecordedEvent[] = [];
    feed.subscribe({}, (event) => {
      received.push(event);
    });
    await settle();
    // Another process committed positions 1 to 4 before this group: they must be read first.
    feed.committed({ after: 4n, rows: [row(5n, "lead-1", "LeadCaptured")] });
    await settle();
    expect(received).toEqual([]);
    expect(afterCalls).toEqual([0n, 0n]);
  });
});

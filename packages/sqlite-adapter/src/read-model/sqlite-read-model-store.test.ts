import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInMemoryEventStore, type RecordedEvent } from "@leadledger/core";
import { createProjectionRunner, type LeadSummary, summarizeLog } from "@leadledger/projections";
import { recordedHistoryArray } from "@leadledger/testkit";
import Database from "better-sqlite3";
import * as E from "fp-ts/lib/Either.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openSqliteReadModelStore } from "./sqlite-read-model-store.js";

const sorted = (rows: Iterable<LeadSummary>) =>
  [...rows].sort((a, b) => (a.leadId < b.leadId ? -1 : 1));

const feed = async (
  store: ReturnType<typeof createInMemoryEventStore>,
  events: readonly RecordedEvent[],
) => {
  for (const { id, type, data, metadata, stream } of events) {
    await store.appendToStream(stream, [{ id, type, data, metadata }]);
  }
};

describe("the SQLite read model", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "read-model-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const history = recordedHistoryArray({ seed: 9, leads: 80 });
  const expected = sorted(summarizeLog(history).values());

  it("stores rows and checkpoint together and gives them back unchanged", async () => {
    const path = join(dir, "read-model.db");
    const store = openSqliteReadModelStore({ path });
    const rows = [...summarizeLog(history).values()];
    expect(await store.commit({ summaries: rows, checkpoint: 123n })).toEqual(E.right(undefined));
    await store.close();
    const reopened = openSqliteReadModelStore({ path });
    const loaded = await reopened.load();
    expect(E.isRight(loaded) && loaded.right.checkpoint).toBe(123n);
    expect(E.isRight(loaded) && sorted(loaded.right.summaries)).toEqual(expected);
    await reopened.close();
  });

  it("lets a runner resume from the file after a restart, and rebuild in place", async () => {
    const path = join(dir, "read-model.db");
    const events = createInMemoryEventStore();
    await feed(events, history.slice(0, 200));
    const first = createProjectionRunner({
      events,
      readModel: openSqliteReadModelStore({ path }),
      batchSize: 37,
    });
    await first.start();
    await first.stop();
    await feed(events, history.slice(200));

    const readModel = openSqliteReadModelStore({ path });
    const second = createProjectionRunner({ events, readModel, batchSize: 64 });
    await second.start();
    expect(sorted(second.summaries())).toEqual(expected);

    expect(E.isRight(await second.rebuild())).toBe(true);
    expect(sorted(second.summaries())).toEqual(expected);
    const stored = await readModel.load();
    expect(E.isRight(stored) && stored.right.checkpoint).toBe(BigInt(history.length));
    expect(E.isRight(stored) && sorted(stored.right.summaries)).toEqual(expected);
    await second.stop();
    await readModel.close();
    await events.close();
  });

  it("keeps the live model when a rebuild is discarded", async () => {
    const store = openSqliteReadModelStore({ path: join(dir, "read-model.db") });
    const rows = [...summarizeLog(history).values()];
    await store.commit({ summaries: rows, checkpoint: 7n });
    const rebuild = await store.startRebuild();
    if (E.isLeft(rebuild)) throw new Error(rebuild.left.message);
    await rebuild.right.commit({ summaries: rows.slice(0, 3), checkpoint: 2n });
    await rebuild.right.discard();
    const loaded = await store.load();
    expect(E.isRight(loaded) && loaded.right.checkpoint).toBe(7n);
    expect(E.isRight(loaded) && loaded.right.summaries.length).toBe(rows.length);
    await store.close();
  });

  it("rebuilds a file written before the fields to be confirmed were kept (issue 14)", async () => {
    const path = join(dir, "read-model.db");
    // The table as versions before issue 14 made it: no to_be_confirmed column.
    const old = new Database(path);
    old.exec(
      "CREATE TABLE lead_summaries (lead_id TEXT NOT NULL PRIMARY KEY, stage TEXT NOT NULL, owner_id TEXT NOT NULL, department TEXT NOT NULL, channel TEXT, source_class TEXT, inquiry_mode TEXT, region TEXT, industry TEXT, grade TEXT, value_tier TEXT, acquired_at INTEGER NOT NULL, entered_at INTEGER NOT NULL, first_follow_up_at INTEGER, last_follow_up_at INTEGER, agreed_next_follow_up_on TEXT, next_follow_up_due_at INTEGER NOT NULL, converted_at INTEGER, deal_amount REAL, deal_currency TEXT, flagged_for_purge INTEGER NOT NULL, purged_at INTEGER, purge_reason TEXT, contact_count INTEGER NOT NULL, visit_count INTEGER NOT NULL, event_count INTEGER NOT NULL, revision INTEGER NOT NULL) WITHOUT ROWID",
    );
    old.exec(
      "CREATE TABLE read_model_checkpoints (model TEXT PRIMARY KEY, position TEXT NOT NULL)",
    );
    old.exec("INSERT INTO read_model_checkpoints VALUES ('lead-summary', '100')");
    old.close();

    const events = createInMemoryEventStore();
    await feed(events, history);
    const readModel = openSqliteReadModelStore({ path });
    const runner = createProjectionRunner({ events, readModel, batchSize: 64 });
    await runner.start();
    // Replayed from the first event, not resumed from the old file's checkpoint.
    expect(sorted(runner.summaries())).toEqual(expected);
    expect(expected.some((row) => (row.toBeConfirmed?.length ?? 0) > 0)).toBe(true);
    await runner.stop();
    const stored = await readModel.load();
    expect(E.isRight(stored) && sorted(stored.right.summaries)).toEqual(expected);
    await readModel.close();
    await events.close();
  });
});

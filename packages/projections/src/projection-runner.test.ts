import { createInMemoryEventStore, type EventStore } from "@leadledger/core";
import { recordedHistoryArray } from "@leadledger/testkit";
import * as E from "fp-ts/lib/Either.js";
import { afterEach, describe, expect, it } from "vitest";
import { createInMemoryReadModelStore } from "./in-memory-read-model-store.js";
import type { LeadSummary } from "./lead-summary.js";
import {
  createProjectionRunner,
  type ProjectionRunner,
  type RebuildProgress,
} from "./projection-runner.js";
import type { ReadModelStore } from "./read-model-store.js";
import { summarizeLog } from "./summary-batch.js";
import type { ProjectionProblem } from "./summary-input.js";
import { feed, readLog } from "./test-support/event-store-feed.js";

const sorted = (rows: Iterable<LeadSummary>) =>
  [...rows].sort((a, b) => (a.leadId < b.leadId ? -1 : 1));

describe("the projection runner", () => {
  const running: ProjectionRunner[] = [];
  const stores: EventStore[] = [];
  const setUp = (
    readModel: ReadModelStore = createInMemoryReadModelStore(),
    batchSize = 50,
    layOutAfterReplacedRows?: number,
  ) => {
    const events = createInMemoryEventStore();
    stores.push(events);
    const problems: ProjectionProblem[] = [];
    const runner = createProjectionRunner({
      events,
      readModel,
      batchSize,
      retryDelayMs: 10,
      onProblem: (problem) => problems.push(problem),
      ...(layOutAfterReplacedRows === undefined ? {} : { layOutAfterReplacedRows }),
    });
    running.push(runner);
    return { events, readModel, runner, problems };
  };
  afterEach(async () => {
    for (const runner of running.splice(0)) await runner.stop();
    for (const store of stores.splice(0)) await store.close();
  });

  const history = recordedHistoryArray({ seed: 5, leads: 60 });
  const half = Math.floor(history.length / 2);

  it("catches up, follows live, and lets a writer read its own writes", async () => {
    const { events, runner } = setUp();
    await feed(events, history.slice(0, half));
    expect(E.isRight(await runner.start())).toBe(true);
    expect(runner.status().phase).toBe("live");
    const last = await feed(events, history.slice(half));
    expect(await runner.waitFor(last as bigint, { timeoutMs: 2000 })).toEqual(E.right(undefined));
    expect(runner.checkpoint()).toBe(last);
    expect(sorted(runner.summaries())).toEqual(
      sorted(summarizeLog(await readLog(events)).values()),
    );
  });

  it("lays its rows out again once enough were replaced: equal rows, in the same order", async () => {
    const { events, readModel, runner } = setUp(createInMemoryReadModelStore(), 50, 1);
    await feed(events, history.slice(0, half));
    await runner.start();
    const last = await feed(events, history.slice(half));
    await runner.waitFor(last as bigint, { timeoutMs: 2000 });
    const expected = summarizeLog(await readLog(events));
    expect(runner.summaries()).toEqual([...expected.values()]);
    // Laid out: the runner's rows are copies of the ones it committed to the store.
    const stored = await readModel.load();
    const committed = new Map(
      E.isRight(stored) ? stored.right.summaries.map((row) => [row.leadId, row]) : [],
    );
    const copies = runner.summaries().filter((row) => committed.get(row.leadId) !== row);
    expect(copies.length).toBeGreaterThan(0);
  });

  it("lays out more than a slice of rows a slice per turn, and stops midway when stopped", async () => {
    // More rows than one slice of a lay-out (10,000), then enough new leads live that a
    // quarter of the rows were replaced: the lay-out copies 10,000 rows, then waits a turn.
    const earlier = recordedHistoryArray({ seed: 11, leads: 10_500 });
    const later = recordedHistoryArray({ seed: 12, leads: 4_000 });
    const layOut = async (stopMidway: boolean) => {
      // One live batch for the whole of `later`: its lay-out starts as the wait settles.
      const { events, readModel, runner } = setUp(createInMemoryReadModelStore(), 1_000_000, 1);
      await feed(events, earlier);
      await runner.start();
      const last = await feed(events, later);
      await runner.waitFor(last as bigint, { timeoutMs: 20_000 });
      if (stopMidway) await runner.stop();
      else await new Promise((resolve) => setTimeout(resolve, 50));
      const stored = await readModel.load();
      const committed = new Map(
        E.isRight(stored) ? stored.right.summaries.map((row) => [row.leadId, row]) : [],
      );
      const rows = runner.summaries();
      expect(sorted(rows)).toEqual(sorted(summarizeLog(await readLog(events)).values()));
      // The rows of `later` come last; those still the committed objects were not copied.
      return rows.filter((row) => committed.get(row.leadId) === row).length;
    };
    expect(await layOut(false)).toBe(0);
    // Stopped after the first slice: the 4,000 rows of `later`, which all lie past it (the
    // 10,500 of `earlier` come first), are left as they were committed.
    expect(await layOut(true)).toBe(4_000);
  }, 60_000);

  it("times a wait out when the position is not reached", async () => {
    const { runner } = setUp();
    await runner.start();
    expect(await runner.waitFor(10n, { timeoutMs: 20 })).toEqual(
      E.left({ code: "projection.wait-timed-out", position: 10n, checkpoint: undefined }),
    );
  });

  it("reports its lag", async () => {
    const { events, runner } = setUp();
    await feed(events, history.slice(0, 30));
    await runner.start();
    await runner.stop();
    await feed(events, history.slice(30, 45));
    expect(await runner.lag()).toEqual(
      E.right({ checkpoint: 30n, eventsBehind: 15, saturated: false }),
    );
    expect(await runner.lag({ limit: 10 })).toEqual(
      E.right({ checkpoint: 30n, eventsBehind: 10, saturated: true }),
    );
  });

  it("resumes from the stored checkpoint after a stop", async () => {
    const first = setUp();
    await feed(first.events, history.slice(0, half));
    await first.runner.start();
    await first.runner.stop();
    await feed(first.events, history.slice(half));
    const second = createProjectionRunner({ events: first.events, readModel: first.readModel });
    running.push(second);
    await second.start();
    expect(sorted(second.summaries())).toEqual(
      sorted(summarizeLog(await readLog(first.events)).values()),
    );
  });

  it("rebuilds into a fresh model and swaps it in", async () => {
    const { events, runner, readModel } = setUp();
    await feed(events, history);
    await runner.start();
    const before = sorted(runner.summaries());
    expect(E.isRight(await runner.rebuild())).toBe(true);
    expect(sorted(runner.summaries())).toEqual(before);
    const stored = await readModel.load();
    expect(E.isRight(stored) && sorted(stored.right.summaries)).toEqual(before);
    expect(runner.status().phase).toBe("live");
  });

  it("tells a rebuild's progress: each batch read, then the rows written", async () => {
    const { events, runner } = setUp(createInMemoryReadModelStore(), 50);
    const last = await feed(events, history);
    const told: RebuildProgress[] = [];
    expect(E.isRight(await runner.rebuild({ onProgress: (p) => told.push(p) }))).toBe(true);
    const reading = told.filter((p) => p.step === "reading");
    const writing = told.filter((p) => p.step === "writing");
    // One report a batch of 50, in order, ending at the whole log; then the writes.
    expect(reading.map((p) => p.events)).toEqual(
      Array.from({ length: Math.ceil(history.length / 50) }, (_, i) =>
        Math.min((i + 1) * 50, history.length),
      ),
    );
    expect(reading.at(-1)?.position).toBe(last);
    const leads = summarizeLog(await readLog(events)).size;
    expect(writing).toEqual([{ step: "writing", rows: leads, totalRows: leads }]);
    expect(told.indexOf(writing[0] as RebuildProgress)).toBe(reading.length);
  });

  it("skips and reports what it cannot use", async () => {
    const { events, runner, problems } = setUp();
    await events.appendToStream("lead-00000000-0000-4000-a000-000000000001", [
      { id: "a", type: "LeadContacted", data: {}, metadata: {} },
    ]);
    await events.appendToStream("contact-reservation-x", [
      { id: "b", type: "ContactReserved", data: {}, metadata: {} },
    ]);
    await runner.start();
    expect(problems.map((p) => [p.code, p.paths])).toEqual([
      ["projection.undecodable-event", ["metadata.leadId"]],
    ]);
    // The checkpoint passes other streams too, so a wait on their positions ends.
    expect(runner.checkpoint()).toBe(2n);
  });

  it("retries after the read model failed", async () => {
    const inner = createInMemoryReadModelStore();
    let failures = 2;
    const flaky: ReadModelStore = {
      ...inner,
      commit: async (batch) =>
        failures-- > 0
          ? E.left({ code: "read-model.unavailable", message: "disk full" })
          : inner.commit(batch),
    };
    const { events, runner } = setUp(flaky);
    const last = await feed(events, history.slice(0, 20));
    expect(E.isLeft(await runner.start())).toBe(true);
    expect(await runner.waitFor(last as bigint, { timeoutMs: 2000 })).toEqual(E.right(undefined));
    expect(runner.status().lastFailure?.code).toBe("read-model.unavailable");
  });
});

// One measured phase of the projections benchmark, run in a child process of main.ts so
// that each phase's peak RSS is its own. Prints one JSON line on stdout.
import { join } from "node:path";
import { createInMemoryEventStore, type EventStore, type RecordedEvent } from "@leadledger/core";
import {
  conversionRate,
  createInMemoryReadModelStore,
  createProjectionRunner,
  followUpCycle,
  followUpsDue,
  type LeadSummary,
  pipeline,
  type ReadModelStore,
  repPeriodReport,
  summarizeLog,
  timeliness,
  type Viewer,
} from "@leadledger/projections";
// Not yet exported from the adapter's index.
import { openSqliteEventStore, openSqliteReadModelStore } from "@leadledger/sqlite-adapter";
// The testkit's index also exports its vitest suites, which cannot load outside vitest.
import { recordedHistory } from "@leadledger/testkit";
import Database from "better-sqlite3";
import * as E from "fp-ts/lib/Either.js";

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const VIEW_LEADS = Number(process.env.BENCH_VIEW_LEADS ?? 100_000);
const BATCH = 2_000;
const MiB = 1024 * 1024;
/** Where the SQLite phases keep their files: made and removed by main.ts. */
const WORK_DIR = process.argv[3] ?? ".";

const peakRssMiB = (): number => process.resourceUsage().maxRSS / 1024;
const heapMiB = (): number => {
  globalThis.gc?.();
  return process.memoryUsage().heapUsed / MiB;
};

/** Enough leads for about `events` events (about 6.5 per lead), cut at exactly `events`. */
const history = (events: number) =>
  recordedHistory({ seed: 2026, leads: Math.ceil(events / 5), maxEvents: events });

const rebuild = async (events: EventStore, readModel: ReadModelStore) => {
  const runner = createProjectionRunner({ events, readModel, batchSize: BATCH });
  const started = performance.now();
  const rebuilt = await runner.rebuild();
  const seconds = (performance.now() - started) / 1000;
  if (E.isLeft(rebuilt)) throw new Error(rebuilt.left.code);
  const leads = runner.summaries().length;
  await runner.stop();
  return { seconds, leads };
};

const memory = async () => {
  const events = createInMemoryEventStore();
  let count = 0;
  for (const { id, type, data, metadata, stream } of history(EVENTS)) {
    await events.appendToStream(stream, [{ id, type, data, metadata }]);
    count++;
  }
  const storeHeap = heapMiB();
  const { seconds, leads } = await rebuild(events, createInMemoryReadModelStore());
  return {
    phase: "memory",
    events: count,
    leads,
    seconds,
    eventsPerSecond: count / seconds,
    storeHeapMiB: storeHeap,
    peakRssMiB: peakRssMiB(),
  };
};

/** Writes the generated log straight into the SQLite event store's events table. */
const fillSqlite = (path: string): number => {
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = OFF");
  const insert = db.prepare(
    "INSERT INTO events (id, stream, revision, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)",
  );
  let count = 0;
  let batch: RecordedEvent[] = [];
  const write = db.transaction((events: RecordedEvent[]) => {
    for (const e of events) {
      insert.run(
        e.id,
        e.stream,
        e.revision,
        e.type,
        JSON.stringify(e.data),
        JSON.stringify(e.metadata),
      );
    }
  });
  for (const event of history(EVENTS)) {
    batch.push(event);
    count++;
    if (batch.length === 10_000) {
      write(batch);
      batch = [];
    }
  }
  write(batch);
  db.close();
  return count;
};

/** Fills a fresh SQLite event store with the generated log (a phase of its own, so that
 * the generator's memory does not count against the rebuild's). */
const fill = async () => {
  const eventsPath = join(WORK_DIR, "events.db");
  // Opening the store creates its schema; the log is then written in bulk.
  await openSqliteEventStore({ path: eventsPath }).close();
  const started = performance.now();
  const count = fillSqlite(eventsPath);
  return { phase: "fill", events: count, seconds: (performance.now() - started) / 1000 };
};

const sqlite = async () => {
  const events = openSqliteEventStore({ path: join(WORK_DIR, "events.db"), synchronous: "normal" });
  const readModel = openSqliteReadModelStore({ path: join(WORK_DIR, "read-model.db") });
  const { seconds, leads } = await rebuild(events, readModel);
  await readModel.close();
  await events.close();
  // The event count comes from the fill phase: counting here would weigh on the peak RSS.
  return { phase: "sqlite", leads, seconds, peakRssMiB: peakRssMiB() };
};

const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.ceil(p * sorted.length) - 1] as number;

const views = async () => {
  const log: RecordedEvent[] = [];
  for (const event of recordedHistory({ seed: 7, leads: VIEW_LEADS })) log.push(event);
  const rows: LeadSummary[] = [...summarizeLog(log).values()];
  log.length = 0;
  const end = rows.reduce((max, row) => Math.max(max, row.lastFollowUpAt ?? row.acquiredAt), 0);
  const now = end;
  const year = { from: Date.UTC(2026, 0, 1), to: Date.UTC(2027, 0, 1) };
  const executive: Viewer = { id: "ceo", role: "executive", department: "hq" };
  const head: Viewer = { id: "head-1", role: "head", department: "dept-1" };
  const cases: Record<string, () => unknown> = {
    "pipeline by stage × grade × owner (executive)": () =>
      pipeline(rows, { viewer: executive, by: ["stage", "grade", "owner"] }),
    "conversion, cohort, by channel × month": () =>
      conversionRate(rows, {
        viewer: executive,
        range: year,
        basis: "cohort",
        by: ["channel", "period"],
      }),
    "conversion, period, by owner × month": () =>
      conversionRate(rows, {
        viewer: executive,
        range: year,
        basis: "period",
        by: ["owner", "period"],
      }),
    "follow-up cycle by owner × quarter": () =>
      followUpCycle(rows, {
        viewer: executive,
        range: year,
        by: ["owner", "period"],
        period: "quarter",
      }),
    "timeliness by department × week": () =>
      timeliness(rows, {
        viewer: executive,
        range: year,
        now,
        by: ["department", "period"],
        period: "week",
      }),
    "due/overdue follow-ups per owner (executive)": () =>
      followUpsDue(rows, { viewer: executive, now }),
    "per-rep quarterly report (head)": () =>
      repPeriodReport(rows, {
        viewer: head,
        granularity: "quarter",
        containing: Date.UTC(2026, 4, 1),
        now,
      }),
    "per-rep monthly report (executive)": () =>
      repPeriodReport(rows, {
        viewer: executive,
        granularity: "month",
        containing: Date.UTC(2026, 4, 1),
        now,
      }),
  };
  const results: { view: string; p50Ms: number; p95Ms: number }[] = [];
  for (const [view, run] of Object.entries(cases)) {
    for (let i = 0; i < 5; i++) run();
    const times: number[] = [];
    for (let i = 0; i < 25; i++) {
      const started = performance.now();
      run();
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    results.push({ view, p50Ms: percentile(times, 0.5), p95Ms: percentile(times, 0.95) });
  }
  return { phase: "views", leads: rows.length, results, peakRssMiB: peakRssMiB() };
};

const phases: Record<string, () => Promise<object>> = { memory, fill, sqlite, views };
const phase = phases[process.argv[2] ?? ""];
if (phase === undefined) throw new Error(`Unknown phase ${process.argv[2]}`);
process.stdout.write(`${JSON.stringify(await phase())}\n`);

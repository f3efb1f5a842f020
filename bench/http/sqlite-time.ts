// The SQLite share of the HTTP benchmark's captures: time spent inside better-sqlite3's
// synchronous calls in this process, per database file. better-sqlite3 does all its work
// on the calling thread, so wall time around run/get/all/iterate/exec/pragma and around a
// `db.transaction` function is SQLite's own time (statement, commit, fsync), with the
// ledger's JavaScript outside it. Patched on the prototypes before any store opens;
// nested calls (statements inside a transaction function) are counted once.
import { basename } from "node:path";
import Database from "better-sqlite3";

/** SQLite time since the last reset: milliseconds and calls per database file. */
export type SqliteTime = Record<string, { ms: number; calls: number }>;

let depth = 0;
let spent: Map<string, { ns: bigint; calls: number }> = new Map();

const count = (file: string, ns: bigint): void => {
  const entry = spent.get(file);
  if (entry === undefined) spent.set(file, { ns, calls: 1 });
  else {
    entry.ns += ns;
    entry.calls++;
  }
};

const fileOf = (db: { name?: string; memory?: boolean } | undefined): string =>
  db === undefined || db.memory === true ? ":memory:" : basename(db.name ?? "?");

// BENCH_SQLITE_BY_STATEMENT=1: each statement's time apart, under its file and SQL text.
const byStatement = process.env.BENCH_SQLITE_BY_STATEMENT === "1";

const timed = <F extends (...args: never[]) => unknown>(
  method: F,
  databaseOf: (self: unknown) => { name?: string; memory?: boolean } | undefined,
): F =>
  function (this: unknown, ...args: Parameters<F>) {
    if (depth > 0) return method.apply(this, args);
    depth++;
    const startedAt = process.hrtime.bigint();
    try {
      return method.apply(this, args);
    } finally {
      count(fileOf(databaseOf(this)), process.hrtime.bigint() - startedAt);
      depth--;
    }
  } as F;

/** Patches better-sqlite3 in this process so that its time is counted from now on. */
export const meterSqlite = (): void => {
  const probe = new Database(":memory:");
  const statement = Object.getPrototypeOf(probe.prepare("SELECT 1")) as Record<string, never>;
  probe.close();
  const ofStatement = (self: unknown) => {
    const { database, source } = self as { database: Database.Database; source: string };
    return byStatement ? { name: `${database.name} …${source.slice(-70)}` } : database;
  };
  for (const name of ["run", "get", "all", "iterate"] as const) {
    const original = statement[name] as (...args: never[]) => unknown;
    statement[name] = timed(original, ofStatement) as never;
  }
  // iterate's rows are read lazily, on each next(): count those steps too.
  const iterate = statement.iterate as (...args: never[]) => Iterator<unknown>;
  statement.iterate = function (this: unknown, ...args: never[]) {
    const rows = iterate.apply(this, args);
    const next = rows.next.bind(rows);
    rows.next = timed(next as (...a: never[]) => IteratorResult<unknown>, () =>
      ofStatement(this),
    ) as never;
    return rows;
  } as never;
  const database = Database.prototype as unknown as Record<string, never>;
  const ofDatabase = (self: unknown) => self as Database.Database;
  for (const name of ["exec", "pragma"] as const) {
    database[name] = timed(database[name] as (...args: never[]) => unknown, ofDatabase) as never;
  }
  const transaction = database.transaction as (fn: (...a: never[]) => unknown) => unknown;
  database.transaction = function (this: Database.Database, fn: (...a: never[]) => unknown) {
    const wrapped = transaction.call(this, fn) as Record<string, unknown> &
      ((...a: never[]) => unknown);
    const outer = timed(wrapped, () => this) as typeof wrapped;
    for (const variant of ["deferred", "immediate", "exclusive"] as const) {
      const inner = wrapped[variant] as (...a: never[]) => unknown;
      outer[variant] = timed(inner, () => this);
    }
    return outer;
  } as never;
};

/** Starts counting afresh. */
export const resetSqliteTime = (): void => {
  spent = new Map();
};

/** What was counted since the last reset. */
export const sqliteTime = (): SqliteTime =>
  Object.fromEntries(
    [...spent].map(([file, { ns, calls }]) => [file, { ms: Number(ns) / 1e6, calls }]),
  );

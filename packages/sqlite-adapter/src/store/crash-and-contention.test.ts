import { spawn } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { RecordedEvent } from "@leadledger/core";
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { verifyBackup } from "../backup/verify-backup.js";
import { useTempDirectories } from "../temp-directory.test-fixture.js";
import { openSqliteEventStore } from "./sqlite-event-store.js";

const tempDirectory = useTempDirectories();
// The fixture's streams carry hash chains under names of their own: check every one.
const EVERY_STREAM_CHAINED = { hashChained: () => true };
const here = dirname(fileURLToPath(import.meta.url));
const fixture = join(here, "append-loop.test-fixture.ts");
// `--import tsx` is resolved from the working directory: the workspace root has tsx.
const workspaceRoot = resolve(here, "../../../..");

interface Child {
  /** Resolves with every complete line the child printed, once it has exited. */
  readonly exited: Promise<{ lines: string[]; code: number | null; signal: string | null }>;
  /** Resolves when the child printed a line starting with `prefix`. */
  readonly printed: (prefix: string) => Promise<void>;
  readonly kill: () => void;
  /** Tells a child waiting on its standard input to go on. */
  readonly go: () => void;
}

const startChild = (args: string[]): Child => {
  const child = spawn(
    process.execPath,
    ["--conditions=source", "--import", "tsx", fixture, ...args],
    { cwd: workspaceRoot, stdio: ["pipe", "pipe", "pipe"] },
  );
  let text = "";
  let errors = "";
  const watchers: { prefix: string; resolve: () => void }[] = [];
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    text += chunk;
    for (const watcher of watchers.splice(0)) {
      if (text.split("\n").some((line) => line.startsWith(watcher.prefix))) watcher.resolve();
      else watchers.push(watcher);
    }
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    errors += chunk;
  });
  const exited = new Promise<{ lines: string[]; code: number | null; signal: string | null }>(
    (done) => {
      child.on("close", (code, signal) => {
        if (signal === null && code !== 0) console.error(errors);
        // A line cut by the kill has no newline yet: it was never a complete acknowledgement.
        done({ lines: text.split("\n").slice(0, -1), code, signal });
      });
    },
  );
  return {
    exited,
    printed: (prefix) =>
      new Promise<void>((resolvePrinted, rejectPrinted) => {
        watchers.push({ prefix, resolve: resolvePrinted });
        void exited.then(() =>
          rejectPrinted(new Error(`child exited before "${prefix}": ${errors}`)),
        );
      }),
    kill: () => child.kill("SIGKILL"),
    go: () => child.stdin.end("go\n"),
  };
};

const acknowledgedIds = (lines: readonly string[]): string[] =>
  lines
    .filter((line) => line.startsWith("ack "))
    .flatMap((line) => (line.split(" ")[2] ?? "").split(","));

const readLog = async (path: string): Promise<readonly RecordedEvent[]> => {
  // Opening the store first replays a WAL the killed process left behind.
  const store = openSqliteEventStore({ path });
  const log = await store.readAll();
  await store.close();
  if (E.isLeft(log)) throw new Error(log.left.code);
  return log.right;
};

describe("SQLite event store under crashes and several processes", () => {
  it("loses no acknowledged append and half-writes no batch when killed 20 times", async () => {
    const path = join(tempDirectory(), "events.sqlite");
    const acknowledged: string[] = [];
    for (let kill = 0; kill < 20; kill++) {
      const child = startChild(["crash", path, `run-${kill}`]);
      await child.printed("ack ");
      await new Promise((wait) => setTimeout(wait, Math.random() * 150));
      child.kill();
      const { lines, signal } = await child.exited;
      expect(signal).toBe("SIGKILL");
      acknowledged.push(...acknowledgedIds(lines));

      // integrity_check, contiguous streams, unbroken hash chains (the test's streams are
      // chained like lead streams, though not named like them).
      const verification = await verifyBackup(path, EVERY_STREAM_CHAINED);
      expect(verification.problems).toEqual([]);
      const log = await readLog(path);
      const stored = new Set(log.map((event) => event.id));
      expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);
      const batches = new Map<string, { size: number; seen: number }>();
      for (const event of log) {
        const id = String(event.metadata.batch);
        const entry = batches.get(id) ?? { size: Number(event.metadata.size), seen: 0 };
        entry.seen += 1;
        batches.set(id, entry);
      }
      expect([...batches.values()].filter((entry) => entry.seen !== entry.size)).toEqual([]);
    }
    expect(acknowledged.length).toBeGreaterThan(20);
  }, 120_000);

  it("two processes appending to the same leads lose and duplicate nothing", async () => {
    const path = join(tempDirectory(), "events.sqlite");
    const [one, two] = [
      startChild(["contend", path, "one", "250"]),
      startChild(["contend", path, "two", "250"]),
    ];
    await Promise.all([one.printed("ready"), two.printed("ready")]);
    one.go();
    two.go();
    const results = await Promise.all([one.exited, two.exited]);
    for (const { code } of results) expect(code).toBe(0);
    const acknowledged = results.flatMap(({ lines }) => acknowledgedIds(lines));
    expect(acknowledged).toHaveLength(500);
    const log = await readLog(path);
    expect(log.map((event) => event.id).sort()).toEqual([...acknowledged].sort());
    expect((await verifyBackup(path, EVERY_STREAM_CHAINED)).problems).toEqual([]);
    // They did meet: at least one append had to retry after a conflict.
    const conflicts = results
      .flatMap(({ lines }) => lines)
      .filter((line) => line.startsWith("done"))
      .map((line) => Number(/conflicts=(\d+)/.exec(line)?.[1]));
    expect(conflicts).toHaveLength(2);
    expect(conflicts.reduce((sum, n) => sum + n, 0)).toBeGreaterThan(0);
  }, 120_000);
});

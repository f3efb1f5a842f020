import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as E from "fp-ts/lib/Either.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { backupLedger } from "./backup/backup-ledger.js";
import { expireKeyBackups } from "./backup/expire-key-backups.js";
import { restoreLedger } from "./backup/restore-ledger.js";
import { chainedEvents } from "./chained-events.test-fixture.js";
import { ledgerFiles } from "./ledger-files.js";
import { openSqliteKeyStore } from "./privacy/sqlite-key-store.js";
import { openSqliteReadModelStore } from "./read-model/sqlite-read-model-store.js";
import { openSqliteEventStore } from "./store/sqlite-event-store.js";
import { useTempDirectories } from "./temp-directory.test-fixture.js";

// Item 16 of issue 12: the keys, the events, the read model, their -wal and -shm files and
// every backup are the ledger's secrets. Under the usual umask (022) every one of them must
// still be the owner's alone: files 0600, directories 0700.

const tempDirectory = useTempDirectories();

let umaskBefore: number;
beforeEach(() => {
  umaskBefore = process.umask(0o022);
});
afterEach(() => {
  process.umask(umaskBefore);
});

const succeeded = <A>(either: E.Either<unknown, A>): A => {
  if (E.isLeft(either)) throw new Error(`unexpected ${JSON.stringify(either.left)}`);
  return either.right;
};

const modeOf = (path: string): string => (statSync(path).mode & 0o777).toString(8);

/** `root` (as ".") and every file and directory under it, with its permission bits. */
const modesUnder = (root: string): Map<string, string> => {
  const modes = new Map<string, string>([[".", modeOf(root)]]);
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    modes.set(path.slice(root.length + 1), modeOf(path));
  }
  return modes;
};

/** `expected` (directories ending in "/") are exactly what is under `root`, each private. */
const expectPrivate = (root: string, expected: readonly string[]): void => {
  const wanted = new Map(
    expected.map((path) =>
      path.endsWith("/") ? [path.slice(0, -1), "700"] : ([path, "600"] as const),
    ),
  );
  expect(Object.fromEntries(modesUnder(root))).toEqual(Object.fromEntries(wanted));
};

describe("the files a ledger creates", () => {
  it("are readable by their owner only, whatever the umask: stores, WAL, backups, restores", async () => {
    const root = tempDirectory();
    // The embedder's data directory (the standalone server makes its own 0700 too).
    mkdirSync(join(root, "data", "ledger"), { recursive: true, mode: 0o700 });
    const files = ledgerFiles(join(root, "data", "ledger"));
    // The secret's file, as the standalone server writes it.
    writeFileSync(files.config ?? "", "{}\n", { mode: 0o600 });
    const events = openSqliteEventStore({ path: files.events });
    const keys = openSqliteKeyStore({ path: files.keys });
    const readModel = openSqliteReadModelStore({
      path: join(root, "data", "ledger", "read.sqlite"),
    });
    try {
      succeeded(await keys.ensureKey("lead-1", randomBytes(32)));
      succeeded(
        await events.appendToStream(
          "lead-1",
          chainedEvents("", [{ type: "LeadCaptured", data: { region: "苏州" } }]).events,
        ),
      );

      expect(existsSync(`${files.events}-wal`) && existsSync(`${files.events}-shm`)).toBe(true);
      expect(existsSync(`${files.keys}-wal`) && existsSync(`${files.keys}-shm`)).toBe(true);
      expectPrivate(join(root, "data"), [
        "./",
        "ledger/",
        "ledger/config.json",
        "ledger/events.sqlite",
        "ledger/events.sqlite-wal",
        "ledger/events.sqlite-shm",
        "ledger/keys.sqlite",
        "ledger/keys.sqlite-wal",
        "ledger/keys.sqlite-shm",
        "ledger/read.sqlite",
        "ledger/read.sqlite-wal",
        "ledger/read.sqlite-shm",
      ]);

      const day = (n: number) => () => new Date(Date.UTC(2024, 0, 1 + n));
      succeeded(
        await backupLedger(files, join(root, "backups", "nightly", "one"), { now: day(0) }),
      );
      expect(
        expireKeyBackups({ root: join(root, "backups", "nightly"), now: day(40) }),
      ).toHaveLength(1);
      succeeded(
        await backupLedger(files, join(root, "backups", "nightly", "two"), { now: day(40) }),
      );
    } finally {
      await Promise.all([events.close(), keys.close(), readModel.close()]);
    }
    expectPrivate(join(root, "backups"), [
      "./",
      "nightly/",
      "nightly/one/",
      "nightly/one/manifest.json",
      "nightly/one/events.sqlite",
      "nightly/two/",
      "nightly/two/manifest.json",
      "nightly/two/events.sqlite",
      "nightly/two/keys.sqlite",
      "nightly/two/config.json",
    ]);

    const restored = ledgerFiles(join(root, "restored", "ledger"));
    succeeded(await restoreLedger({ from: join(root, "backups", "nightly", "two"), to: restored }));
    const reopened = openSqliteEventStore({ path: restored.events });
    try {
      succeeded(await reopened.readAll());
      expectPrivate(join(root, "restored"), [
        "./",
        "ledger/",
        "ledger/config.json",
        "ledger/events.sqlite",
        "ledger/events.sqlite-wal",
        "ledger/events.sqlite-shm",
        "ledger/keys.sqlite",
      ]);
    } finally {
      await reopened.close();
    }
  });
});

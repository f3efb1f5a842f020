import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { RecordedEvent } from "@leadledger/core";
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { chainedEvents } from "../chained-events.test-fixture.js";
import { ledgerFiles } from "../ledger-files.js";
import { openSqliteKeyStore } from "../privacy/sqlite-key-store.js";
import { openSqliteEventStore } from "../store/sqlite-event-store.js";
import { useTempDirectories } from "../temp-directory.test-fixture.js";
import { backupLedger } from "./backup-ledger.js";
import { expireKeyBackups } from "./expire-key-backups.js";
import { restoreLedger } from "./restore-ledger.js";
import { verifyBackup } from "./verify-backup.js";

const tempDirectory = useTempDirectories();

const succeeded = <A>(either: E.Either<unknown, A>): A => {
  if (E.isLeft(either)) throw new Error(`unexpected ${JSON.stringify(either.left)}`);
  return either.right;
};

/** A running ledger's files with a few chained streams and their keys. */
const seedLedger = async (directory: string) => {
  mkdirSync(directory, { recursive: true });
  const files = ledgerFiles(directory);
  const events = openSqliteEventStore({ path: files.events });
  const keys = openSqliteKeyStore({ path: files.keys });
  for (let lead = 0; lead < 12; lead++) {
    succeeded(await keys.ensureKey(`lead-${lead}`, randomBytes(32)));
    const { events: batch } = chainedEvents(
      "",
      Array.from({ length: 1 + (lead % 4) }, (_, i) => ({
        type: i === 0 ? "LeadCaptured" : "LeadContacted",
        data: { note: `marker-${lead}-${i}`, region: "苏州工业园区" },
      })),
    );
    succeeded(await events.appendToStream(`lead-${lead}`, batch));
  }
  return { files, events, keys };
};

const histories = async (path: string): Promise<Map<string, RecordedEvent[]>> => {
  const store = openSqliteEventStore({ path });
  const byStream = new Map<string, RecordedEvent[]>();
  for (const event of succeeded(await store.readAll())) {
    byStream.set(event.stream, [...(byStream.get(event.stream) ?? []), event]);
  }
  await store.close();
  return byStream;
};

describe("backup, verify and restore", () => {
  it("restores a backup taken while the ledger runs into the same histories", async () => {
    const directory = tempDirectory();
    const { files, events, keys } = await seedLedger(join(directory, "live"));
    const manifest = succeeded(await backupLedger(files, join(directory, "backup-1")));
    expect(manifest.events.eventCount).toBe(30);
    expect(manifest.keys.activeCount).toBe(12);
    // Written after the backup: not in it.
    succeeded(
      await events.appendToStream("lead-99", chainedEvents("", [{ type: "X", data: {} }]).events),
    );
    await Promise.all([events.close(), keys.close()]);

    const verification = await verifyBackup(join(directory, "backup-1"));
    expect(verification).toMatchObject({
      ok: true,
      problems: [],
      eventCount: 30,
      streamCount: 12,
      keyCount: 12,
    });

    const restored = ledgerFiles(join(directory, "restored"));
    expect(
      succeeded(await restoreLedger({ from: join(directory, "backup-1"), to: restored })),
    ).toEqual({
      eventCount: 30,
    });
    const original = await histories(files.events);
    original.delete("lead-99");
    expect(await histories(restored.events)).toEqual(original);
    const restoredKeys = openSqliteKeyStore({ path: restored.keys });
    const liveKeys = openSqliteKeyStore({ path: files.keys });
    for (let lead = 0; lead < 12; lead++) {
      expect(await restoredKeys.getKey(`lead-${lead}`)).toEqual(
        await liveKeys.getKey(`lead-${lead}`),
      );
    }
    await Promise.all([restoredKeys.close(), liveKeys.close()]);

    // A restore never writes over a ledger.
    const again = await restoreLedger({ from: join(directory, "backup-1"), to: restored });
    expect(E.isLeft(again) && again.left.code).toBe("restore.target-exists");
  });

  it("detects a flipped byte in an event and refuses to restore it", async () => {
    const directory = tempDirectory();
    const { files, events, keys } = await seedLedger(join(directory, "live"));
    const backup = join(directory, "backup");
    succeeded(await backupLedger(files, backup));
    await Promise.all([events.close(), keys.close()]);
    const eventsCopy = join(backup, "events.sqlite");
    const pristine = readFileSync(eventsCopy);
    // Building a b-tree leaves stale copies of cells in the unused space of pages, so the
    // text may occur more than once: each occurrence is flipped on its own, and the one
    // SQLite actually reads must break the hash chain.
    const occurrences: number[] = [];
    for (
      let at = pristine.indexOf("marker-7-2");
      at >= 0;
      at = pristine.indexOf("marker-7-2", at + 1)
    ) {
      occurrences.push(at);
    }
    expect(occurrences.length).toBeGreaterThan(0);
    const broken: boolean[] = [];
    for (const at of occurrences) {
      const bytes = Buffer.from(pristine);
      bytes[at + 7] = (bytes[at + 7] as number) ^ 0x01; // "7" becomes "6"
      writeFileSync(eventsCopy, bytes);
      const verification = await verifyBackup(backup);
      expect(verification.ok).toBe(false);
      expect(verification.problems).toContainEqual(
        expect.objectContaining({ kind: "checksum-mismatch" }),
      );
      broken.push(
        verification.problems.some(
          (problem) =>
            problem.kind === "history-broken" &&
            problem.stream === "lead-7" &&
            problem.breaks.some((found) => found.kind === "hash-mismatch" && found.revision === 2n),
        ),
      );
      if (broken.at(-1) === true) break;
    }
    expect(broken).toContain(true);
    // The lone file is checked the same way, without a manifest to compare with.
    const lone = await verifyBackup(eventsCopy);
    expect(lone.problems.map((p) => p.kind)).toEqual(["history-broken"]);

    const restore = await restoreLedger({
      from: backup,
      to: ledgerFiles(join(directory, "restored")),
    });
    expect(E.isLeft(restore) && restore.left.code).toBe("restore.backup-damaged");
    expect(existsSync(join(directory, "restored", "events.sqlite"))).toBe(false);
  });

  it("reports a file that is not a database at all", async () => {
    const directory = tempDirectory();
    const { files, events, keys } = await seedLedger(join(directory, "live"));
    const backup = join(directory, "backup");
    succeeded(await backupLedger(files, backup));
    await Promise.all([events.close(), keys.close()]);
    writeFileSync(join(backup, "keys.sqlite"), "not a database");
    const verification = await verifyBackup(backup);
    expect(verification.problems.map((p) => p.kind)).toEqual([
      "checksum-mismatch",
      "database-unreadable",
    ]);
    expect((await verifyBackup(join(directory, "nowhere"))).ok).toBe(false);
  });

  it("erases key copies past their retention, and restores old events with newer keys", async () => {
    const directory = tempDirectory();
    const { files, events, keys } = await seedLedger(join(directory, "live"));
    const root = join(directory, "backups");
    const day = (n: number) => () => new Date(Date.UTC(2024, 0, 1 + n));
    succeeded(await backupLedger(files, join(root, "2024-01-01"), { now: day(0) }));
    succeeded(await keys.destroyKey("lead-3"));
    succeeded(await backupLedger(files, join(root, "2024-01-20"), { now: day(19) }));
    await Promise.all([events.close(), keys.close()]);

    expect(expireKeyBackups({ root, now: day(29) })).toEqual([]);
    expect(expireKeyBackups({ root, now: day(30) })).toEqual([join(root, "2024-01-01")]);
    expect(existsSync(join(root, "2024-01-01", "keys.sqlite"))).toBe(false);
    // With the old key copy gone, the destroyed key is in no backup any more.
    expect((await verifyBackup(join(root, "2024-01-01"))).ok).toBe(true);

    const alone = await restoreLedger({
      from: join(root, "2024-01-01"),
      to: ledgerFiles(join(directory, "a")),
    });
    expect(E.isLeft(alone) && alone.left.code).toBe("restore.keys-expired");
    const restored = ledgerFiles(join(directory, "b"));
    succeeded(
      await restoreLedger({
        from: join(root, "2024-01-01"),
        keysFrom: join(root, "2024-01-20"),
        to: restored,
      }),
    );
    const restoredKeys = openSqliteKeyStore({ path: restored.keys });
    expect(succeeded(await restoredKeys.getKey("lead-3"))).toEqual({ status: "destroyed" });
    expect(succeeded(await restoredKeys.getKey("lead-4")).status).toBe("active");
    await restoredKeys.close();
  });
});

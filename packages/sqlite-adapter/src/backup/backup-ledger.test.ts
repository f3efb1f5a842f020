import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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

/** A running ledger's files with a few chained streams, their keys and the ledger secret. */
const seedLedger = async (directory: string) => {
  mkdirSync(directory, { recursive: true });
  const files = ledgerFiles(directory);
  writeFileSync(
    files.config ?? "",
    `${JSON.stringify({ secret: "c2VjcmV0LW9mLXRoZS1sZWRnZXI=" })}\n`,
    {
      mode: 0o600,
    },
  );
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

  it("holds the ledger secret, checksummed, and restores it with the keys", async () => {
    const directory = tempDirectory();
    const { files, events, keys } = await seedLedger(join(directory, "live"));
    const backup = join(directory, "backup");
    const manifest = succeeded(await backupLedger(files, backup));
    await Promise.all([events.close(), keys.close()]);
    const original = readFileSync(files.config ?? "");
    expect(manifest.config).toEqual({
      file: "config.json",
      sha256: createHash("sha256").update(original).digest("hex"),
      bytes: original.length,
    });
    expect(readFileSync(join(backup, "config.json"))).toEqual(original);

    // A config file named but missing: no backup at all rather than one that cannot restore.
    const withoutSecret = ledgerFiles(join(directory, "live"));
    rmSync(files.config ?? "");
    await expect(backupLedger(withoutSecret, join(directory, "backup-2"))).rejects.toThrow(
      /config\.json does not exist/,
    );
    expect(existsSync(join(directory, "backup-2"))).toBe(false);

    // Only the secret's copy damaged: reported, and not restored.
    writeFileSync(join(backup, "config.json"), "{}\n");
    const verification = await verifyBackup(backup);
    expect(verification.problems).toEqual([
      expect.objectContaining({ kind: "checksum-mismatch", file: join(backup, "config.json") }),
    ]);
    const refused = await restoreLedger({ from: backup, to: ledgerFiles(join(directory, "a")) });
    expect(E.isLeft(refused) && refused.left.code).toBe("restore.backup-damaged");
    writeFileSync(join(backup, "config.json"), original);

    // A secret already in place is never written over.
    const target = ledgerFiles(join(directory, "b"));
    mkdirSync(join(directory, "b"));
    writeFileSync(target.config ?? "", "{}\n");
    const exists = await restoreLedger({ from: backup, to: target });
    expect(E.isLeft(exists) && exists.left).toEqual({
      code: "restore.target-exists",
      path: target.config,
    });
    expect(existsSync(target.events)).toBe(false);
  });

  it("refuses to restore a ledger with its secret from a backup that holds none", async () => {
    const directory = tempDirectory();
    const { files, events, keys } = await seedLedger(join(directory, "live"));
    const backup = join(directory, "backup");
    // The ledger's secret kept elsewhere: the backup holds the databases only.
    const manifest = succeeded(
      await backupLedger({ events: files.events, keys: files.keys }, backup),
    );
    await Promise.all([events.close(), keys.close()]);
    expect(manifest.config).toBeUndefined();
    expect(existsSync(join(backup, "config.json"))).toBe(false);
    expect((await verifyBackup(backup)).ok).toBe(true);

    const target = ledgerFiles(join(directory, "restored"));
    const refused = await restoreLedger({ from: backup, to: target });
    expect(E.isLeft(refused) && refused.left).toEqual({
      code: "restore.config-missing",
      from: backup,
    });
    expect(existsSync(target.events) || existsSync(target.keys)).toBe(false);
    // Asked for the databases alone, it restores them.
    succeeded(
      await restoreLedger({ from: backup, to: { events: target.events, keys: target.keys } }),
    );
    expect(existsSync(target.events) && existsSync(target.keys)).toBe(true);
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
    // The ledger secret's copy goes with the keys; the newer backup keeps both.
    expect(existsSync(join(root, "2024-01-01", "config.json"))).toBe(false);
    expect(existsSync(join(root, "2024-01-20", "config.json"))).toBe(true);
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
    expect(readFileSync(restored.config ?? "")).toEqual(readFileSync(files.config ?? ""));
    const restoredKeys = openSqliteKeyStore({ path: restored.keys });
    expect(succeeded(await restoredKeys.getKey("lead-3"))).toEqual({ status: "destroyed" });
    expect(succeeded(await restoredKeys.getKey("lead-4")).status).toBe("active");
    await restoredKeys.close();
  });
});

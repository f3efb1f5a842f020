import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { KeyLookup } from "@leadledger/core";
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { backupLedger } from "../backup/backup-ledger.js";
import { ledgerFiles } from "../ledger-files.js";
import { openSqliteEventStore } from "../store/sqlite-event-store.js";
import { useTempDirectories } from "../temp-directory.test-fixture.js";
import { openSqliteKeyStore } from "./sqlite-key-store.js";

const tempDirectory = useTempDirectories();

const lookup = (result: E.Either<unknown, KeyLookup>): KeyLookup => {
  if (E.isLeft(result)) throw new Error(`unexpected ${JSON.stringify(result.left)}`);
  return result.right;
};

describe("SQLite key store", () => {
  it("keeps the first key, and never re-creates a destroyed one", async () => {
    const path = join(tempDirectory(), "keys.sqlite");
    const one = openSqliteKeyStore({ path });
    const other = openSqliteKeyStore({ path });
    const first = randomBytes(32);
    const second = randomBytes(32);
    expect(lookup(await one.ensureKey("lead-1", first))).toEqual({
      status: "active",
      key: new Uint8Array(first),
    });
    // Another connection (as another process would) loses the race and gets the winner.
    expect(lookup(await other.ensureKey("lead-1", second))).toEqual({
      status: "active",
      key: new Uint8Array(first),
    });
    expect(lookup(await other.getKey("lead-2"))).toEqual({ status: "missing" });
    expect(E.isRight(await one.destroyKey("lead-1"))).toBe(true);
    expect(E.isRight(await one.destroyKey("lead-1"))).toBe(true);
    expect(E.isRight(await one.destroyKey("never-had-one"))).toBe(true);
    expect(lookup(await other.ensureKey("lead-1", second))).toEqual({ status: "destroyed" });
    expect(lookup(await one.ensureKey("never-had-one", second))).toEqual({ status: "destroyed" });
    await Promise.all([one.close(), other.close()]);
    const reopened = openSqliteKeyStore({ path });
    expect(lookup(await reopened.getKey("lead-1"))).toEqual({ status: "destroyed" });
    await reopened.close();
  });

  it("commits keys asked for together in one go, each caller getting its own lead's key", async () => {
    const store = openSqliteKeyStore({ path: join(tempDirectory(), "keys.sqlite") });
    const candidates = Array.from({ length: 200 }, () => randomBytes(32));
    const raced = [randomBytes(32), randomBytes(32)];
    const [lookups, racing] = await Promise.all([
      Promise.all(candidates.map((key, i) => store.ensureKey(`lead-${i}`, key))),
      Promise.all(raced.map((key) => store.ensureKey("contested", key))),
    ]);
    lookups.forEach((result, i) => {
      expect(lookup(result)).toEqual({
        status: "active",
        key: new Uint8Array(candidates[i] ?? []),
      });
    });
    // Two captures of one lead in the same group: the first candidate wins for both.
    for (const result of racing) {
      expect(lookup(result)).toEqual({ status: "active", key: new Uint8Array(raced[0] ?? []) });
    }
    await store.close();
    const reopened = openSqliteKeyStore({ path: store.path });
    expect(lookup(await reopened.getKey("lead-199"))).toEqual({
      status: "active",
      key: new Uint8Array(candidates[199] ?? []),
    });
    await reopened.close();
  });

  it("leaves no byte of a destroyed key in the file, its WAL or a backup", async () => {
    const directory = tempDirectory();
    const files = ledgerFiles(directory);
    await openSqliteEventStore({ path: files.events }).close();
    const store = openSqliteKeyStore({ path: files.keys });
    const keys = new Map<string, Buffer>();
    for (let i = 0; i < 300; i++) {
      const key = randomBytes(32);
      keys.set(`lead-${i}`, key);
      lookup(await store.ensureKey(`lead-${i}`, key));
    }
    const destroyed = [...keys.keys()].filter((_, i) => i % 3 === 0);
    for (const leadId of destroyed) expect(E.isRight(await store.destroyKey(leadId))).toBe(true);
    // Later writes put pages in the WAL again: none of them may bring a destroyed key back.
    for (let i = 300; i < 330; i++) {
      const key = randomBytes(32);
      keys.set(`lead-${i}`, key);
      lookup(await store.ensureKey(`lead-${i}`, key));
    }
    // No ledger secret in this directory: the databases alone are backed up.
    const backup = await backupLedger(
      { events: files.events, keys: files.keys },
      join(directory, "backup"),
    );
    expect(E.isRight(backup)).toBe(true);

    // Scanned while the store is still open, before close() could checkpoint anything.
    const scanned = [files.keys, `${files.keys}-wal`, join(directory, "backup", "keys.sqlite")]
      .filter(existsSync)
      .map((path) => ({ path, bytes: readFileSync(path) }));
    expect(scanned.length).toBeGreaterThanOrEqual(2);
    const destroyedSet = new Set(destroyed);
    for (const { path, bytes } of scanned) {
      for (const [leadId, key] of keys) {
        if (destroyedSet.has(leadId)) {
          expect(bytes.indexOf(key), `${leadId}'s key in ${path}`).toBe(-1);
        }
      }
    }
    // The scan can see keys: the kept ones are in the backup's bytes.
    const backupBytes = readFileSync(join(directory, "backup", "keys.sqlite"));
    const kept = [...keys].filter(([leadId]) => !destroyedSet.has(leadId));
    for (const [, key] of kept) expect(backupBytes.indexOf(key)).toBeGreaterThan(-1);

    for (const [leadId, key] of keys) {
      expect(lookup(await store.getKey(leadId))).toEqual(
        destroyedSet.has(leadId)
          ? { status: "destroyed" }
          : { status: "active", key: new Uint8Array(key) },
      );
    }
    await store.close();
  });
});

import { randomBytes } from "node:crypto";
import { closeSync, openSync, statSync, writeSync } from "node:fs";
import { join } from "node:path";
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { verifyBackup } from "../backup/verify-backup.js";
import { openSqliteKeyStore } from "../privacy/sqlite-key-store.js";
import { summariseEventsFile } from "../store/events-summary.js";
import { openSqliteEventStore } from "../store/sqlite-event-store.js";
import { useTempDirectories } from "../temp-directory.test-fixture.js";
import { checkDatabaseIntegrity } from "./database-integrity.js";
import { matchKeysWithStreams } from "./keys-and-streams.js";
import type { VerifyProgress } from "./verify-progress.js";

// The checks `leadledger doctor` and the command's progress bars are built on.

const tempDirectory = useTempDirectories();
const key = () => new Uint8Array(randomBytes(32));
const event = (i: number) => ({ id: `e-${i}`, type: "Noted", data: { i }, metadata: {} });

describe("matching a ledger's keys with its lead streams", () => {
  it("names streams without keys and keys without streams, and counts destroyed keys", async () => {
    const directory = tempDirectory();
    const files = {
      events: join(directory, "events.sqlite"),
      keys: join(directory, "keys.sqlite"),
    };
    const events = openSqliteEventStore({ path: files.events });
    const keys = openSqliteKeyStore({ path: files.keys });
    for (const lead of ["a", "b", "c"]) await keys.ensureKey(lead, key());
    await keys.destroyKey("b"); // a purge: the marker stays
    for (const [i, stream] of ["lead-a", "lead-b", "lead-d", "contact-reservation-x"].entries()) {
      expect(E.isRight(await events.appendToStream(stream, [event(i)]))).toBe(true);
    }
    await events.close();
    await keys.close();

    expect(matchKeysWithStreams(files)).toEqual({
      leadStreams: 3,
      keys: 3,
      destroyedKeys: 1,
      keysWithoutStreams: { count: 1, sample: ["c"] },
      streamsWithoutKeys: { count: 1, sample: ["d"] },
    });
  });
});

describe("SQLite's integrity check of a file", () => {
  it("passes a sound database and reports a damaged or missing one", async () => {
    const directory = tempDirectory();
    const path = join(directory, "events.sqlite");
    const events = openSqliteEventStore({ path });
    await events.appendToStream(
      "other-1",
      Array.from({ length: 2_000 }, (_, i) => event(i)),
    );
    await events.close();
    expect(checkDatabaseIntegrity(path)).toEqual({ ok: true, messages: [] });

    // Garbage over the pages after the first: the schema stays readable, the b-trees do not.
    const fd = openSync(path, "r+");
    const size = statSync(path).size;
    for (let at = 8192; at + 64 < size; at += 4096) writeSync(fd, randomBytes(64), 0, 64, at + 100);
    closeSync(fd);
    const damaged = checkDatabaseIntegrity(path);
    expect(damaged.ok).toBe(false);
    expect(damaged.messages.length).toBeGreaterThan(0);

    const missing = checkDatabaseIntegrity(join(directory, "none.sqlite"));
    expect(missing.ok).toBe(false);
    expect(missing.messages.join()).toMatch(/none\.sqlite|unable to open|does not exist/);
  });
});

describe("a verification's progress", () => {
  it("is told every 10,000 events and at the end of each pass", async () => {
    const path = join(tempDirectory(), "events.sqlite");
    const events = openSqliteEventStore({ path });
    await events.appendToStream(
      "other-1",
      Array.from({ length: 10_001 }, (_, i) => event(i)),
    );
    await events.close();
    expect(summariseEventsFile(path)).toEqual({
      eventCount: 10_001,
      streamCount: 1,
      lastPosition: "10001",
    });

    const told: VerifyProgress[] = [];
    const report = await verifyBackup(path, {
      secret: new Uint8Array(randomBytes(32)),
      checkpoints: join(tempDirectory(), "checkpoints.jsonl"),
      onProgress: (progress) => told.push(progress),
    });
    expect(told).toEqual([
      { pass: "histories", events: 10_000 },
      { pass: "histories", events: 10_001 },
      { pass: "checkpoints", events: 10_000 },
      { pass: "checkpoints", events: 10_001 },
    ]);
    // No checkpoints file: the replay still ran, and says what it missed.
    expect(report.problems.map((p) => p.kind === "log-checkpoint" && p.problem.kind)).toEqual([
      "checkpoints-missing",
    ]);
  });
});

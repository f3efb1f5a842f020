import { randomBytes } from "node:crypto";
import { appendFileSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import {
  createLeadLedger,
  type EventStore,
  type JsonObject,
  type LeadId,
  type LeadLedger,
} from "@leadledger/core";
import {
  CHAIN_HASH_KEY,
  chainHash,
  GENESIS_HASH,
  logCheckpointKeysOf,
  signLogCheckpoint,
} from "@leadledger/core/adapter";
import { captureLead, executiveActor, gradeLead, recordContact } from "@leadledger/testkit";
import Database from "better-sqlite3";
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { verifyBackup } from "../backup/verify-backup.js";
import { chainedEvents } from "../chained-events.test-fixture.js";
import { ledgerFiles } from "../ledger-files.js";
import { openSqliteKeyStore } from "../privacy/sqlite-key-store.js";
import { openSqliteEventStore } from "../store/sqlite-event-store.js";
import { useTempDirectories } from "../temp-directory.test-fixture.js";
import { openLogCheckpoints } from "./checkpoint-recorder.js";
import { verifyLogCheckpoints } from "./verify-log-checkpoints.js";

// Issue 12, item 9: someone with write access to the database files rewrites a grade and
// recomputes the stream's chain, or deletes a stream's last event. Before keyed chains and
// checkpoints, both passed verify.

const tempDirectory = useTempDirectories();
const actor = executiveActor;
const NOW = Date.parse("2026-11-20T00:00:00.000Z");
const LEADS = [
  "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b",
  "7a2d3b4c-5e6f-4071-8b8c-0d1e2f3a4b5c",
] as LeadId[];

const ok = <A>(result: E.Either<unknown, A>): A => {
  if (E.isLeft(result)) throw new Error(`expected success, got ${JSON.stringify(result.left)}`);
  return result.right;
};

/** A server's run: the stores, the recorder following the log, the ledger keyed from it. */
const run = async (
  directory: string,
  secret: Uint8Array,
  work: (ledger: LeadLedger) => Promise<void>,
) => {
  const files = ledgerFiles(directory);
  const eventStore = openSqliteEventStore({ path: files.events });
  const keyStore = openSqliteKeyStore({ path: files.keys });
  const checkpoints = ok(
    await openLogCheckpoints({ eventStore, secret, file: join(directory, "checkpoints.jsonl") }),
  );
  const ledger = createLeadLedger({
    eventStore,
    keyStore,
    secret,
    clock: () => NOW,
    keyedChainFrom: checkpoints.keyedChainFrom,
  });
  checkpoints.follow();
  await work(ledger);
  await checkpoints.close();
  await eventStore.close();
  await keyStore.close();
  return checkpoints;
};

const twoGradedLeads = async (ledger: LeadLedger) => {
  for (const [index, leadId] of LEADS.entries()) {
    ok(
      await ledger.execute(
        actor,
        captureLead({
          leadId,
          commandId: `capture-${index}`,
          lateEntryReason: "typed in after the fair",
          contact: {
            ...captureLead().contact,
            phone: `+86 1390000000${index}`,
            email: `lead-${index}@example.cn`,
          },
        } as never),
      ),
    );
    ok(await ledger.execute(actor, recordContact({ leadId })));
    ok(await ledger.execute(actor, gradeLead({ leadId, grade: "low" })));
  }
  // The last event of the first lead's stream is not the log's last event.
  ok(
    await ledger.execute(
      actor,
      recordContact({ leadId: LEADS[0], commandId: "contact-2" } as never),
    ),
  );
  ok(
    await ledger.execute(
      actor,
      recordContact({ leadId: LEADS[1], commandId: "contact-2" } as never),
    ),
  );
};

const setUp = async () => {
  const directory = tempDirectory();
  const secret = randomBytes(48);
  await run(directory, secret, twoGradedLeads);
  return {
    directory,
    secret,
    events: ledgerFiles(directory).events,
    checkpoints: join(directory, "checkpoints.jsonl"),
  };
};

interface Row {
  position: number;
  revision: number;
  type: string;
  data: string;
  metadata: string;
}

/**
 * The attacker's rewrite, in the file itself: each event of the stream from `fromRevision`
 * on passed through `change`, and the chain recomputed the only way one can without the
 * secret: SHA-256, as every chain was before keyed chains.
 */
const rewriteWithoutKey = (
  file: string,
  stream: string,
  fromRevision: number,
  change: (type: string, data: JsonObject) => JsonObject,
): void => {
  const db = new Database(file);
  const rows = db
    .prepare<[string], Row>(
      "SELECT position, revision, type, data, metadata FROM events WHERE stream = ? ORDER BY revision",
    )
    .all(stream);
  const update = db.prepare("UPDATE events SET data = ?, metadata = ? WHERE position = ?");
  let previous =
    fromRevision === 0
      ? GENESIS_HASH
      : String((JSON.parse(rows[fromRevision - 1]?.metadata ?? "{}") as JsonObject).hash);
  for (const row of rows.slice(fromRevision)) {
    const data = change(row.type, JSON.parse(row.data) as JsonObject);
    const metadata = JSON.parse(row.metadata) as JsonObject;
    const hash = chainHash(previous, { type: row.type, data, metadata });
    update.run(
      JSON.stringify(data),
      JSON.stringify({ ...metadata, [CHAIN_HASH_KEY]: hash }),
      row.position,
    );
    previous = hash;
  }
  db.close();
};

const toHigh = (type: string, data: JsonObject): JsonObject =>
  type === "LeadGraded" && data.grade === "low" ? { ...data, grade: "high" } : data;

const manualGradeRevision = (file: string, stream: string): number => {
  const db = new Database(file, { readonly: true });
  const revision = db
    .prepare<[string], number>(
      "SELECT revision FROM events WHERE stream = ? AND type = 'LeadGraded' AND json_extract(data, '$.grade') = 'low' ORDER BY revision DESC LIMIT 1",
    )
    .pluck()
    .get(stream);
  db.close();
  if (revision === undefined) throw new Error("no manual grade");
  return revision;
};

const deleteLastEventOf = (file: string, stream: string): void => {
  const db = new Database(file);
  db.prepare(
    "DELETE FROM events WHERE position = (SELECT MAX(position) FROM events WHERE stream = ?)",
  ).run(stream);
  db.close();
};

describe("a grade rewritten in the events file, its chain recomputed (issue 12, item 9)", () => {
  it("fails verify: the rewritten links are unkeyed where the ledger keys every link", async () => {
    const { events, secret } = await setUp();
    const stream = `lead-${LEADS[0]}`;
    expect((await verifyBackup(events, { secret })).ok).toBe(true);
    rewriteWithoutKey(events, stream, manualGradeRevision(events, stream), toHigh);

    const report = await verifyBackup(events, { secret });
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([
      expect.objectContaining({
        kind: "history-broken",
        stream,
        breaks: expect.arrayContaining([expect.objectContaining({ kind: "unkeyed-link" })]),
      }),
    ]);
    // Without the secret the links cannot be checked, but the switch back to unkeyed shows.
    expect((await verifyBackup(events)).ok).toBe(false);
  });

  it("a whole stream rewritten unkeyed passes the stream's own check, not the checkpoints", async () => {
    const { events, checkpoints, secret } = await setUp();
    rewriteWithoutKey(events, `lead-${LEADS[0]}`, 0, toHigh);
    // Alone, the stream looks like one recorded before keyed chains.
    expect((await verifyBackup(events, { secret })).ok).toBe(true);
    const replay = verifyLogCheckpoints({ events, checkpoints, secret });
    expect(replay.ok).toBe(false);
    expect(replay.problems.map((problem) => problem.kind)).toEqual(
      expect.arrayContaining(["unkeyed-after-keyed", "checkpoint-mismatch"]),
    );
    // …and the ledger, told where keyed chains began, reads the lead as broken.
    const eventStore = openSqliteEventStore({ path: events });
    const keyStore = openSqliteKeyStore({ path: ledgerFiles(dirOf(events)).keys });
    const ledger = createLeadLedger({ eventStore, keyStore, secret, keyedChainFrom: 1n });
    const lead = ok(await ledger.getLead(actor, LEADS[0]));
    expect(lead.state.grade?.grade).toBe("high");
    expect(lead.verification.intact).toBe(false);
    await eventStore.close();
    await keyStore.close();
  });

  it("getLead of the tampered lead reports the broken chain", async () => {
    const { directory, events, secret } = await setUp();
    const stream = `lead-${LEADS[1]}`;
    rewriteWithoutKey(events, stream, manualGradeRevision(events, stream), toHigh);
    await run(directory, secret, async (ledger) => {
      const lead = ok(await ledger.getLead(actor, LEADS[1]));
      expect(lead.state.grade?.grade).toBe("high");
      expect(lead.verification.intact).toBe(false);
      expect(ok(await ledger.getLead(actor, LEADS[0])).verification.intact).toBe(true);
    });
  });
});

describe("a stream's last event deleted (issue 12, item 9)", () => {
  it("passes every stream's check, and fails the checkpoints", async () => {
    const { events, checkpoints, secret } = await setUp();
    deleteLastEventOf(events, `lead-${LEADS[0]}`);
    // The chain of what is left is intact: nothing in the stream shows the loss.
    expect((await verifyBackup(events, { secret })).problems).toEqual([]);
    const replay = verifyLogCheckpoints({ events, checkpoints, secret });
    expect(replay.ok).toBe(false);
    expect(replay.problems).toEqual([
      expect.objectContaining({ kind: "checkpoint-mismatch", since: "0" }),
    ]);
    const report = await verifyBackup(events, { secret, checkpoints });
    expect(report.ok).toBe(false);
  });

  it("so does the log's very last event, which no later event vouches for", async () => {
    const { events, checkpoints, secret } = await setUp();
    deleteLastEventOf(events, `lead-${LEADS[1]}`);
    expect(verifyLogCheckpoints({ events, checkpoints, secret }).problems).toEqual([
      expect.objectContaining({ kind: "checkpoint-mismatch" }),
    ]);
  });

  it("an intact log matches all its checkpoints", async () => {
    const { events, checkpoints, secret } = await setUp();
    const replay = verifyLogCheckpoints({ events, checkpoints, secret });
    expect(replay).toMatchObject({ ok: true, problems: [], eventsAfterLastCheckpoint: 0 });
    expect(replay.checkpointsChecked).toBeGreaterThan(0);
    expect((await verifyBackup(events, { secret, checkpoints })).ok).toBe(true);
  });
});

describe("the checkpoints file", () => {
  it("is its owner's only, one signed checkpoint a line, and resumed without a replay", async () => {
    const { directory, checkpoints, secret } = await setUp();
    expect(statSync(checkpoints).mode & 0o777).toBe(0o600);
    const before = readFileSync(checkpoints, "utf8").trim().split("\n");
    const last = JSON.parse(before[before.length - 1] ?? "{}") as {
      position: string;
      count: number;
    };
    const readsAfter: (bigint | undefined)[] = [];
    const files = ledgerFiles(directory);
    const inner = openSqliteEventStore({ path: files.events });
    const watched: EventStore = {
      ...inner,
      readAll: (options) => {
        readsAfter.push(options?.after);
        return inner.readAll(options);
      },
    };
    const recorder = ok(
      await openLogCheckpoints({ eventStore: watched, secret, file: checkpoints }),
    );
    // The checkpoint's own last event (still there?), then from the checkpoint on: never
    // from the start of the log.
    expect(readsAfter).toEqual([BigInt(last.position) - 1n, BigInt(last.position)]);
    expect(recorder.head().count).toBe(last.count);
    expect(recorder.unvouchedOnOpen).toEqual({ events: 0, wholeLog: false });
    await recorder.close();
    await inner.close();
  });

  it("refuses to resume from a checkpoint it did not sign", async () => {
    const { directory, checkpoints } = await setUp();
    const eventStore = openSqliteEventStore({ path: ledgerFiles(directory).events });
    const opened = await openLogCheckpoints({
      eventStore,
      secret: randomBytes(48),
      file: checkpoints,
    });
    expect(E.isLeft(opened) && opened.left.code).toBe("checkpoint.unsigned");
    await eventStore.close();
  });

  it("refuses to resume when the log no longer holds the last checkpoint's event", async () => {
    const { events, checkpoints, secret } = await setUp();
    deleteLastEventOf(events, `lead-${LEADS[1]}`);
    const eventStore = openSqliteEventStore({ path: events });
    const opened = await openLogCheckpoints({ eventStore, secret, file: checkpoints });
    expect(E.isLeft(opened) && opened.left.code).toBe("checkpoint.log-behind");
    await eventStore.close();
  });

  it("a line cut short by a crash is reported, and the next checkpoint starts a line of its own", async () => {
    const { directory, events, checkpoints, secret } = await setUp();
    appendFileSync(checkpoints, '{"position":"9","cou');
    await run(directory, secret, async (ledger) => {
      ok(
        await ledger.execute(
          actor,
          recordContact({ leadId: LEADS[0], commandId: "contact-3" } as never),
        ),
      );
    });
    const replay = verifyLogCheckpoints({ events, checkpoints, secret });
    expect(replay.problems).toEqual([expect.objectContaining({ kind: "checkpoint-unreadable" })]);
    expect(replay.eventsAfterLastCheckpoint).toBe(0);
  });

  it("a checkpoint signed under another secret is reported", async () => {
    const { events, checkpoints, secret } = await setUp();
    const forged = signLogCheckpoint(
      logCheckpointKeysOf(randomBytes(48)),
      { position: 1n, count: 1, headHash: "0".repeat(64), keyedFrom: 1n },
      NOW,
    );
    appendFileSync(checkpoints, `${JSON.stringify(forged)}\n`);
    expect(verifyLogCheckpoints({ events, checkpoints, secret }).problems).toEqual([
      expect.objectContaining({ kind: "checkpoint-unsigned" }),
    ]);
  });

  it("on a store from before keyed chains: legacy links verify, keys begin after them", async () => {
    const directory = tempDirectory();
    const secret = randomBytes(48);
    const files = ledgerFiles(directory);
    const legacy = openSqliteEventStore({ path: files.events });
    ok(
      await legacy.appendToStream(
        "lead-legacy",
        chainedEvents(GENESIS_HASH, [{ type: "LeadCaptured", data: { n: 1 } }]).events,
      ),
    );
    await legacy.close();
    const recorder = await run(directory, secret, twoGradedLeads);
    expect(recorder.keyedChainFrom).toBe(2n);
    expect(recorder.unvouchedOnOpen).toEqual({ events: 1, wholeLog: true });
    const checkpoints = join(directory, "checkpoints.jsonl");
    expect(verifyLogCheckpoints({ events: files.events, checkpoints, secret }).ok).toBe(true);
  });
});

const dirOf = (file: string): string => file.slice(0, file.lastIndexOf("/"));

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  type CaptureLead,
  createLeadLedger,
  decodeLeadEventFacts,
  isRedacted,
  type LeadId,
} from "@leadledger/core";
import {
  captureLead,
  flagForPurge,
  headActor,
  purgeLead,
  recordContact,
} from "@leadledger/testkit";
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { backupLedger } from "../backup/backup-ledger.js";
import { ledgerFiles } from "../ledger-files.js";
import { openSqliteEventStore } from "../store/sqlite-event-store.js";
import { useTempDirectories } from "../temp-directory.test-fixture.js";
import { openSqliteKeyStore } from "./sqlite-key-store.js";

// The erasure promise of DOMAIN.md §7, checked on the bytes: personal data never reaches a
// database file in the clear, and a purged lead's key leaves no trace in the key file, its
// WAL or a backup — while the other leads still decrypt and the statistics do not move.

const tempDirectory = useTempDirectories();
const NOW = Date.parse("2026-11-20T00:00:00.000Z");

const ok = <A>(result: E.Either<{ code: string }, A>): A => {
  if (E.isLeft(result)) throw new Error(`expected success, got ${JSON.stringify(result.left)}`);
  return result.right;
};

const person = (i: number) => ({
  leadId: `6f1c2a3b-4d5e-4f60-8a7b-${String(i).padStart(12, "0")}` as LeadId,
  name: `测试人员${i}号 Zhang${i}`,
  phone: `+86 139 ${String(10_000_000 + i * 7919).slice(0, 4)} ${String(10_000_000 + i * 7919).slice(4, 8)}`,
  email: `person.${i}.lead@example-erasure.cn`,
  summary: `第${i}位客户谈了加盟费 secret-note-${i}`,
});

/** Every file of the directory tree: databases, WAL and shared-memory files, backups. */
const allBytes = (directory: string): Array<{ file: string; bytes: Buffer }> => {
  const found: Array<{ file: string; bytes: Buffer }> = [];
  for (const entry of readdirSync(directory, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const file = join(entry.parentPath, entry.name);
    found.push({ file, bytes: readFileSync(file) });
  }
  return found;
};

describe("purging leads on SQLite", () => {
  it("leaves no plaintext personal data and no destroyed key in any file, WAL or backup", async () => {
    const directory = tempDirectory();
    const files = ledgerFiles(directory);
    const eventStore = openSqliteEventStore({ path: files.events });
    const keyStore = openSqliteKeyStore({ path: files.keys });
    const ledger = createLeadLedger({
      eventStore,
      keyStore,
      secret: new Uint8Array(32).fill(3),
      clock: () => NOW,
    });
    const people = Array.from({ length: 12 }, (_, i) => person(i + 1));
    for (const p of people) {
      const base = captureLead();
      ok(
        await ledger.execute(
          headActor,
          captureLead({
            commandId: `capture-${p.leadId}`,
            leadId: p.leadId,
            lateEntryReason: "typed in after the fair",
            party: { ...base.party, companyName: p.name, legalRepresentative: p.name },
            contact: { ...base.contact, phone: p.phone, email: p.email },
          } as Partial<CaptureLead>),
        ),
      );
      ok(
        await ledger.execute(
          headActor,
          recordContact({
            leadId: p.leadId,
            commandId: `c-${p.leadId}`,
            summary: p.summary,
          } as never),
        ),
      );
    }
    const purged = people.filter((_, i) => i % 3 === 0);
    const kept = people.filter((_, i) => i % 3 !== 0);
    const destroyedKeys: Buffer[] = [];
    const factsBefore = new Map<string, unknown>();
    for (const p of purged) {
      const key = ok(await keyStore.getKey(p.leadId));
      if (key.status !== "active") throw new Error("expected an active key");
      destroyedKeys.push(Buffer.from(key.key));
      factsBefore.set(p.leadId, statisticsOf(ok(await ledger.getLead(headActor, p.leadId)).state));
      ok(
        await ledger.execute(
          headActor,
          flagForPurge({
            leadId: p.leadId,
            commandId: `f-${p.leadId}`,
            occurredAt: "2026-11-06T02:00:00.000Z",
          } as never),
        ),
      );
      ok(
        await ledger.execute(
          headActor,
          purgeLead({ leadId: p.leadId, commandId: `p-${p.leadId}` } as never),
        ),
      );
    }
    ok(await backupLedger(files, join(directory, "backup-1")));

    // The other leads still decrypt, from the live files.
    for (const p of kept) {
      const state = ok(await ledger.getLead(headActor, p.leadId)).state;
      expect(
        state.personal !== undefined && !isRedacted(state.personal) && state.personal.contact.email,
      ).toBe(p.email);
    }
    // The purged leads read redacted, with the statistics facts unchanged.
    for (const p of purged) {
      const state = ok(await ledger.getLead(headActor, p.leadId)).state;
      expect(isRedacted(state.personal)).toBe(true);
      expect(statisticsOf(state)).toEqual(factsBefore.get(p.leadId));
    }
    await eventStore.close();
    await keyStore.close();

    const scanned = allBytes(directory);
    expect(scanned.map((s) => s.file).some((f) => f.includes("backup-1"))).toBe(true);
    expect(existsSync(files.events)).toBe(true);
    for (const { file, bytes } of scanned) {
      for (const p of people) {
        for (const secret of [p.name, p.phone, p.email, p.summary]) {
          expect(bytes.includes(Buffer.from(secret, "utf8")), `${secret} in ${file}`).toBe(false);
        }
      }
      for (const key of destroyedKeys) {
        expect(bytes.includes(key), `a destroyed key in ${file}`).toBe(false);
      }
    }

    // A restored backup reads the same: kept leads decrypt, purged leads stay redacted.
    const restoredEvents = openSqliteEventStore({
      path: join(directory, "backup-1", "events.sqlite"),
    });
    const restoredKeys = openSqliteKeyStore({ path: join(directory, "backup-1", "keys.sqlite") });
    const restored = createLeadLedger({
      eventStore: restoredEvents,
      keyStore: restoredKeys,
      secret: new Uint8Array(32).fill(3),
      clock: () => NOW,
    });
    for (const p of people) {
      const state = ok(await restored.getLead(headActor, p.leadId)).state;
      expect(isRedacted(state.personal)).toBe(purged.includes(p));
    }
    const all = ok(await restoredEvents.readAll());
    for (const event of all.filter((e) => e.stream.startsWith("lead-"))) {
      expect(E.isRight(decodeLeadEventFacts(event))).toBe(true);
    }
    await restoredEvents.close();
    await restoredKeys.close();
  });
});

const statisticsOf = (state: {
  acquiredAt: number;
  firstContactAt: number | undefined;
  source: unknown;
  classification: unknown;
  grade: { grade: string } | undefined;
  owner: unknown;
  contactCount: number;
}) => ({
  acquiredAt: state.acquiredAt,
  firstContactAt: state.firstContactAt,
  source: state.source,
  classification: state.classification,
  grade: state.grade?.grade,
  owner: state.owner,
  contactCount: state.contactCount,
});

import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type CaptureLead, createLeadLedger, type LeadId, type LeadLedger } from "@leadledger/core";
import { captureLead, executiveActor, purgeLead, recordContact } from "@leadledger/testkit";
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { ledgerFiles } from "../ledger-files.js";
import { openSqliteKeyStore } from "../privacy/sqlite-key-store.js";
import { openSqliteEventStore } from "../store/sqlite-event-store.js";
import { useTempDirectories } from "../temp-directory.test-fixture.js";
import { backupLedger } from "./backup-ledger.js";
import { restoreLedger } from "./restore-ledger.js";
import { verifyBackup } from "./verify-backup.js";

// The documented path (docs/operations.md, "Backups" and "Restoring"), run on what a ledger
// really writes: lead streams and the contact-reservation streams its captures and its
// erasure purges add beside them, and with its secret kept in config.json as the standalone
// server keeps it.

const tempDirectory = useTempDirectories();
const NOW = Date.parse("2026-11-20T00:00:00.000Z");

const ok = <A>(result: E.Either<unknown, A>): A => {
  if (E.isLeft(result)) throw new Error(`expected success, got ${JSON.stringify(result.left)}`);
  return result.right;
};

const leadIdOf = (i: number) => `7a2b3c4d-5e6f-4a70-8b9c-${String(i).padStart(12, "0")}` as LeadId;
const phoneOf = (i: number) => `+86 139 0000 ${String(1000 + i)}`;
const emailOf = (i: number) => `person.${i}@example-backup.cn`;

/** The capture of person `i`, as lead `leadIdOf(as)`. */
const capture = (i: number, as = i): CaptureLead => {
  const base = captureLead();
  return captureLead({
    commandId: `capture-${as}`,
    leadId: leadIdOf(as),
    lateEntryReason: "typed in after the fair",
    contact: { ...base.contact, phone: phoneOf(i), email: emailOf(i) },
  } as Partial<CaptureLead>);
};

/** A ledger on `directory`, its secret read from the config file there (made if absent). */
const ledgerOn = (directory: string) => {
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  const files = ledgerFiles(directory);
  const config = files.config ?? "";
  if (!existsSync(config)) {
    writeFileSync(config, JSON.stringify({ secret: randomBytes(48).toString("base64") }), {
      mode: 0o600,
    });
  }
  const { secret } = JSON.parse(readFileSync(config, "utf8")) as { secret: string };
  const eventStore = openSqliteEventStore({ path: files.events });
  const keyStore = openSqliteKeyStore({ path: files.keys });
  const ledger = createLeadLedger({
    eventStore,
    keyStore,
    secret: new Uint8Array(Buffer.from(secret, "base64")),
    clock: () => NOW,
  });
  return {
    files,
    ledger,
    close: async () => {
      await eventStore.close();
      await keyStore.close();
    },
  };
};

/** Six leads, each reserving a phone and an e-mail; the first purged at the person's request. */
const recordSomeLeads = async (ledger: LeadLedger): Promise<void> => {
  for (let i = 0; i < 6; i++) {
    ok(await ledger.execute(executiveActor, capture(i)));
    ok(
      await ledger.execute(
        executiveActor,
        recordContact({ leadId: leadIdOf(i), commandId: `contact-${i}` } as never),
      ),
    );
  }
  ok(
    await ledger.execute(
      executiveActor,
      purgeLead({
        leadId: leadIdOf(0),
        commandId: "erase-0",
        erasureRequest: true,
        recheckNote: "the person asked to be erased",
      } as never),
    ),
  );
};

describe("backing up and restoring a ledger's own data as docs/operations.md shows", () => {
  it("verifies with the default options and restores a ledger that still refuses the erased person", async () => {
    const root = tempDirectory();
    const live = ledgerOn(join(root, "var/lib/leadledger"));
    await recordSomeLeads(live.ledger);

    // docs/operations.md, "Backups": while the ledger runs.
    const files = live.files;
    const manifest = await backupLedger(files, join(root, "backups/2024-05-01T02-00")); // Either
    const report = await verifyBackup(join(root, "backups/2024-05-01T02-00")); // never throws
    expect(E.isRight(manifest)).toBe(true);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    // Lead streams and reservation streams alike.
    expect(report.streamCount).toBeGreaterThan(6);
    await live.close();

    // docs/operations.md, "Restoring", step 3.
    const restored = await restoreLedger({
      from: join(root, "backups/2024-05-01T02-00"),
      to: ledgerFiles(join(root, "restored/var/lib/leadledger")),
    });
    expect(E.isRight(restored) ? "restored" : restored.left).toBe("restored");

    // The secret came back with the ledger, as it was.
    const restoredConfig = join(root, "restored/var/lib/leadledger/config.json");
    expect(existsSync(restoredConfig)).toBe(true);
    expect(readFileSync(restoredConfig)).toEqual(readFileSync(files.config ?? ""));
    const reopened = ledgerOn(join(root, "restored/var/lib/leadledger"));
    try {
      // The erased person, captured again as a new lead: still on the suppression list.
      const again = await reopened.ledger.execute(executiveActor, capture(0, 100));
      expect(E.isLeft(again) && again.left.code).toBe("lead.suppressed");
      const duplicate = await reopened.ledger.execute(executiveActor, capture(3, 103));
      expect(E.isLeft(duplicate) && duplicate.left.code).toBe("lead.duplicate");
    } finally {
      await reopened.close();
    }
  });
});

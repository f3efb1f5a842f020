import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLeadLedger, type LeadLedger } from "@leadledger/core";
import { ledgerFiles, openSqliteEventStore, openSqliteKeyStore } from "@leadledger/sqlite-adapter";
import { captureLead, executiveActor } from "@leadledger/testkit";
import * as E from "fp-ts/lib/Either.js";
import { afterAll, describe, expect, it } from "vitest";
import { startWorklist } from "./worklist-on-start.js";

// Issue 21: following the log, the worklist's indexer reads each lead just captured through
// the server's ledger, which holds it loaded from the capture, instead of reading the whole
// stream, its key and every sealed part again through a ledger of its own.

const NOW = Date.parse("2026-11-02T02:00:00.000Z");
const dataDir = mkdtempSync(join(tmpdir(), "leadledger-worklist-live-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe("the worklist's indexer, following the log", () => {
  it("reads a lead captured while it follows through the server's ledger", async () => {
    const files = ledgerFiles(dataDir);
    const eventStore = openSqliteEventStore({ path: files.events });
    const keyStore = openSqliteKeyStore({ path: files.keys });
    const secret = new Uint8Array(32).fill(7);
    // The capture's moment as the testkit's commands expect it.
    const ledger = createLeadLedger({ eventStore, keyStore, secret, clock: () => NOW });
    const readThroughServer: string[] = [];
    const server: Pick<LeadLedger, "getLead"> = {
      getLead: (actor, leadId, options) => {
        readThroughServer.push(String(leadId));
        return ledger.getLead(actor, leadId, options);
      },
    };
    const running = await startWorklist({ dataDir, eventStore, keyStore, secret, ledger: server });
    try {
      const captured = await ledger.execute(executiveActor, captureLead());
      if (E.isLeft(captured)) throw new Error(captured.left.code);
      const indexed = await running.worklist.waitFor(captured.right.position, 5_000);
      expect(indexed).toBe(true);
      expect(readThroughServer).toEqual([captured.right.leadId]);
    } finally {
      await running.stop();
      await eventStore.close();
      await keyStore.close();
    }
  });
});

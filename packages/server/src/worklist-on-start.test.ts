import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { dataDirectoryFiles } from "./data-directory.js";
import { createServer, type LeadLedgerServer } from "./server.js";

// The standalone server keeps the worklist's index in worklist.sqlite: names on the first
// start, after a restart, and after the file is deleted (rebuilt from the log).

const dataDir = mkdtempSync(join(tmpdir(), "leadledger-worklist-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

interface Row {
  leadId: string;
  redacted: boolean;
  displayName: string | null;
  ownerName: string | null;
  mainContact: { channel: string; value: string } | null;
}

let executiveToken = "";
const rowsOf = async (server: LeadLedgerServer, query = ""): Promise<Row[]> => {
  const response = await server.app.inject({
    url: `/leads?limit=500${query}`,
    headers: { authorization: `Bearer ${executiveToken}` },
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ items: Row[] }>().items;
};

describe("the standalone server's worklist", () => {
  it("names every lead, and keeps the names over a restart and a deleted index", async () => {
    const first = await createServer({ dataDir, demoLeads: 30, logLevel: false });
    executiveToken =
      first.issuedTokens.find((token) => token.actor.role === "executive")?.token ?? "";
    const named = await rowsOf(first);
    expect(named.length).toBeGreaterThan(0);
    // Every lead is named but the demo's purged ones, whose names are gone.
    for (const row of named) {
      expect(row.displayName === null).toBe(row.redacted);
      expect(row.ownerName).not.toBeNull();
    }
    expect(named.some((row) => row.redacted)).toBe(true);
    const sample = named.find((row) => !row.redacted) as Row;
    const part = Array.from(String(sample.displayName)).slice(1, 3).join("");
    const found = await rowsOf(first, `&q=${encodeURIComponent(part)}`);
    expect(found.map((row) => row.leadId)).toContain(sample.leadId);
    await first.app.close();
    expect(existsSync(dataDirectoryFiles(dataDir).worklist)).toBe(true);

    const again = await createServer({ dataDir, logLevel: false });
    expect(await rowsOf(again)).toEqual(named);
    await again.app.close();

    const worklist = dataDirectoryFiles(dataDir).worklist;
    for (const file of [worklist, `${worklist}-wal`, `${worklist}-shm`])
      rmSync(file, { force: true });
    const rebuilt = await createServer({ dataDir, logLevel: false });
    expect(await rowsOf(rebuilt)).toEqual(named);
    await rebuilt.app.close();
  }, 60_000);
});

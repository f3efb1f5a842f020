import { chmodSync, cpSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { beforeAll, describe, expect, it } from "vitest";
import { makeDemoDataDirectory, runCli, useScratch } from "./cli-run.test-fixture.js";

const scratch = useScratch();
let healthy: string;

beforeAll(async () => {
  healthy = join(scratch(), "data");
  await makeDemoDataDirectory(healthy);
});

describe("leadledger doctor", () => {
  it("passes a data directory as the server leaves it", async () => {
    const run = await runCli("doctor", "--data-dir", healthy);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    for (const check of [
      "files",
      "permissions",
      "config.json",
      "events",
      "keys.sqlite",
      "read-model.sqlite",
      "streams without keys",
      "keys without streams",
    ]) {
      expect(run.stdout).toMatch(new RegExp(`^  ok +${check}: `, "m"));
    }
    expect(run.stdout).toContain("every hash chain with the secret");
    expect(run.stdout).toContain(`the log against ${join(healthy, "checkpoints.jsonl")}`);
    expect(run.stdout).toMatch(/^0 problems, 0 warnings$/m);
  });

  it("finds a file others can read and a lead whose key was deleted", async () => {
    const dataDir = join(scratch(), "data");
    cpSync(healthy, dataDir, { recursive: true });
    chmodSync(join(dataDir, "config.json"), 0o644);
    const keys = new Database(join(dataDir, "keys.sqlite"));
    const leadId = keys
      .prepare<[], string>(
        "SELECT lead_id FROM lead_keys WHERE key IS NOT NULL ORDER BY lead_id LIMIT 1",
      )
      .pluck()
      .get();
    keys.prepare("DELETE FROM lead_keys WHERE lead_id = ?").run(leadId);
    keys.close();

    const run = await runCli("doctor", "--data-dir", dataDir);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^ {2}PROBLEM +permissions: 1 readable or writable by others$/m);
    expect(run.stdout).toContain(
      `${join(dataDir, "config.json")} is 0644, readable or writable by others: chmod 600 ${join(dataDir, "config.json")}`,
    );
    expect(run.stdout).toMatch(/^ {2}PROBLEM +streams without keys: 1 lead streams have no key/m);
    expect(run.stdout).toContain(`leads: ${leadId}`);
    expect(run.stdout).toMatch(/^2 problems, 0 warnings$/m);
  });

  it("finds an event deleted from the log by its checkpoints", async () => {
    const dataDir = join(scratch(), "data");
    cpSync(healthy, dataDir, { recursive: true });
    const events = new Database(join(dataDir, "events.sqlite"));
    // A reservation stream's only event: no chain shows it, the checkpoints do.
    events
      .prepare(
        "DELETE FROM events WHERE position = (SELECT MIN(position) FROM events WHERE stream LIKE 'contact-reservation-%')",
      )
      .run();
    events.close();

    const run = await runCli("doctor", "--data-dir", dataDir);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^ {2}PROBLEM +events: /m);
    expect(run.stdout).toMatch(
      /checkpoints: the log up to position \d+ is not what its checkpoint/,
    );
  });
});

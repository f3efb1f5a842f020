import { chmodSync, cpSync, rmSync, writeFileSync } from "node:fs";
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
      "tokens.sqlite",
      "worklist.sqlite",
    ]) {
      expect(run.stdout).toMatch(new RegExp(`^  ok +${check}: `, "m"));
    }
    expect(run.stdout).toContain("every hash chain with the secret");
    expect(run.stdout).toContain(`the log against ${join(healthy, "checkpoints.jsonl")}`);
    expect(run.stdout).toMatch(
      /^ {2}ok +tokens\.sqlite: SQLite integrity; (\d+) tokens: \1 active, 0 expired, 0 revoked$/m,
    );
    expect(run.stdout).toMatch(
      /^ {2}ok +worklist\.sqlite: SQLite integrity; \d+ leads' cards, [\d,]+ index entries, up to position (\d+) of \1$/m,
    );
    expect(run.stdout).toMatch(/^0 problems, 0 warnings$/m);
  });

  it("counts tokens by standing, never showing a hash, and finds a worklist ahead of its log", async () => {
    const dataDir = join(scratch(), "data");
    cpSync(healthy, dataDir, { recursive: true });
    const tokens = new Database(join(dataDir, "tokens.sqlite"));
    const ids = tokens
      .prepare<[], string>("SELECT token_id FROM api_tokens ORDER BY token_id")
      .pluck()
      .all();
    const hashes = tokens.prepare<[], string>("SELECT sha256 FROM api_tokens").pluck().all();
    const now = Date.now();
    tokens.prepare("UPDATE api_tokens SET revoked_at = ? WHERE token_id = ?").run(now - 1, ids[0]);
    tokens.prepare("UPDATE api_tokens SET expires_at = ? WHERE token_id = ?").run(now - 1, ids[1]);
    // A row no server writes: the authentication refuses it, the doctor names it.
    tokens.prepare("UPDATE api_tokens SET role = 'janitor' WHERE token_id = ?").run(ids[2]);
    tokens.close();
    const worklist = new Database(join(dataDir, "worklist.sqlite"));
    worklist.prepare("UPDATE worklist_checkpoint SET position = '999999999'").run();
    worklist.close();

    const run = await runCli("doctor", "--data-dir", dataDir);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      new RegExp(
        `^ {2}PROBLEM +tokens\\.sqlite: 1 of ${ids.length} tokens name no valid person, role or department`,
        "m",
      ),
    );
    expect(run.stdout).toContain(`tokens: ${ids[2]}`);
    for (const hash of hashes) expect(run.stdout).not.toContain(hash);
    expect(run.stdout).toMatch(
      /^ {2}PROBLEM +worklist\.sqlite: its checkpoint \(position 999999999\) lies past the log's last event \(\d+\)/m,
    );
    expect(run.stdout).toMatch(/^2 problems, 0 warnings$/m);

    const repaired = new Database(join(dataDir, "tokens.sqlite"));
    repaired.prepare("UPDATE api_tokens SET role = 'rep' WHERE token_id = ?").run(ids[2]);
    repaired.close();
    const counted = await runCli("doctor", "--data-dir", dataDir);
    expect(counted.stdout).toMatch(
      new RegExp(
        `^ {2}ok +tokens\\.sqlite: SQLite integrity; ${ids.length} tokens: ${ids.length - 2} active, 1 expired, 1 revoked$`,
        "m",
      ),
    );
  });

  it("warns when the tokens' file is gone, and fails a damaged one", async () => {
    const dataDir = join(scratch(), "data");
    cpSync(healthy, dataDir, { recursive: true });
    for (const suffix of ["", "-wal", "-shm"]) {
      rmSync(join(dataDir, `tokens.sqlite${suffix}`), { force: true });
    }
    const gone = await runCli("doctor", "--data-dir", dataDir);
    expect(gone.code).toBe(0);
    expect(gone.stdout).toMatch(
      /^ {2}warning +tokens\.sqlite: .*tokens\.sqlite does not exist: no API token is accepted$/m,
    );
    expect(gone.stdout).toMatch(/^0 problems, 1 warnings$/m);

    writeFileSync(join(dataDir, "tokens.sqlite"), "not a database at all", { mode: 0o600 });
    const damaged = await runCli("doctor", "--data-dir", dataDir);
    expect(damaged.code).toBe(1);
    expect(damaged.stdout).toMatch(/^ {2}PROBLEM +tokens\.sqlite: SQLite integrity check failed$/m);
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

import { cpSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { createServer } from "../server.js";
import { makeDemoDataDirectory, runCli, useScratch } from "./cli-run.test-fixture.js";

// docs/operations.md's backup, verify and restore, done with the `leadledger` command on a
// data directory the standalone server wrote (demo leads, some of them erased).

const scratch = useScratch();
let root: string;
let dataDir: string;
let leads: number;

beforeAll(async () => {
  root = scratch();
  dataDir = join(root, "data");
  leads = await makeDemoDataDirectory(dataDir);
});

const leadsServedFrom = async (directory: string): Promise<number> => {
  const server = await createServer({ dataDir: directory, logLevel: false });
  try {
    return server.runner.summaries().length;
  } finally {
    await server.app.close();
  }
};

describe("backup → verify → restore through the CLI", () => {
  it("restores a ledger the server serves as it was", async () => {
    const backup = join(root, "backups", "nightly");
    const taken = await runCli("backup", backup, "--data-dir", dataDir);
    expect(taken.stderr).toBe("");
    expect(taken.code).toBe(0);
    expect(taken.stdout).toMatch(/^copying events and keys: 100% \(.+ MB\) in .+ s, .+ MB\/s$/m);
    expect(taken.stdout).toContain(`backup written to ${backup}`);
    expect(readdirSync(backup).sort()).toEqual([
      "config.json",
      "events.sqlite",
      "keys.sqlite",
      "manifest.json",
      "tokens.sqlite",
    ]);
    expect(statSync(backup).mode & 0o777).toBe(0o700);

    const verified = await runCli("verify", backup, "--checkpoints", dataDir);
    expect(verified.stderr).toBe("");
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(/^checking streams and chains: 100% \(\d+ events\) in /m);
    expect(verified.stdout).toMatch(/^checking the log against its checkpoints: 100% /m);
    expect(verified.stdout).toContain(`ok: ${backup}`);
    expect(verified.stdout).toContain(
      `every link checked with the secret from ${backup}/config.json`,
    );
    expect(verified.stdout).toContain(`checked against ${join(dataDir, "checkpoints.jsonl")}`);
    expect(verified.stdout).toContain("problems: none");

    const target = join(root, "restored");
    const restored = await runCli("restore", backup, target);
    expect(restored.stderr).toBe("");
    expect(restored.code).toBe(0);
    expect(restored.stdout).toMatch(/^restored \d+ events into /m);
    expect(restored.stdout).toContain("re-apply every purge made since");
    for (const file of ["events.sqlite", "keys.sqlite", "config.json", "tokens.sqlite"]) {
      expect(statSync(join(target, file)).mode & 0o777).toBe(0o600);
    }
    expect(readFileSync(join(target, "config.json"))).toEqual(
      readFileSync(join(dataDir, "config.json")),
    );
    // The restored ledger starts (same secret, no checkpoints ahead of it) with every lead.
    expect(await leadsServedFrom(target)).toBe(leads);
  });

  it("finds a damaged backup: exit 1 and what is wrong, and a restore of it writes nothing", async () => {
    const backup = join(root, "backups", "damaged");
    expect((await runCli("backup", backup, "--data-dir", dataDir)).code).toBe(0);
    const events = join(backup, "events.sqlite");
    const bytes = readFileSync(events);
    bytes[bytes.length - 100] = (bytes[bytes.length - 100] ?? 0) ^ 0xff;
    writeFileSync(events, bytes);

    const verified = await runCli("verify", backup);
    expect(verified.code).toBe(1);
    expect(verified.stdout).toContain(`PROBLEMS FOUND: ${backup}`);
    expect(verified.stdout).toMatch(/ {4}- checksum mismatch: .*events\.sqlite/);

    const target = join(root, "never-restored");
    const restored = await runCli("restore", backup, target);
    expect(restored.code).toBe(1);
    expect(restored.stderr).toContain("did not pass verification; nothing was written");
    expect(restored.stderr).toMatch(/checksum mismatch/);
    expect(existsSync(join(target, "events.sqlite"))).toBe(false);
  });

  it("refuses to write over a ledger's files, or its views' rows, and moves nothing", async () => {
    const backup = join(root, "backups", "again");
    expect((await runCli("backup", backup, "--data-dir", dataDir)).code).toBe(0);
    // A backup is never written over another.
    const twice = await runCli("backup", backup, "--data-dir", dataDir);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain("already holds a backup");

    const occupied = join(root, "occupied");
    cpSync(dataDir, occupied, { recursive: true });
    const before = readFileSync(join(occupied, "events.sqlite"));
    const overFiles = await runCli("restore", backup, occupied);
    expect(overFiles.code).toBe(1);
    expect(overFiles.stderr).toMatch(/read-model\.sqlite exists: .*nothing was written/);

    // The worklist's index is as far ahead as the views' rows.
    const withIndex = join(root, "occupied-index-only");
    cpSync(dataDir, withIndex, { recursive: true, filter: (path) => !path.includes("read-model") });
    const overIndex = await runCli("restore", backup, withIndex);
    expect(overIndex.code).toBe(1);
    expect(overIndex.stderr).toMatch(/worklist\.sqlite exists: .*nothing was written/);

    const withoutViews = join(root, "occupied-no-views");
    cpSync(dataDir, withoutViews, {
      recursive: true,
      filter: (path) => !path.includes("read-model") && !path.includes("worklist"),
    });
    const overEvents = await runCli("restore", backup, withoutViews);
    expect(overEvents.code).toBe(1);
    expect(overEvents.stderr).toMatch(/events\.sqlite exists: a restore never writes over a file/);
    expect(readFileSync(join(occupied, "events.sqlite"))).toEqual(before);
    expect(existsSync(join(withoutViews, "events.sqlite"))).toBe(true);
  });
});

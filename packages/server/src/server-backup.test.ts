import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { backupLedger, ledgerFiles, restoreLedger, verifyBackup } from "@leadledger/sqlite-adapter";
import * as E from "fp-ts/lib/Either.js";
import { afterEach, describe, expect, it } from "vitest";
import { captureBody, joinRep, problemOf } from "./http-requests.test-fixture.js";
import { createServer, type LeadLedgerServer } from "./server.js";

// The standalone server's own data backed up and restored as docs/operations.md shows, and
// what the server does with a data directory whose ledger secret is missing.

const made: string[] = [];
const tempDirectory = (): string => {
  const directory = mkdtempSync(join(tmpdir(), "leadledger-http-backup-"));
  made.push(directory);
  return directory;
};
afterEach(() => {
  for (const directory of made.splice(0)) rmSync(directory, { recursive: true, force: true });
});

const succeeded = <A>(either: E.Either<unknown, A>): A => {
  if (E.isLeft(either)) throw new Error(`unexpected ${JSON.stringify(either.left)}`);
  return either.right;
};

const start = (dataDir: string, demoLeads = 30, demo = true): Promise<LeadLedgerServer> =>
  createServer({ dataDir, demo, demoLeads, durability: "normal", logLevel: false });

/** Why the server would not start on `dataDir`, or "started" (and stopped again). */
const startOrWhyNot = (dataDir: string): Promise<string> =>
  start(dataDir, 5).then(
    async (server) => {
      await server.app.close();
      return "started";
    },
    (error: Error) => error.message,
  );

const tokenOf = (server: LeadLedgerServer, role: string): string => {
  const issued = server.issuedTokens.find((token) => token.actor.role === role);
  if (issued === undefined) throw new Error(`no ${role} token`);
  return issued.token;
};

const ERASED_PERSON = { phone: "+86 139 8765 4321", email: "erase.me@example-restore.cn" };

const captureOf = (person: { phone: string; email: string }) => {
  const body = captureBody({ owner: { repId: "rep-zhang-wei", department: "east" } });
  return { ...body, contact: { ...(body.contact as object), ...person } };
};

const eventCountOf = async (server: LeadLedgerServer): Promise<number> => {
  const all = await server.eventStore.readAll();
  if (E.isLeft(all)) throw new Error(all.left.code);
  return all.right.length;
};

describe("backing up and restoring the server's data as docs/operations.md shows", () => {
  it("verifies the demo data with the defaults, brings config.json back, and still refuses an erased person", async () => {
    const root = tempDirectory();
    const live = join(root, "var/lib/leadledger");
    const first = await start(live);
    const executive = { authorization: `Bearer ${tokenOf(first, "executive")}` };
    let leadId: string;
    try {
      const captured = await first.app.inject({
        method: "POST",
        url: "/leads",
        headers: executive,
        payload: captureOf(ERASED_PERSON),
      });
      expect(captured.statusCode).toBe(201);
      leadId = captured.json<{ leadId: string }>().leadId;
      const erased = await first.app.inject({
        method: "POST",
        url: `/leads/${leadId}/purge`,
        headers: { ...executive, "idempotency-key": "erase-1" },
        payload: { recheckNote: "the person asked to be erased", erasureRequest: true },
      });
      expect(erased.statusCode, erased.body).toBe(200);

      // docs/operations.md, "Backups": while the server runs.
      const files = ledgerFiles(live);
      const manifest = await backupLedger(files, join(root, "backups/2024-05-01T02-00")); // Either
      const report = await verifyBackup(join(root, "backups/2024-05-01T02-00")); // never throws
      expect(E.isRight(manifest) && manifest.right.config?.file).toBe("config.json");
      expect(report.problems).toEqual([]);
      expect(report.ok).toBe(true);
    } finally {
      await first.app.close();
    }

    // docs/operations.md, "Restoring", step 3.
    const restored = await restoreLedger({
      from: join(root, "backups/2024-05-01T02-00"),
      to: ledgerFiles(join(root, "restored/var/lib/leadledger")),
    });
    expect(E.isRight(restored) ? "restored" : restored.left).toBe("restored");
    const restoredConfig = join(root, "restored/var/lib/leadledger/config.json");
    expect(readFileSync(restoredConfig)).toEqual(readFileSync(join(live, "config.json")));
    expect((statSync(restoredConfig).mode & 0o777).toString(8)).toBe("600");

    // Step 4: the restored server is the same ledger, tokens and secret included.
    const second = await start(join(root, "restored/var/lib/leadledger"));
    try {
      expect(second.issuedTokens).toEqual([]);
      expect(second.seeded).toBeUndefined();
      const again = await second.app.inject({
        method: "POST",
        url: "/leads",
        headers: executive,
        payload: captureOf(ERASED_PERSON),
      });
      expect(problemOf(again).code).toBe("lead.suppressed");
      const read = await second.app.inject({ url: `/leads/${leadId}`, headers: executive });
      expect(read.statusCode).toBe(200);
    } finally {
      await second.app.close();
    }
  });
});

describe("a data directory whose ledger has no config.json", () => {
  it("is refused at start, with no new secret written: the data was restored without it", async () => {
    const root = tempDirectory();
    const live = join(root, "live");
    const first = await start(live, 5);
    await first.app.close();
    succeeded(await backupLedger(ledgerFiles(live), join(root, "backup")));
    // The databases alone, as a restore that left the secret behind would install them.
    const files = ledgerFiles(join(root, "restored"));
    succeeded(
      await restoreLedger({
        from: join(root, "backup"),
        to: { events: files.events, keys: files.keys },
      }),
    );
    expect(await startOrWhyNot(join(root, "restored"))).toMatch(/no config\.json/);
    expect(existsSync(files.config ?? "")).toBe(false);
    // The same when the file went missing from a ledger's own directory.
    rmSync(join(live, "config.json"));
    expect(await startOrWhyNot(live)).toMatch(/no config\.json/);
    expect(existsSync(join(live, "config.json"))).toBe(false);
  });

  it("makes `pnpm start` exit non-zero with a message that names the missing file", async () => {
    const root = tempDirectory();
    const first = await start(root, 5);
    await first.app.close();
    rmSync(join(root, "config.json"));
    const here = dirname(fileURLToPath(import.meta.url));
    const child = spawn(
      process.execPath,
      ["--conditions=source", "--import", "tsx", join(here, "main.ts")],
      {
        // `--import tsx` is resolved from the working directory: the workspace root has tsx.
        cwd: resolve(here, "../../.."),
        env: { ...process.env, LEADLEDGER_DATA_DIR: root, PORT: "0", LOG_LEVEL: "silent" },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let output = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      output += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      output += chunk;
    });
    // A server that does start is stopped after a while: the test then fails on its code.
    const stopping = setTimeout(() => child.kill("SIGTERM"), 15_000);
    const code = await new Promise<number | null>((done) => child.on("exit", done));
    clearTimeout(stopping);
    expect(code).toBe(1);
    expect(output).toContain("no config.json");
    expect(output).not.toContain("API tokens");
    expect(existsSync(join(root, "config.json"))).toBe(false);
  });
});

describe("the demo", () => {
  it("is never seeded into a store that already holds data", async () => {
    const root = tempDirectory();
    const first = await start(root, 5, false);
    const admin = { authorization: `Bearer ${tokenOf(first, "executive")}` };
    let recorded = 0;
    try {
      // An admin-only ledger has no rep yet: the capture's owner joins first.
      await joinRep(first, "rep-zhang-wei", "east");
      const captured = await first.app.inject({
        method: "POST",
        url: "/leads",
        headers: admin,
        payload: captureOf({ phone: "+86 139 1111 2222", email: "real.lead@example.cn" }),
      });
      expect(captured.statusCode).toBe(201);
      recorded = await eventCountOf(first);
    } finally {
      await first.app.close();
    }
    const second = await start(root, 5, true);
    try {
      expect(second.seeded).toBeUndefined();
      expect(second.issuedTokens).toEqual([]);
      expect(recorded).toBeGreaterThan(0);
      expect(await eventCountOf(second)).toBe(recorded);
    } finally {
      await second.app.close();
    }
  });
});

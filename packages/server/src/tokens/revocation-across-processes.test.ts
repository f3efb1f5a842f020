import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { createServer, type LeadLedgerServer } from "../server.js";

// The issue's acceptance: "a revoked token fails on a second server process on the same data
// within 1 s". One server runs in this process, the other as `pnpm start` in a child process
// on the same data directory; the token is revoked through the first, and the second must
// refuse it within one second of the revocation's answer, measured, not slept.

const here = dirname(fileURLToPath(import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), "leadledger-two-servers-"));
let inProcess: LeadLedgerServer | undefined;
let child: ChildProcess | undefined;

afterAll(async () => {
  await inProcess?.app.close();
  if (child !== undefined && child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((done) => child?.on("exit", done));
    child.kill("SIGTERM");
    await exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
});

/** Starts `pnpm start` on the data directory; its base URL once it listens. */
const startSecondServer = (): Promise<string> => {
  const started = spawn(
    process.execPath,
    ["--conditions=source", "--import", "tsx", join(here, "..", "main.ts")],
    {
      // `--import tsx` is resolved from the working directory: the workspace root has tsx.
      cwd: resolve(here, "../../../.."),
      env: {
        ...process.env,
        LEADLEDGER_DATA_DIR: dataDir,
        LEADLEDGER_DEMO: "0",
        PORT: "0",
        LOG_LEVEL: "info",
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  child = started;
  return new Promise((done, failed) => {
    let output = "";
    const read = (chunk: string) => {
      output += chunk;
      const listening = /Server listening at (http:\/\/127\.0\.0\.1:[0-9]+)/.exec(output);
      if (listening?.[1] !== undefined) done(listening[1]);
    };
    started.stdout?.setEncoding("utf8").on("data", read);
    started.stderr?.setEncoding("utf8").on("data", read);
    started.on("exit", (code) => failed(new Error(`exited ${code} before listening: ${output}`)));
  });
};

describe("a revoked token", () => {
  it("is refused by a second server process on the same data within 1 s", async () => {
    inProcess = await createServer({ dataDir, demo: false, logLevel: false });
    const admin = inProcess.issuedTokens[0]?.token;
    if (admin === undefined) throw new Error("no first token");
    const asAdmin = { authorization: `Bearer ${admin}` };
    const issued = await inProcess.app.inject({
      method: "POST",
      url: "/tokens",
      headers: asAdmin,
      payload: { personId: "admin", label: "two servers" },
    });
    expect(issued.statusCode).toBe(201);
    const { token, tokenId } = issued.json<{ token: string; tokenId: string }>();

    const second = await startSecondServer();
    const asHolder = { authorization: `Bearer ${token}` };
    const before = await fetch(`${second}/me`, { headers: asHolder });
    expect(before.status).toBe(200);
    expect(((await before.json()) as { id: string }).id).toBe("admin");

    const revoked = await inProcess.app.inject({
      method: "POST",
      url: `/tokens/${tokenId}/revocation`,
      headers: asAdmin,
    });
    expect(revoked.statusCode).toBe(200);
    const revokedAt = performance.now();
    // Asked until refused, for at most the second the issue allows.
    let refusal: Response | undefined;
    while (performance.now() - revokedAt < 1_000) {
      const answer = await fetch(`${second}/me`, { headers: asHolder });
      if (answer.status !== 200) {
        refusal = answer;
        break;
      }
    }
    const elapsed = performance.now() - revokedAt;
    if (refusal === undefined) throw new Error(`still accepted ${elapsed} ms after the revocation`);
    expect(refusal.status).toBe(401);
    expect(((await refusal.json()) as { code: string }).code).toBe("auth.token-revoked");
    expect(elapsed).toBeLessThan(1_000);
    // The first server's own token still works there.
    expect((await fetch(`${second}/me`, { headers: asAdmin })).status).toBe(200);
  });
});

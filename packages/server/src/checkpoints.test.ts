import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { logCheckpointKeysOf, signLogCheckpoint } from "@leadledger/core/adapter";
import { afterEach, describe, expect, it } from "vitest";
import { captureBody, joinRep, NOW } from "./http-requests.test-fixture.js";
import { createServer } from "./server.js";

// Issue 12, item 9: the standalone server records the log's signed checkpoints and refuses
// to resume from one its secret did not sign.

describe("the standalone server's checkpoints", () => {
  const made: string[] = [];
  afterEach(() => {
    for (const directory of made.splice(0)) rmSync(directory, { recursive: true, force: true });
  });
  const dataDirectory = () => {
    const directory = mkdtempSync(join(tmpdir(), "leadledger-checkpoints-"));
    made.push(directory);
    return directory;
  };

  it("are recorded in <dataDir>/checkpoints.jsonl (0600) and written to the log", async () => {
    const dataDir = dataDirectory();
    const logged: string[] = [];
    const logStream = new Writable({
      write(chunk, _encoding, done) {
        logged.push(String(chunk));
        done();
      },
    });
    const server = await createServer({ dataDir, demo: false, durability: "normal", logStream });
    const token = server.issuedTokens[0]?.token ?? "";
    // A fresh admin-only server knows its executive alone, who owns no leads: a rep joins.
    await joinRep(server, "rep-1", "east");
    const captured = await server.app.inject({
      method: "POST",
      url: "/leads",
      headers: { authorization: `Bearer ${token}` },
      payload: captureBody({ owner: { repId: "rep-1", department: "east" } }),
    });
    expect(captured.statusCode).toBe(201);
    await server.app.close();

    const file = join(dataDir, "checkpoints.jsonl");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const lines = readFileSync(file, "utf8").trim().split("\n");
    const last = JSON.parse(lines[lines.length - 1] ?? "{}");
    expect(last).toMatchObject({ count: server.checkpoints.head().count });
    expect(last.count).toBeGreaterThan(0);
    const inLog = logged
      .map((line) => JSON.parse(line))
      .filter((entry) => entry.msg === "log checkpoint")
      .map((entry) => entry.checkpoint);
    expect(inLog[inLog.length - 1]).toEqual(last);
  });

  it("refuse to start from a checkpoint not signed with the ledger's secret", async () => {
    const dataDir = dataDirectory();
    const first = await createServer({ dataDir, demo: false, logLevel: false });
    await first.app.close();
    const forged = signLogCheckpoint(
      logCheckpointKeysOf(new Uint8Array(48).fill(1)),
      { position: 0n, count: 0, headHash: "", keyedFrom: undefined },
      NOW,
    );
    appendFileSync(join(dataDir, "checkpoints.jsonl"), `${JSON.stringify(forged)}\n`);
    await expect(createServer({ dataDir, demo: false, logLevel: false })).rejects.toThrow(
      /checkpoint\.unsigned/,
    );
  });
});

import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashApiToken } from "../api-tokens.js";
import { createServer, type LeadLedgerServer } from "../server.js";
import { runCli, useScratch } from "./cli-run.test-fixture.js";

// `leadledger tokens` against a data directory a server is running on: what the operator
// issues, rotates and revokes is honoured by the server on its next request.

const scratch = useScratch();
let dataDir: string;
let server: LeadLedgerServer;
let admin: string;

beforeAll(async () => {
  dataDir = scratch();
  server = await createServer({ dataDir, demo: false, logLevel: false });
  admin = server.issuedTokens[0]?.token ?? "";
});
afterAll(async () => {
  await server.app.close();
});

const statusOf = async (token: string): Promise<{ status: number; code?: string }> => {
  const answer = await server.app.inject({
    url: "/me",
    headers: { authorization: `Bearer ${token}` },
  });
  const { code } = answer.json<{ code?: string }>();
  return code === undefined ? { status: answer.statusCode } : { status: answer.statusCode, code };
};

const printedToken = (stdout: string): string => {
  const token = /^ {2}(llk_\S+)$/m.exec(stdout)?.[1];
  if (token === undefined) throw new Error(`no token in ${stdout}`);
  return token;
};
const printedId = (stdout: string): string => {
  const id = /(tok_[A-Za-z0-9_-]+) for /.exec(stdout)?.[1];
  if (id === undefined) throw new Error(`no token id in ${stdout}`);
  return id;
};

describe("leadledger tokens", () => {
  it("issues, lists, rotates and revokes while a server runs on the data directory", async () => {
    const issued = await runCli(
      "tokens",
      "issue",
      "--person",
      "admin",
      "--label",
      "ops laptop",
      "--expires-in-days",
      "10",
      "--data-dir",
      dataDir,
    );
    expect(issued.code).toBe(0);
    expect(issued.stderr).toBe("");
    const token = printedToken(issued.stdout);
    const tokenId = printedId(issued.stdout);
    expect(await statusOf(token)).toEqual({ status: 200 });

    const listed = await runCli("tokens", "list", "--person", "admin", "-d", dataDir);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(
      new RegExp(`^${tokenId} +admin +executive +hq +active .+ops laptop$`, "m"),
    );
    for (const secret of [token, admin]) {
      expect(listed.stdout).not.toContain(secret);
      expect(listed.stdout).not.toContain(hashApiToken(secret));
    }

    const rotated = await runCli("tokens", "rotate", tokenId, "-d", dataDir);
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toContain(`${tokenId} is revoked`);
    const next = printedToken(rotated.stdout);
    expect(await statusOf(token)).toEqual({ status: 401, code: "auth.token-revoked" });
    expect(await statusOf(next)).toEqual({ status: 200 });

    const revoked = await runCli("tokens", "revoke", printedId(rotated.stdout), "-d", dataDir);
    expect(revoked.code).toBe(0);
    expect(await statusOf(next)).toEqual({ status: 401, code: "auth.token-revoked" });
    expect(await statusOf(admin)).toEqual({ status: 200 });
  });

  it("says in a line why it could not, with exit code 1, and 2 for a wrong command line", async () => {
    const nobody = await runCli("tokens", "issue", "--person", "nobody", "-d", dataDir);
    expect(nobody).toMatchObject({ code: 1, stdout: "" });
    expect(nobody.stderr).toMatch(/no active person nobody/);
    const unknown = await runCli("tokens", "revoke", "tok_nope", "-d", dataDir);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no API token tok_nope/);
    const tooLong = await runCli(
      "tokens",
      "issue",
      "--person",
      "admin",
      "--expires-in-days",
      "400",
      "-d",
      dataDir,
    );
    expect(tooLong.code).toBe(2);
    expect(tooLong.stderr).toMatch(/from 1 to 365/);
    const noData = await runCli("tokens", "list", "-d", join(dataDir, "nowhere"));
    expect(noData.code).toBe(2);
    expect(noData.stderr).toMatch(/does not exist/);
  });

  it("backs the tokens up and restores them: a revoked token stays refused", async () => {
    const kept = printedToken(
      (await runCli("tokens", "issue", "--person", "admin", "--label", "kept", "-d", dataDir))
        .stdout,
    );
    const dropped = await runCli("tokens", "issue", "--person", "admin", "-d", dataDir);
    await runCli("tokens", "revoke", printedId(dropped.stdout), "-d", dataDir);

    const backup = join(scratch(), "backup");
    const backedUp = await runCli("backup", backup, "-d", dataDir);
    expect(backedUp.code).toBe(0);
    expect(backedUp.stdout).toMatch(/tokens\.sqlite: \d+ API tokens/);
    expect((await runCli("verify", backup)).code).toBe(0);
    const restoredDir = join(scratch(), "restored");
    const restored = await runCli("restore", backup, restoredDir);
    expect(restored.code).toBe(0);

    const again = await createServer({ dataDir: restoredDir, demo: false, logLevel: false });
    try {
      const me = async (token: string) =>
        (
          await again.app.inject({ url: "/me", headers: { authorization: `Bearer ${token}` } })
        ).json<{ id?: string; code?: string }>();
      expect((await me(kept)).id).toBe("admin");
      expect((await me(admin)).id).toBe("admin");
      expect((await me(printedToken(dropped.stdout))).code).toBe("auth.token-revoked");
    } finally {
      await again.app.close();
    }
  });
});

import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as E from "fp-ts/lib/Either.js";
import { afterAll, describe, expect, it } from "vitest";
import { createServer } from "../server.js";
import { ADMIN_ONLY, loadOrCreateServerConfig } from "../server-config.js";

const made: string[] = [];
afterAll(() => {
  for (const directory of made) rmSync(directory, { recursive: true, force: true });
});
const scratch = (): string => {
  const directory = mkdtempSync(join(tmpdir(), "leadledger-token-move-"));
  made.push(directory);
  return directory;
};

const configTokens = (dataDir: string): unknown[] =>
  (JSON.parse(readFileSync(join(dataDir, "config.json"), "utf8")) as { tokens: unknown[] }).tokens;

const DAY = 86_400_000;

describe("API tokens kept in config.json by an older server", () => {
  it("move into the token store once, keep working, and get the default expiry", async () => {
    const dataDir = scratch();
    // A data directory as the server left it before the token store: the tokens' hashes in
    // config.json.
    const old = loadOrCreateServerConfig(dataDir, ADMIN_ONLY, Date.now(), false);
    if (E.isLeft(old)) throw new Error(old.left);
    const token = old.right.issued[0]?.token ?? "";
    expect(configTokens(dataDir)).toHaveLength(1);

    const startedAt = Date.now();
    const first = await createServer({ dataDir, demo: false, logLevel: false });
    const headers = { authorization: `Bearer ${token}` };
    try {
      expect(first.issuedTokens).toEqual([]);
      expect((await first.app.inject({ url: "/me", headers })).json()).toMatchObject({
        id: "admin",
        role: "executive",
      });
      expect(configTokens(dataDir)).toEqual([]);
      const listed = (await first.app.inject({ url: "/tokens", headers })).json<{
        items: { label: string; status: string; expiresAt: string }[];
      }>().items;
      expect(listed).toHaveLength(1);
      expect(listed[0]).toMatchObject({ label: "admin (executive)", status: "active" });
      const expires = Date.parse(listed[0]?.expiresAt ?? "");
      expect(expires).toBeGreaterThanOrEqual(startedAt + 90 * DAY);
      expect(expires).toBeLessThanOrEqual(Date.now() + 90 * DAY);
      expect(statSync(join(dataDir, "tokens.sqlite")).mode & 0o777).toBe(0o600);
    } finally {
      await first.app.close();
    }

    // The next start reads the store only: still one token, still working.
    const second = await createServer({ dataDir, demo: false, logLevel: false });
    try {
      expect((await second.app.inject({ url: "/me", headers })).statusCode).toBe(200);
      const listed = (await second.app.inject({ url: "/tokens", headers })).json<{
        total: number;
      }>();
      expect(listed.total).toBe(1);
    } finally {
      await second.app.close();
    }
  });

  it("a fresh data directory's first tokens go to the store, not to config.json", async () => {
    const dataDir = scratch();
    const server = await createServer({ dataDir, demo: false, logLevel: false });
    try {
      const token = server.issuedTokens[0]?.token ?? "";
      const me = await server.app.inject({
        url: "/me",
        headers: { authorization: `Bearer ${token}` },
      });
      expect(me.statusCode).toBe(200);
      expect(configTokens(dataDir)).toEqual([]);
      expect(readFileSync(join(dataDir, "config.json"), "utf8")).not.toContain(token);
    } finally {
      await server.app.close();
    }
  });
});

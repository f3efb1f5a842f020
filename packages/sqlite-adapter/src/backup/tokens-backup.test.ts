import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { chainedEvents } from "../chained-events.test-fixture.js";
import { ledgerFiles } from "../ledger-files.js";
import { openSqliteKeyStore } from "../privacy/sqlite-key-store.js";
import { openSqliteEventStore } from "../store/sqlite-event-store.js";
import { useTempDirectories } from "../temp-directory.test-fixture.js";
import { backupLedger } from "./backup-ledger.js";
import { restoreLedger } from "./restore-ledger.js";
import { verifyBackup } from "./verify-backup.js";

// The standalone server keeps its API tokens' hashes in tokens.sqlite beside the ledger's
// files: a backup without it would restore servers that refuse every token, or accept ones
// revoked since the tokens last lived in config.json.

const tempDirectory = useTempDirectories();

const succeeded = <A>(either: E.Either<unknown, A>): A => {
  if (E.isLeft(either)) throw new Error(`unexpected ${JSON.stringify(either.left)}`);
  return either.right;
};

/** A ledger of one lead, its secret, and a token file of `count` tokens, one revoked. */
const seedLedger = async (directory: string, count: number) => {
  mkdirSync(directory, { recursive: true });
  const files = ledgerFiles(directory);
  writeFileSync(files.config ?? "", `${JSON.stringify({ secret: "c2VjcmV0" })}\n`, { mode: 0o600 });
  const events = openSqliteEventStore({ path: files.events });
  const keys = openSqliteKeyStore({ path: files.keys });
  succeeded(await keys.ensureKey("lead-1", randomBytes(32)));
  succeeded(
    await events.appendToStream(
      "lead-1",
      chainedEvents("", [{ type: "LeadCaptured", data: {} }]).events,
    ),
  );
  await Promise.all([events.close(), keys.close()]);
  const tokens = new Database(files.tokens ?? "");
  tokens.exec(
    "CREATE TABLE api_tokens (token_id TEXT PRIMARY KEY, sha256 TEXT NOT NULL, revoked_at INTEGER)",
  );
  for (let i = 0; i < count; i++) {
    tokens
      .prepare("INSERT INTO api_tokens VALUES (?, ?, ?)")
      .run(`tok_${i}`, "0".repeat(64 - String(i).length) + i, i === 0 ? 1 : null);
  }
  tokens.close();
  return files;
};

const revokedIn = (path: string): string[] => {
  const db = new Database(path, { readonly: true });
  try {
    return db
      .prepare<[], string>("SELECT token_id FROM api_tokens WHERE revoked_at IS NOT NULL")
      .pluck()
      .all();
  } finally {
    db.close();
  }
};

describe("the API tokens' file", () => {
  it("is backed up, verified and restored with the ledger", async () => {
    const directory = tempDirectory();
    const files = await seedLedger(join(directory, "live"), 3);
    const manifest = succeeded(await backupLedger(files, join(directory, "backup")));
    expect(manifest.tokens).toMatchObject({ file: "tokens.sqlite", tokenCount: 3 });
    expect(await verifyBackup(join(directory, "backup"))).toMatchObject({ ok: true });

    const restored = ledgerFiles(join(directory, "restored"));
    succeeded(await restoreLedger({ from: join(directory, "backup"), to: restored }));
    expect(revokedIn(restored.tokens ?? "")).toEqual(["tok_0"]);

    // A token file in the way is never written over.
    const again = await restoreLedger({ from: join(directory, "backup"), to: restored });
    expect(E.isLeft(again) && again.left.code).toBe("restore.target-exists");
  });

  it("is checked: a changed copy fails verification", async () => {
    const directory = tempDirectory();
    const files = await seedLedger(join(directory, "live"), 2);
    succeeded(await backupLedger(files, join(directory, "backup")));
    const copy = new Database(join(directory, "backup", "tokens.sqlite"));
    copy.prepare("UPDATE api_tokens SET revoked_at = NULL").run();
    copy.close();
    const verification = await verifyBackup(join(directory, "backup"));
    expect(verification.ok).toBe(false);
    expect(verification.problems).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: "checksum-mismatch" })]),
    );
  });

  it("is left out, and not required, when the ledger has none yet", async () => {
    const directory = tempDirectory();
    const files = await seedLedger(join(directory, "live"), 0);
    const { tokens: _none, ...withoutTokens } = files;
    const manifest = succeeded(await backupLedger(withoutTokens, join(directory, "backup")));
    expect(manifest.tokens).toBeUndefined();
    const restored = ledgerFiles(join(directory, "restored"));
    succeeded(await restoreLedger({ from: join(directory, "backup"), to: restored }));
    expect(existsSync(restored.tokens ?? "")).toBe(false);
  });
});

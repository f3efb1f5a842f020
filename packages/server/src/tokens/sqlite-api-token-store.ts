import { ActorRecord, type StoreUnavailable } from "@leadledger/core";
import {
  DEFAULT_BUSY_TIMEOUT_MS,
  type Durability,
  ensurePrivateFile,
  unavailableFrom,
} from "@leadledger/sqlite-adapter";
import Database from "better-sqlite3";
import * as E from "fp-ts/lib/Either.js";
import type { ApiTokenStore, RotationRefused, StoredApiToken } from "./api-token-store.js";
import { standingOf } from "./api-token-store.js";

/** How to open the token file. */
export interface SqliteApiTokenStoreOptions {
  /** The file, `<data dir>/tokens.sqlite` for the standalone server; created 0600 if absent. */
  readonly path: string;
  /** SQLite `synchronous`; `"full"` by default, so that a revocation survives a power cut. */
  readonly durability?: Durability;
  readonly busyTimeoutMs?: number;
}

// One row per token ever issued: revoked and expired ones stay, so that a list shows what
// was issued to whom and a rotation's chain can be followed. The secret is never stored.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS api_tokens (
  token_id   TEXT PRIMARY KEY,
  sha256     TEXT NOT NULL UNIQUE,
  person_id  TEXT NOT NULL,
  role       TEXT NOT NULL,
  department TEXT NOT NULL,
  label      TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  revoked_at INTEGER,
  replaces   TEXT
) STRICT;
CREATE INDEX IF NOT EXISTS api_tokens_by_person ON api_tokens (person_id, created_at);
`;

interface TokenRow {
  readonly token_id: string;
  readonly sha256: string;
  readonly person_id: string;
  readonly role: string;
  readonly department: string;
  readonly label: string;
  readonly created_at: number;
  readonly expires_at: number;
  readonly revoked_at: number | null;
  readonly replaces: string | null;
}

const tokenOf = (row: TokenRow): StoredApiToken => {
  const actor = ActorRecord.decode({
    id: row.person_id,
    role: row.role,
    department: row.department,
  });
  // The rows are written from decoded actors only: one that does not decode was changed by hand.
  if (E.isLeft(actor)) throw new Error(`the token ${row.token_id} names no valid actor`);
  return {
    tokenId: row.token_id,
    personId: row.person_id,
    actor: actor.right,
    label: row.label,
    sha256: row.sha256,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    replaces: row.replaces,
  };
};

/**
 * The token store in a SQLite file of its own (WAL, busy timeout, 0600): every process
 * that opens the same file, servers and the `leadledger tokens` command alike, sees a
 * revocation on its next lookup, since each lookup reads the file's latest commit.
 */
export const openSqliteApiTokenStore = (options: SqliteApiTokenStoreOptions): ApiTokenStore => {
  ensurePrivateFile(options.path);
  const db = new Database(options.path);
  try {
    db.pragma(`busy_timeout = ${Math.floor(options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS)}`);
    db.pragma("journal_mode = WAL");
    db.pragma(`synchronous = ${(options.durability ?? "full").toUpperCase()}`);
    db.exec(SCHEMA);
  } catch (error) {
    db.close();
    throw error;
  }
  const insert = db.prepare<[Record<string, unknown>]>(
    `INSERT INTO api_tokens (token_id, sha256, person_id, role, department, label, created_at, expires_at, revoked_at, replaces)
     VALUES (@tokenId, @sha256, @personId, @role, @department, @label, @createdAt, @expiresAt, @revokedAt, @replaces)
     ON CONFLICT DO NOTHING`,
  );
  const bySha256 = db.prepare<[string], TokenRow>("SELECT * FROM api_tokens WHERE sha256 = ?");
  const byId = db.prepare<[string], TokenRow>("SELECT * FROM api_tokens WHERE token_id = ?");
  const all = db.prepare<[], TokenRow>("SELECT * FROM api_tokens ORDER BY created_at, rowid");
  const ofPerson = db.prepare<[string], TokenRow>(
    "SELECT * FROM api_tokens WHERE person_id = ? ORDER BY created_at, rowid",
  );
  const revokeRow = db.prepare<[number, string]>(
    "UPDATE api_tokens SET revoked_at = ? WHERE token_id = ? AND revoked_at IS NULL",
  );

  const rowOf = (token: StoredApiToken) => ({
    tokenId: token.tokenId,
    sha256: token.sha256,
    personId: token.personId,
    role: token.actor.role,
    department: token.actor.department,
    label: token.label,
    createdAt: token.createdAt,
    expiresAt: token.expiresAt,
    revokedAt: token.revokedAt,
    replaces: token.replaces,
  });

  /** Runs a statement; SQLite's "not now" (locked, disk full, I/O) as a value, bugs thrown. */
  const attempt = <A>(work: () => A): E.Either<StoreUnavailable, A> => {
    try {
      return E.right(work());
    } catch (error) {
      const unavailable = unavailableFrom(error);
      if (unavailable === undefined) throw error;
      return E.left(unavailable);
    }
  };

  const find = (tokenId: string): StoredApiToken | undefined => {
    const row = byId.get(tokenId);
    return row === undefined ? undefined : tokenOf(row);
  };

  // IMMEDIATE: the write lock is taken before the token is read, so two rotations of one
  // token from two processes cannot both find it active.
  const rotate = db.transaction(
    (
      tokenId: string,
      replacement: StoredApiToken,
      at: number,
    ): E.Either<RotationRefused, StoredApiToken> => {
      const old = find(tokenId);
      if (old === undefined) return E.left({ code: "token.not-found", tokenId });
      if (standingOf(old, at) !== "active") return E.left({ code: "token.inactive", tokenId });
      revokeRow.run(at, tokenId);
      if (insert.run(rowOf(replacement)).changes !== 1) {
        throw new Error(`the replacement token ${replacement.tokenId} exists already`);
      }
      return E.right(replacement);
    },
  ).immediate;

  return {
    add: async (token) =>
      attempt(() => (insert.run(rowOf(token)).changes === 1 ? "added" : "exists")),
    findBySha256: async (sha256) =>
      attempt(() => {
        const row = bySha256.get(sha256);
        return row === undefined ? undefined : tokenOf(row);
      }),
    find: async (tokenId) => attempt(() => find(tokenId)),
    list: async (filter = {}) =>
      attempt(() =>
        (filter.personId === undefined ? all.all() : ofPerson.all(filter.personId)).map(tokenOf),
      ),
    revoke: async (tokenId, at) =>
      attempt(() => {
        revokeRow.run(at, tokenId);
        return find(tokenId);
      }),
    rotate: async (tokenId, replacement, at) => {
      const done = attempt(() => rotate(tokenId, replacement, at));
      return E.isLeft(done) ? done : done.right;
    },
    close: async () => {
      db.close();
    },
  };
};

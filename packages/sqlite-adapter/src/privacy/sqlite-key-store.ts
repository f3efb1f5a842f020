import type { KeyLookup, KeyStore, StoreUnavailable } from "@leadledger/core";
import type { Either } from "fp-ts/lib/Either.js";
import * as E from "fp-ts/lib/Either.js";
import type { Durability } from "../connection/durability.js";
import { openDatabase } from "../connection/open-database.js";
import { unavailableFrom } from "../connection/store-failure.js";

/** Where and how to open the SQLite key store. */
export interface SqliteKeyStoreOptions {
  /**
   * The key database file; created if absent. Keep it apart from the events file (the
   * default layout does): it is backed up on a shorter retention so that erasure reaches
   * backups, see docs/operations.md.
   */
  readonly path: string;
  /** Defaults to `"full"`. */
  readonly synchronous?: Durability;
  /** Defaults to 5 000 ms. */
  readonly busyTimeoutMs?: number;
}

/** The SQLite key store, with the file it works on. */
export interface SqliteKeyStore extends KeyStore {
  readonly path: string;
}

/** The key-store schema version this code writes, kept in `PRAGMA user_version`. */
export const KEYS_SCHEMA_VERSION = 1;

// A destroyed key is a row whose key is NULL: the row stays so that the key is never
// created again for the same lead.
const CREATE_KEYS = `
CREATE TABLE IF NOT EXISTS lead_keys (
  lead_id TEXT PRIMARY KEY,
  key     BLOB
) WITHOUT ROWID`;

type KeyRow = { key: Buffer | null };

interface EnsureRequest {
  readonly leadId: string;
  readonly candidate: Buffer;
  readonly resolve: (result: Either<StoreUnavailable, KeyLookup>) => void;
  readonly reject: (error: unknown) => void;
}

const MAX_KEYS_PER_COMMIT = 512;

const lookupOf = (row: KeyRow | undefined): KeyLookup => {
  if (row === undefined) return { status: "missing" };
  if (row.key === null) return { status: "destroyed" };
  return { status: "active", key: new Uint8Array(row.key) };
};

/**
 * Opens (creating if needed) a key store on its own SQLite file. `secure_delete` is on, so
 * SQLite zeroes the bytes of a destroyed key in the page it rewrites; destroying a key then
 * checkpoints and truncates the WAL, so that no older copy of the page stays in the WAL or
 * in the main file's free pages.
 */
export const openSqliteKeyStore = (options: SqliteKeyStoreOptions): SqliteKeyStore => {
  const db = openDatabase({
    path: options.path,
    secureDelete: true,
    ...(options.synchronous === undefined ? {} : { durability: options.synchronous }),
    ...(options.busyTimeoutMs === undefined ? {} : { busyTimeoutMs: options.busyTimeoutMs }),
  });
  try {
    db.transaction(() => {
      const version = db.pragma("user_version", { simple: true }) as number;
      if (version > KEYS_SCHEMA_VERSION) {
        throw new Error(
          `${options.path} has key schema version ${version}; this code knows up to ${KEYS_SCHEMA_VERSION}`,
        );
      }
      db.exec(CREATE_KEYS);
      if (version < KEYS_SCHEMA_VERSION) db.pragma(`user_version = ${KEYS_SCHEMA_VERSION}`);
    }).immediate();
  } catch (error) {
    db.close();
    throw error;
  }

  const select = db.prepare<[string], KeyRow>("SELECT key FROM lead_keys WHERE lead_id = ?");
  const insertIfAbsent = db.prepare<[string, Buffer]>(
    "INSERT INTO lead_keys (lead_id, key) VALUES (?, ?) ON CONFLICT (lead_id) DO NOTHING",
  );
  // Overwrite with zeros of the same length first, then drop: with secure_delete the cell
  // is zeroed either way, the explicit overwrite keeps that true if the pragma were lost.
  const zero = db.prepare<[string]>(
    "UPDATE lead_keys SET key = zeroblob(length(key)) WHERE lead_id = ? AND key IS NOT NULL",
  );
  const forget = db.prepare<[string]>(
    "INSERT INTO lead_keys (lead_id, key) VALUES (?, NULL) ON CONFLICT (lead_id) DO UPDATE SET key = NULL",
  );
  const ensureAll = db.transaction((wanted: readonly EnsureRequest[]) =>
    wanted.map(({ leadId, candidate }) => {
      insertIfAbsent.run(leadId, candidate);
      return lookupOf(select.get(leadId));
    }),
  );
  const destroy = db.transaction((leadId: string) => {
    zero.run(leadId);
    forget.run(leadId);
  });

  let closed = false;
  const using = <A>(action: () => A): Either<StoreUnavailable, A> => {
    if (closed) throw new Error(`The SQLite key store on ${options.path} is closed`);
    try {
      return E.right(action());
    } catch (error) {
      const unavailable = unavailableFrom(error);
      if (unavailable === undefined) throw error;
      return E.left(unavailable);
    }
  };

  // Group commit: better-sqlite3 is synchronous, so one transaction (and one fsync) per
  // key would stall the event loop once per capture. Keys asked for in the same turn are
  // stored in one transaction; each caller still gets its own lead's answer.
  let waiting: EnsureRequest[] = [];
  let drainScheduled = false;
  const drain = (): void => {
    drainScheduled = false;
    const group = waiting.slice(0, MAX_KEYS_PER_COMMIT);
    waiting = waiting.slice(MAX_KEYS_PER_COMMIT);
    if (waiting.length > 0) {
      drainScheduled = true;
      setImmediate(drain);
    }
    if (group.length === 0) return;
    if (closed) {
      for (const request of group) {
        request.reject(new Error(`The SQLite key store on ${options.path} is closed`));
      }
      return;
    }
    try {
      const lookups = ensureAll.immediate(group);
      group.forEach((request, index) => {
        const lookup = lookups[index];
        if (lookup === undefined) request.reject(new Error("a key lookup went missing"));
        else request.resolve(E.right(lookup));
      });
    } catch (error) {
      const unavailable = unavailableFrom(error);
      for (const request of group) {
        if (unavailable === undefined) request.reject(error);
        else request.resolve(E.left(unavailable));
      }
    }
  };

  const checkpoint = (): Either<StoreUnavailable, void> => {
    // TRUNCATE copies every WAL frame into the main file (overwriting the old page there)
    // and empties the WAL. It cannot finish while another connection still reads an older
    // snapshot; the caller is told, and destroying again finishes the job.
    const [result] = db.pragma("wal_checkpoint(TRUNCATE)") as {
      busy: number;
      log: number;
      checkpointed: number;
    }[];
    if (result !== undefined && (result.busy !== 0 || result.log !== result.checkpointed)) {
      return E.left({
        code: "store.unavailable",
        message:
          "the key was destroyed but the WAL could not be checkpointed yet; destroy again to finish",
      });
    }
    return E.right(undefined);
  };

  return {
    path: options.path,
    ensureKey: (leadId, candidate) =>
      new Promise((resolve, reject) => {
        if (closed) throw new Error(`The SQLite key store on ${options.path} is closed`);
        waiting.push({ leadId, candidate: Buffer.from(candidate), resolve, reject });
        if (!drainScheduled) {
          drainScheduled = true;
          // After the I/O callbacks of this turn, so that concurrent captures share a commit.
          setImmediate(drain);
        }
      }),
    getKey: async (leadId) => using(() => lookupOf(select.get(leadId))),
    destroyKey: async (leadId) =>
      E.flatten(
        using(() => {
          destroy.immediate(leadId);
          // Checkpointed even when the key was already destroyed, so that a destroy that
          // could not checkpoint the first time is completed by the retry.
          return checkpoint();
        }),
      ),
    close: async () => {
      if (closed) return;
      closed = true;
      db.close();
    },
  };
};

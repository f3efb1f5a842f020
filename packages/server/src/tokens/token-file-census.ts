import { ActorRecord } from "@leadledger/core";
import Database from "better-sqlite3";
import * as E from "fp-ts/lib/Either.js";
import { type ApiTokenStanding, standingOf } from "./api-token-store.js";

/**
 * How many tokens a token file holds in each standing, for `leadledger doctor`: counts and
 * public token ids only, never a secret or a hash.
 */
export interface TokenFileCensus {
  readonly tokens: number;
  readonly standing: Readonly<Record<ApiTokenStanding, number>>;
  /** Tokens whose row names no valid actor, which the store never writes: changed by hand. */
  readonly undecodable: readonly string[];
}

interface CensusRow {
  readonly token_id: string;
  readonly person_id: string;
  readonly role: string;
  readonly department: string;
  readonly expires_at: number;
  readonly revoked_at: number | null;
}

/**
 * Counts the tokens of a `tokens.sqlite` by their standing at `now` (epoch milliseconds),
 * read-only in one snapshot (a live file too; nothing is written). Throws when the file
 * cannot be read or holds no token table: the caller reports why.
 */
export const censusOfTokenFile = (path: string, now: number): TokenFileCensus => {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const rows = db
      .prepare<[], CensusRow>(
        "SELECT token_id, person_id, role, department, expires_at, revoked_at FROM api_tokens",
      )
      .all();
    const standing: Record<ApiTokenStanding, number> = { active: 0, expired: 0, revoked: 0 };
    const undecodable: string[] = [];
    for (const row of rows) {
      const actor = ActorRecord.decode({
        id: row.person_id,
        role: row.role,
        department: row.department,
      });
      if (E.isLeft(actor)) {
        undecodable.push(row.token_id);
        continue;
      }
      standing[standingOf({ expiresAt: row.expires_at, revokedAt: row.revoked_at }, now)] += 1;
    }
    return { tokens: rows.length, standing, undecodable };
  } finally {
    db.close();
  }
};

import type { Actor, StoreUnavailable } from "@leadledger/core";
import type { Either } from "fp-ts/lib/Either.js";

/**
 * One API token as the token store keeps it: whom it acts for, and the SHA-256 of the
 * token, never the token itself. `tokenId` is public: it names the token in lists, in
 * revocations and rotations, and proves nothing.
 */
export interface StoredApiToken {
  /** The token's public name, `tok_…`: what the operator lists, revokes and rotates by. */
  readonly tokenId: string;
  /** The person it acts for: the actor's id. */
  readonly personId: string;
  /**
   * The actor as of the token's issue. A server that knows the organisation asks it for
   * the person's current role and department on every request instead (docs/http.md).
   */
  readonly actor: Actor;
  /** What it is for, in the operator's words ("CRM sync", "张伟's laptop"). */
  readonly label: string;
  /** SHA-256 of the token, lowercase hex. */
  readonly sha256: string;
  /** Epoch milliseconds. */
  readonly createdAt: number;
  /** Epoch milliseconds from which it is refused; every token has one. */
  readonly expiresAt: number;
  /** Epoch milliseconds from which it is refused because it was revoked; `null` while not. */
  readonly revokedAt: number | null;
  /** The token a rotation replaced with this one. */
  readonly replaces: string | null;
}

/** Whether a token is honoured at a moment. */
export type ApiTokenStanding = "active" | "expired" | "revoked";

/** The standing of `token` at `now` (epoch milliseconds): revoked wins over expired. */
export const standingOf = (
  token: Pick<StoredApiToken, "expiresAt" | "revokedAt">,
  now: number,
): ApiTokenStanding => {
  if (token.revokedAt !== null && token.revokedAt <= now) return "revoked";
  return now >= token.expiresAt ? "expired" : "active";
};

/** Why a rotation did not happen. */
export type RotationRefused =
  | { readonly code: "token.not-found"; readonly tokenId: string }
  /** A revoked or expired token is not rotated: issue a new one. */
  | { readonly code: "token.inactive"; readonly tokenId: string };

/**
 * Where API tokens are kept, shared by every server process and the `leadledger tokens`
 * command on one data directory: each request looks its token up here, so a revocation
 * through any of them is honoured by all at once. Failures of the store itself are
 * `store.unavailable` values.
 */
export interface ApiTokenStore {
  /** Adds a token; `exists` when its id or its hash is stored already (nothing changes). */
  add(token: StoredApiToken): Promise<Either<StoreUnavailable, "added" | "exists">>;
  /** The token whose SHA-256 this is. */
  findBySha256(sha256: string): Promise<Either<StoreUnavailable, StoredApiToken | undefined>>;
  /** The token of this id. */
  find(tokenId: string): Promise<Either<StoreUnavailable, StoredApiToken | undefined>>;
  /** Every token, or one person's, oldest first. */
  list(filter?: {
    readonly personId?: string;
  }): Promise<Either<StoreUnavailable, readonly StoredApiToken[]>>;
  /**
   * Revokes a token at `at`; one revoked already keeps its first revocation. The token as
   * it now stands, or `undefined` when there is none of that id.
   */
  revoke(
    tokenId: string,
    at: number,
  ): Promise<Either<StoreUnavailable, StoredApiToken | undefined>>;
  /**
   * Revokes `tokenId` at `at` and adds `replacement` (whose `replaces` names it) in one
   * transaction: either both happen or neither. Refused for a token that is not active at `at`.
   */
  rotate(
    tokenId: string,
    replacement: StoredApiToken,
    at: number,
  ): Promise<Either<StoreUnavailable | RotationRefused, StoredApiToken>>;
  close(): Promise<void>;
}

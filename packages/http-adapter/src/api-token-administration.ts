import type { Role, StoreUnavailable } from "@leadledger/core";
import type { Either } from "fp-ts/lib/Either.js";

/** An API token as an administrator sees it: never the token, never its hash. */
export interface ApiTokenDescription {
  /** The token's public name, by which it is revoked and rotated. */
  readonly tokenId: string;
  /** The person it acts for. */
  readonly personId: string;
  /** The role it was issued with. */
  readonly role: Role;
  /** The department it was issued with. */
  readonly department: string;
  /** What it is for, in the issuer's words. */
  readonly label: string;
  /** When it was issued, epoch milliseconds. */
  readonly createdAt: number;
  /** From when it is refused as expired, epoch milliseconds. */
  readonly expiresAt: number;
  /** From when it is refused as revoked, epoch milliseconds; `null` while it is not. */
  readonly revokedAt: number | null;
  /** The token a rotation replaced with this one. */
  readonly replaces: string | null;
  /** Whether it is honoured now. */
  readonly status: "active" | "expired" | "revoked";
}

/** A token just issued: its description and, this once, the token itself. */
export interface IssuedApiToken extends ApiTokenDescription {
  /** The bearer token. Shown once: only its hash is stored. */
  readonly token: string;
}

/** Why an administration request was refused. */
export type ApiTokenAdministrationError =
  | { readonly code: "token.not-found"; readonly tokenId: string }
  /** A revoked or expired token is not rotated. */
  | { readonly code: "token.inactive"; readonly tokenId: string }
  /** The person is unknown, or has left. */
  | { readonly code: "token.person-unknown"; readonly personId: string }
  | StoreUnavailable;

/** A token to issue. */
export interface ApiTokenRequest {
  /** The person it acts for. */
  readonly personId: string;
  /** What it is for; stored in the clear. */
  readonly label: string;
  /** Days until it expires; the implementation's default when absent. */
  readonly expiresInDays?: number;
}

/**
 * The port through which executives manage API tokens over HTTP (`/tokens` routes). The
 * standalone server implements it over its token store; an embedder with its own identity
 * system leaves it out, and the routes are not served.
 */
export interface ApiTokenAdministration {
  /** Days a token lives when its issuer names none. */
  readonly defaultLifeDays: number;
  /** The longest life a token may be issued with, in days. */
  readonly maxLifeDays: number;
  /** Issues a token for an active person. */
  issue(request: ApiTokenRequest): Promise<Either<ApiTokenAdministrationError, IssuedApiToken>>;
  /** Every token, or one person's, without secrets. */
  list(filter: {
    readonly personId?: string;
  }): Promise<Either<StoreUnavailable, readonly ApiTokenDescription[]>>;
  /** Revokes a token at once; revoking a revoked token changes nothing. */
  revoke(tokenId: string): Promise<Either<ApiTokenAdministrationError, ApiTokenDescription>>;
  /** Issues a token to replace an active one and revokes the old one, in one step. */
  rotate(
    tokenId: string,
    options: { readonly expiresInDays?: number },
  ): Promise<Either<ApiTokenAdministrationError, IssuedApiToken>>;
}

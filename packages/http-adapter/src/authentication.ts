import type { Actor } from "@leadledger/core";
import type { FastifyRequest } from "fastify";
import type * as E from "fp-ts/lib/Either.js";

/**
 * Why a request has no actor: answered with 401, except `auth.unavailable` (503, the
 * identity store could not be asked; try again).
 */
export type AuthenticationFailure =
  | { readonly code: "auth.missing-token" }
  | { readonly code: "auth.unknown-token" }
  /** The token was revoked: said only to whoever holds it. */
  | { readonly code: "auth.token-revoked" }
  /** The token's expiry has passed: said only to whoever holds it. */
  | { readonly code: "auth.token-expired" }
  /** The token's person has left the organisation. */
  | { readonly code: "auth.person-left" }
  | { readonly code: "auth.unavailable" };

/**
 * Turns a request into the actor it acts for. The embedder's own identity system plugs in
 * here (a session, a JWT, mTLS); the standalone server (`@leadledger/server`) checks bearer
 * tokens against their stored hashes.
 */
export type Authenticate = (
  request: FastifyRequest,
) => Promise<E.Either<AuthenticationFailure, Actor>> | E.Either<AuthenticationFailure, Actor>;

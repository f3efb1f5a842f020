import type { Actor } from "@leadledger/core";
import type { FastifyRequest } from "fastify";
import type * as E from "fp-ts/lib/Either.js";

/** Why a request has no actor: both are answered with 401. */
export type AuthenticationFailure =
  | { readonly code: "auth.missing-token" }
  | { readonly code: "auth.unknown-token" };

/**
 * Turns a request into the actor it acts for. The embedder's own identity system plugs in
 * here (a session, a JWT, mTLS); the standalone server (`@leadledger/server`) checks bearer
 * tokens against their stored hashes.
 */
export type Authenticate = (
  request: FastifyRequest,
) => Promise<E.Either<AuthenticationFailure, Actor>> | E.Either<AuthenticationFailure, Actor>;

import { createHash, randomBytes } from "node:crypto";
import { type Actor, ActorRecord } from "@leadledger/core";
import type { FastifyRequest } from "fastify";
import * as E from "fp-ts/lib/Either.js";
import * as t from "io-ts";

/** Why a request has no actor: both are answered with 401. */
export type AuthenticationFailure =
  | { readonly code: "auth.missing-token" }
  | { readonly code: "auth.unknown-token" };

/**
 * Turns a request into the actor it acts for. The embedder's own identity system plugs in
 * here (a session, a JWT, mTLS); the standalone server uses {@link bearerTokenAuthentication}.
 */
export type Authenticate = (
  request: FastifyRequest,
) => Promise<E.Either<AuthenticationFailure, Actor>> | E.Either<AuthenticationFailure, Actor>;

/** One API token as it is stored: who it acts as, and the SHA-256 of the token, never the token. */
export const ApiTokenRecord = t.strict(
  {
    name: t.string,
    actor: ActorRecord,
    sha256: t.refinement(t.string, (s) => /^[0-9a-f]{64}$/.test(s), "Sha256Hex"),
  },
  "ApiTokenRecord",
);
export type ApiTokenRecord = t.TypeOf<typeof ApiTokenRecord>;

// Tokens are 256 random bits, so a plain SHA-256 resists guessing as well as the token
// does; a slow hash (scrypt) only pays off for low-entropy secrets such as passwords,
// and would cost every request its latency.
/** The stored form of a token. */
export const hashApiToken = (token: string): string =>
  createHash("sha256").update(token, "utf8").digest("hex");

/** A fresh API token: `llk_` and 256 random bits, base64url. Show it once, store its hash. */
export const newApiToken = (): string => `llk_${randomBytes(32).toString("base64url")}`;

const BEARER = /^Bearer[ ]+([\x21-\x7e]{1,512})[ ]*$/i;

/** The bearer token of a request, if it sends one. */
export const bearerTokenOf = (request: FastifyRequest): string | undefined => {
  const header = request.headers.authorization;
  if (typeof header !== "string") return undefined;
  return BEARER.exec(header)?.[1];
};

/**
 * Authenticates `Authorization: Bearer <token>` against stored token hashes. Looking a
 * hash up leaks nothing an attacker can use: it is the hash of what they sent.
 */
export const bearerTokenAuthentication = (records: readonly ApiTokenRecord[]): Authenticate => {
  const actors = new Map<string, Actor>(records.map((record) => [record.sha256, record.actor]));
  return (request) => {
    const token = bearerTokenOf(request);
    if (token === undefined) return E.left({ code: "auth.missing-token" });
    const actor = actors.get(hashApiToken(token));
    return actor === undefined ? E.left({ code: "auth.unknown-token" }) : E.right(actor);
  };
};

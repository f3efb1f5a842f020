import { createHash, randomBytes } from "node:crypto";
import { ActorRecord } from "@leadledger/core";
import type { FastifyRequest } from "fastify";
import * as t from "io-ts";

/**
 * One API token as `config.json` held it before the token store (tokens/): who it acts as,
 * and the SHA-256 of the token, never the token. Read only to move such tokens into the store.
 */
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

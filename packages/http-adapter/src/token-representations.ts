import * as t from "io-ts";
import type { ApiTokenDescription, IssuedApiToken } from "./api-token-administration.js";
import { withJsonSchema } from "./json-schema.js";
import { InstantText } from "./representation-codecs.js";

// What the token routes answer, as io-ts codecs (their OpenAPI schemas, closed) and the
// functions typed by them. No answer ever holds a token's hash; only issue and rotation
// hold the token itself, once.

const iso = (millis: number): string => new Date(millis).toISOString();
const orNull = <C extends t.Mixed>(codec: C) => t.union([codec, t.null]);

/** A string answer of its own (never `t.string` itself, which every codec shares). */
const text = (name: string, schema: Record<string, unknown>): t.Type<string> =>
  withJsonSchema(new t.Type<string>(name, t.string.is, t.string.validate, t.identity), {
    type: "string",
    ...schema,
  });

const TokenIdText = text("TokenId", {
  pattern: "^tok_[A-Za-z0-9_-]{1,64}$",
  examples: ["tok_3vQ9mZk1aB7x"],
});

const DESCRIPTION = {
  tokenId: TokenIdText,
  personId: t.string,
  role: t.keyof({ rep: null, head: null, executive: null }),
  department: t.string,
  label: t.string,
  createdAt: InstantText,
  expiresAt: InstantText,
  revokedAt: orNull(InstantText),
  replaces: orNull(TokenIdText),
  status: t.keyof({ active: null, expired: null, revoked: null }),
};

/** A token as listed: never its secret, never its hash. */
export const ApiTokenAnswer = t.type(DESCRIPTION, "ApiToken");
export type ApiTokenAnswer = t.TypeOf<typeof ApiTokenAnswer>;

/** A token just issued or rotated: the one answer that holds the token. */
export const IssuedApiTokenAnswer = t.type(
  {
    ...DESCRIPTION,
    token: text("BearerToken", {
      description: "The bearer token, shown this once: only its SHA-256 is stored",
    }),
  },
  "IssuedApiToken",
);
export type IssuedApiTokenAnswer = t.TypeOf<typeof IssuedApiTokenAnswer>;

/** `GET /tokens`. */
export const ApiTokenListAnswer = t.type(
  { items: t.array(ApiTokenAnswer), total: t.number },
  "ApiTokenList",
);
export type ApiTokenListAnswer = t.TypeOf<typeof ApiTokenListAnswer>;

/** A token's description, field by field: nothing the port might add leaks into the answer. */
export const apiTokenRepresentation = (token: ApiTokenDescription): ApiTokenAnswer => ({
  tokenId: token.tokenId,
  personId: token.personId,
  role: token.role,
  department: token.department,
  label: token.label,
  createdAt: iso(token.createdAt),
  expiresAt: iso(token.expiresAt),
  revokedAt: token.revokedAt === null ? null : iso(token.revokedAt),
  replaces: token.replaces,
  status: token.status,
});

/** An issued token with the token itself. */
export const issuedApiTokenRepresentation = (token: IssuedApiToken): IssuedApiTokenAnswer => ({
  ...apiTokenRepresentation(token),
  token: token.token,
});

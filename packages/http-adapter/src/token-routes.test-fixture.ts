import * as E from "fp-ts/lib/Either.js";
import type {
  ApiTokenAdministration,
  ApiTokenDescription,
  IssuedApiToken,
} from "./api-token-administration.js";
import { ACTORS, NOW } from "./test-app.test-fixture.js";

/**
 * An in-memory token administration for the plugin's tests: it knows the test organisation's
 * people, issues `secret-<n>` tokens and keeps descriptions only. The standalone server's
 * own implementation over its token store is tested in @leadledger/server.
 */
export const inMemoryTokenAdministration = (): ApiTokenAdministration => {
  const tokens = new Map<string, ApiTokenDescription>();
  let issued = 0;
  const issue = (personId: string, label: string, days: number, replaces: string | null) => {
    const person = Object.values(ACTORS).find((actor) => actor.id === personId);
    if (person === undefined) return undefined;
    issued++;
    const token: IssuedApiToken = {
      tokenId: `tok_${issued}`,
      personId,
      role: person.role,
      department: person.department,
      label,
      createdAt: NOW,
      expiresAt: NOW + days * 86_400_000,
      revokedAt: null,
      replaces,
      status: "active",
      token: `secret-${issued}`,
    };
    const { token: _secret, ...description } = token;
    tokens.set(token.tokenId, description);
    return token;
  };
  return {
    defaultLifeDays: 90,
    maxLifeDays: 365,
    async issue(request) {
      const token = issue(request.personId, request.label, request.expiresInDays ?? 90, null);
      return token === undefined
        ? E.left({ code: "token.person-unknown", personId: request.personId })
        : E.right(token);
    },
    async list(filter) {
      return E.right(
        [...tokens.values()].filter(
          (token) => filter.personId === undefined || token.personId === filter.personId,
        ),
      );
    },
    async revoke(tokenId) {
      const token = tokens.get(tokenId);
      if (token === undefined) return E.left({ code: "token.not-found", tokenId });
      const revoked: ApiTokenDescription =
        token.status === "revoked" ? token : { ...token, status: "revoked", revokedAt: NOW };
      tokens.set(tokenId, revoked);
      return E.right(revoked);
    },
    async rotate(tokenId, options) {
      const token = tokens.get(tokenId);
      if (token === undefined) return E.left({ code: "token.not-found", tokenId });
      if (token.status !== "active") return E.left({ code: "token.inactive", tokenId });
      tokens.set(tokenId, { ...token, status: "revoked", revokedAt: NOW });
      const next = issue(token.personId, token.label, options.expiresInDays ?? 90, tokenId);
      if (next === undefined) throw new Error("the person vanished");
      return E.right(next);
    },
  };
};

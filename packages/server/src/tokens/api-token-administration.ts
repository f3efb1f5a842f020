import { randomBytes } from "node:crypto";
import type { Actor } from "@leadledger/core";
import type {
  ApiTokenAdministration,
  ApiTokenAdministrationError,
  ApiTokenDescription,
  IssuedApiToken,
} from "@leadledger/http-adapter";
import * as E from "fp-ts/lib/Either.js";
import { hashApiToken, newApiToken } from "../api-tokens.js";
import { type ApiTokenStore, type StoredApiToken, standingOf } from "./api-token-store.js";
import type { CurrentActorOf } from "./stored-token-authentication.js";
import { DEFAULT_TOKEN_DAYS, expiryOf, MAX_TOKEN_DAYS } from "./token-expiry.js";

/** A token's public id: `tok_` and 72 random bits, base64url. It names the token, it proves nothing. */
export const newTokenId = (): string => `tok_${randomBytes(9).toString("base64url")}`;

/** What {@link apiTokenAdministration} works with. */
export interface ApiTokenAdministrationDeps {
  readonly store: ApiTokenStore;
  /** Epoch milliseconds; `Date.now` by default. */
  readonly clock?: () => number;
  /**
   * Who a person is now. With it a token is issued only for a person the organisation knows
   * and who has not left, with their current role and department; without it, for a person
   * who holds a token already, as the actor of their latest one.
   */
  readonly currentActorOf?: CurrentActorOf;
}

/** How a stored token is described: never its hash. */
export const describeToken = (token: StoredApiToken, now: number): ApiTokenDescription => ({
  tokenId: token.tokenId,
  personId: token.personId,
  role: token.actor.role,
  department: token.actor.department,
  label: token.label,
  createdAt: token.createdAt,
  expiresAt: token.expiresAt,
  revokedAt: token.revokedAt,
  replaces: token.replaces,
  status: standingOf(token, now),
});

/**
 * Issuing, listing, revoking and rotating API tokens over a token store: what the
 * `/tokens` routes and the `leadledger tokens` command both do. A token lives
 * {@link DEFAULT_TOKEN_DAYS} days unless told otherwise, at most {@link MAX_TOKEN_DAYS}.
 */
export const apiTokenAdministration = (
  deps: ApiTokenAdministrationDeps,
): ApiTokenAdministration => {
  const { store } = deps;
  const clock = deps.clock ?? Date.now;

  const actorOf = async (
    personId: string,
  ): Promise<E.Either<ApiTokenAdministrationError, Actor>> => {
    const unknown = E.left({ code: "token.person-unknown", personId } as const);
    if (deps.currentActorOf !== undefined) {
      const current = await deps.currentActorOf(personId);
      if (E.isLeft(current)) return current;
      return current.right === undefined || current.right === "left"
        ? unknown
        : E.right(current.right);
    }
    const held = await store.list({ personId });
    if (E.isLeft(held)) return held;
    const latest = held.right[held.right.length - 1];
    return latest === undefined ? unknown : E.right(latest.actor);
  };

  const fresh = (
    actor: Actor,
    label: string,
    days: number | undefined,
    replaces: string | null,
    now: number,
  ): { readonly stored: StoredApiToken; readonly token: string } => {
    const token = newApiToken();
    return {
      token,
      stored: {
        tokenId: newTokenId(),
        personId: actor.id,
        actor,
        label,
        sha256: hashApiToken(token),
        createdAt: now,
        expiresAt: expiryOf(now, days),
        revokedAt: null,
        replaces,
      },
    };
  };

  const shown = (stored: StoredApiToken, token: string, now: number): IssuedApiToken => ({
    ...describeToken(stored, now),
    token,
  });

  return {
    defaultLifeDays: DEFAULT_TOKEN_DAYS,
    maxLifeDays: MAX_TOKEN_DAYS,
    async issue(request) {
      const actor = await actorOf(request.personId);
      if (E.isLeft(actor)) return actor;
      const now = clock();
      const { stored, token } = fresh(actor.right, request.label, request.expiresInDays, null, now);
      const added = await store.add(stored);
      if (E.isLeft(added)) return added;
      // 72 random bits of id and 256 of token: a collision is a broken random source.
      if (added.right !== "added") throw new Error("a fresh token collided with a stored one");
      return E.right(shown(stored, token, now));
    },
    async list(filter) {
      const listed = await store.list(filter);
      if (E.isLeft(listed)) return listed;
      const now = clock();
      return E.right(listed.right.map((token) => describeToken(token, now)));
    },
    async revoke(tokenId) {
      const now = clock();
      const revoked = await store.revoke(tokenId, now);
      if (E.isLeft(revoked)) return revoked;
      return revoked.right === undefined
        ? E.left({ code: "token.not-found", tokenId })
        : E.right(describeToken(revoked.right, now));
    },
    async rotate(tokenId, options) {
      const found = await store.find(tokenId);
      if (E.isLeft(found)) return found;
      const old = found.right;
      if (old === undefined) return E.left({ code: "token.not-found", tokenId });
      // The new token acts as the person is now: a person who left gets none.
      const actor = await actorOf(old.personId);
      if (E.isLeft(actor)) return actor;
      const now = clock();
      const { stored, token } = fresh(actor.right, old.label, options.expiresInDays, tokenId, now);
      const rotated = await store.rotate(tokenId, stored, now);
      if (E.isLeft(rotated)) return rotated;
      return E.right(shown(rotated.right, token, now));
    },
  };
};

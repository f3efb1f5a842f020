import type { Actor, StoreUnavailable } from "@leadledger/core";
import type { Authenticate } from "@leadledger/http-adapter";
import * as E from "fp-ts/lib/Either.js";
import { bearerTokenOf, hashApiToken } from "../api-tokens.js";
import { type ApiTokenStore, standingOf } from "./api-token-store.js";

/**
 * Who a person is now, by the organisation: their current actor, `"left"` once they left,
 * or `undefined` when the organisation does not know them (their token then acts as the
 * actor it was issued for).
 */
export type CurrentActorOf = (
  personId: string,
) => Promise<E.Either<StoreUnavailable, Actor | "left" | undefined>>;

/** What {@link storedTokenAuthentication} reads. */
export interface StoredTokenAuthenticationDeps {
  readonly store: ApiTokenStore;
  /** Epoch milliseconds; `Date.now` by default. Expiry is judged by it. */
  readonly clock?: () => number;
  /**
   * The organisation's answer on who the token's person is now: with it, a person who left
   * is refused (`auth.person-left`) and one who moved acts in their new department.
   */
  readonly currentActorOf?: CurrentActorOf;
}

/**
 * Authenticates `Authorization: Bearer <token>` against the token store, looking the
 * token's SHA-256 up on every request: no copy is cached, so a token revoked through any
 * process on the data directory is refused by every other on its next request. A revoked
 * token answers `auth.token-revoked`, an expired one `auth.token-expired`: only someone
 * holding the token learns either, and a token nobody holds is `auth.unknown-token`. Looking
 * a hash up leaks nothing an attacker can use: it is the hash of what they sent.
 */
export const storedTokenAuthentication = (deps: StoredTokenAuthenticationDeps): Authenticate => {
  const clock = deps.clock ?? Date.now;
  return async (request) => {
    const token = bearerTokenOf(request);
    if (token === undefined) return E.left({ code: "auth.missing-token" });
    const found = await deps.store.findBySha256(hashApiToken(token));
    if (E.isLeft(found)) return E.left({ code: "auth.unavailable" });
    const stored = found.right;
    if (stored === undefined) return E.left({ code: "auth.unknown-token" });
    switch (standingOf(stored, clock())) {
      case "revoked":
        return E.left({ code: "auth.token-revoked" });
      case "expired":
        return E.left({ code: "auth.token-expired" });
      case "active":
        break;
    }
    if (deps.currentActorOf === undefined) return E.right(stored.actor);
    const current = await deps.currentActorOf(stored.personId);
    if (E.isLeft(current)) return E.left({ code: "auth.unavailable" });
    if (current.right === "left") return E.left({ code: "auth.person-left" });
    return E.right(current.right ?? stored.actor);
  };
};

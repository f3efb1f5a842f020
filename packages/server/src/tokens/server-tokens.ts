import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ApiTokenAdministration, Authenticate } from "@leadledger/http-adapter";
import * as E from "fp-ts/lib/Either.js";
import { ServerConfigFile, saveServerConfig } from "../server-config.js";
import { apiTokenAdministration, newTokenId } from "./api-token-administration.js";
import type { ApiTokenStore } from "./api-token-store.js";
import { openSqliteApiTokenStore } from "./sqlite-api-token-store.js";
import { type CurrentActorOf, storedTokenAuthentication } from "./stored-token-authentication.js";
import { expiryOf } from "./token-expiry.js";

/** The standalone server's token file in its data directory. */
export const tokensFileOf = (dataDir: string): string => join(dataDir, "tokens.sqlite");

/** What a server process does with API tokens. */
export interface ServerTokens {
  readonly store: ApiTokenStore;
  /** Bearer authentication against the store, request by request. */
  readonly authenticate: Authenticate;
  /** What `/tokens` and `leadledger tokens` do. */
  readonly administration: ApiTokenAdministration;
  /** How many tokens were moved out of `config.json` on this start. */
  readonly moved: number;
  close(): Promise<void>;
}

export interface ServerTokensOptions {
  readonly dataDir: string;
  /** Epoch milliseconds; `Date.now` by default. */
  readonly clock?: () => number;
  /** Who a token's person is now (docs/http.md, "Authentication"). */
  readonly currentActorOf?: CurrentActorOf;
}

/**
 * Moves the tokens a `config.json` still holds (every data directory made before the token
 * store, and the tokens a first start has just created) into the token store, with their
 * hashes, so they keep working, and an expiry of the default life from the move; then
 * empties the list in `config.json`, which is never read for tokens again. A crash between
 * the two repeats the move harmlessly: a hash stored already is left as it is (a token
 * revoked meanwhile stays revoked). The config file is read afresh: the caller's copy may
 * predate a write of its own (the demo's `demoSeeded`).
 */
export const moveConfigTokens = async (
  dataDir: string,
  store: ApiTokenStore,
  now: number,
): Promise<E.Either<string, number>> => {
  const file = join(dataDir, "config.json");
  let config: ServerConfigFile;
  try {
    const decoded = ServerConfigFile.decode(JSON.parse(readFileSync(file, "utf8")));
    if (E.isLeft(decoded)) return E.left(`${file} is not a leadledger config`);
    config = decoded.right;
  } catch (error) {
    return E.left(`cannot read ${file}: ${(error as Error).message}`);
  }
  if (config.tokens.length === 0) return E.right(0);
  let moved = 0;
  for (const token of config.tokens) {
    const added = await store.add({
      tokenId: newTokenId(),
      personId: token.actor.id,
      actor: token.actor,
      label: token.name,
      sha256: token.sha256,
      createdAt: now,
      expiresAt: expiryOf(now),
      revokedAt: null,
      replaces: null,
    });
    if (E.isLeft(added)) return E.left(`cannot move the API tokens: ${added.left.message}`);
    if (added.right === "added") moved++;
  }
  saveServerConfig(dataDir, { ...config, tokens: [] });
  return E.right(moved);
};

/**
 * Opens the data directory's token store (`tokens.sqlite`), moves any tokens left in
 * `config.json` into it, and answers the authentication and the administration over it.
 * Rejects when the move cannot be done: a server must not start without its tokens.
 */
export const openServerTokens = async (options: ServerTokensOptions): Promise<ServerTokens> => {
  const clock = options.clock ?? Date.now;
  const store = openSqliteApiTokenStore({ path: tokensFileOf(options.dataDir) });
  const moved = await moveConfigTokens(options.dataDir, store, clock());
  if (E.isLeft(moved)) {
    await store.close();
    throw new Error(moved.left);
  }
  const resolver =
    options.currentActorOf === undefined ? {} : { currentActorOf: options.currentActorOf };
  return {
    store,
    authenticate: storedTokenAuthentication({ store, clock, ...resolver }),
    administration: apiTokenAdministration({ store, clock, ...resolver }),
    moved: moved.right,
    close: () => store.close(),
  };
};

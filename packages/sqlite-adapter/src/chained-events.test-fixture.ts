import { randomUUID } from "node:crypto";
import type { EventToAppend, JsonObject } from "@leadledger/core";
import { CHAIN_HASH_KEY, chainHash } from "@leadledger/core/adapter";

/**
 * Builds events that carry their chain hash, as the ledger writes them, continuing a
 * stream whose last hash is `previousHash`. Returns the events and the new last hash.
 */
export const chainedEvents = (
  previousHash: string,
  bodies: readonly { readonly type: string; readonly data: JsonObject }[],
  metadata: JsonObject = {},
): { events: EventToAppend[]; lastHash: string } => {
  let hash = previousHash;
  const events = bodies.map(({ type, data }) => {
    const unhashed = { type, data, metadata };
    hash = chainHash(hash, unhashed);
    return { id: randomUUID(), type, data, metadata: { ...metadata, [CHAIN_HASH_KEY]: hash } };
  });
  return { events, lastHash: hash };
};

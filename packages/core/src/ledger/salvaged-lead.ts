import * as E from "fp-ts/lib/Either.js";
import { decodeLeadEventFacts } from "../lead/decode-facts.js";
import type { LeadError } from "../lead/errors.js";
import type { LeadEvent } from "../lead/events.js";
import type { EventStore } from "../store/event-store.js";
import { CHAIN_HASH_KEY } from "../store/hash-chain.js";
import type { LoadedLead } from "./loaded-lead.js";
import { recordOnLoadedLead } from "./loaded-lead.js";
import { fromStoreError } from "./store-failure.js";

/**
 * A lead whose stored facts do not all decode, loaded as far as they do: the events that
 * decode are folded as usual, the others only move the revision, position and chain hash
 * on, so that an event can be appended after them. Enough to erase a damaged lead (issue
 * 12); the ledger decides nothing else on it, and never caches it.
 */
export const salvageLoadedLead = async (
  store: EventStore,
  lead: LoadedLead,
): Promise<E.Either<LeadError, LoadedLead>> => {
  const read = await store.readStream(lead.stream, { from: lead.revision + 1n });
  if (E.isLeft(read)) return E.left(fromStoreError(lead.leadId, read.left));
  for (const recorded of read.right) {
    if (recorded.revision <= lead.revision) continue;
    const decoded = decodeLeadEventFacts(recorded);
    if (E.isRight(decoded)) {
      recordOnLoadedLead(lead, decoded.right as LeadEvent, recorded);
      continue;
    }
    lead.revision = recorded.revision;
    lead.lastPosition = recorded.position;
    const hash = recorded.metadata[CHAIN_HASH_KEY];
    if (typeof hash === "string") lead.lastHash = hash;
  }
  return E.right(lead);
};

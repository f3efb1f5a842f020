import * as E from "fp-ts/lib/Either.js";
import { decodeLeadEventFacts } from "../lead/decode-facts.js";
import type { LeadError } from "../lead/errors.js";
import type { LeadEvent } from "../lead/events.js";
import { evolve, type LeadState } from "../lead/state.js";
import { leadStreamName } from "../lead/stream-name.js";
import type { LeadId } from "../lead/values.js";
import type { EventStore, JsonObject } from "../store/event-store.js";
import { CHAIN_HASH_KEY, GENESIS_HASH } from "../store/hash-chain.js";
import { fromStoreError } from "./store-failure.js";

/** Where one command's events stand in the stream: what an idempotent retry gets back. */
export interface CommandRecord {
  readonly digest: string;
  readonly firstRevision: bigint;
  readonly lastRevision: bigint;
  readonly position: bigint;
}

/**
 * A lead as the ledger holds it between commands: its facts-only state (no keys needed to
 * decide), the stream revision and last chain hash to append after, and the commands
 * already recorded (idempotency). Kept in a bounded cache and caught up from the store
 * before every decision, so another writer's events are never missed.
 */
export interface LoadedLead {
  readonly leadId: LeadId;
  readonly stream: string;
  state: LeadState | undefined;
  /** The last revision, or -1n while the stream does not exist. */
  revision: bigint;
  lastHash: string;
  lastPosition: bigint;
  readonly commands: Map<string, CommandRecord>;
}

export const NO_REVISION = -1n;

export const emptyLoadedLead = (leadId: LeadId): LoadedLead => ({
  leadId,
  stream: leadStreamName(leadId),
  state: undefined,
  revision: NO_REVISION,
  lastHash: GENESIS_HASH,
  lastPosition: 0n,
  commands: new Map(),
});

/** Applies events the ledger has just written or read to its picture of the lead. */
export const recordOnLoadedLead = (
  lead: LoadedLead,
  event: LeadEvent,
  stored: { readonly revision: bigint; readonly position: bigint; readonly metadata: JsonObject },
): void => {
  lead.state = evolve(lead.state, event);
  lead.revision = stored.revision;
  lead.lastPosition = stored.position;
  const hash = stored.metadata[CHAIN_HASH_KEY];
  lead.lastHash = typeof hash === "string" ? hash : lead.lastHash;
  const digest = stored.metadata.commandDigest;
  const known = lead.commands.get(event.metadata.commandId);
  lead.commands.set(event.metadata.commandId, {
    digest: typeof digest === "string" ? digest : "",
    firstRevision: known?.firstRevision ?? stored.revision,
    lastRevision: stored.revision,
    position: stored.position,
  });
};

/** Reads whatever the stream gained since the ledger last saw it. */
export const catchUpLoadedLead = async (
  store: EventStore,
  lead: LoadedLead,
): Promise<E.Either<LeadError, LoadedLead>> => {
  const read = await store.readStream(lead.stream, { from: lead.revision + 1n });
  if (E.isLeft(read)) return E.left(fromStoreError(lead.leadId, read.left));
  for (const recorded of read.right) {
    const decoded = decodeLeadEventFacts(recorded);
    if (E.isLeft(decoded)) {
      return E.left({
        code: "history.undecodable",
        leadId: lead.leadId,
        detail: `${recorded.type} at revision ${recorded.revision}: ${decoded.left.paths.join(", ")}`,
      });
    }
    recordOnLoadedLead(lead, decoded.right as LeadEvent, recorded);
  }
  return E.right(lead);
};

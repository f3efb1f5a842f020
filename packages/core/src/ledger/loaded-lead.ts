import * as E from "fp-ts/lib/Either.js";
import { decodeLeadEventFacts } from "../lead/decode-facts.js";
import type { LeadError } from "../lead/errors.js";
import type { LeadEvent } from "../lead/events.js";
import { evolve, type LeadState } from "../lead/state.js";
import { leadStreamName } from "../lead/stream-name.js";
import type { LeadId } from "../lead/values.js";
import type { EventStore, JsonObject, RecordedEvent } from "../store/event-store.js";
import { CHAIN_HASH_KEY, GENESIS_HASH } from "../store/hash-chain.js";
import type { CommandIndexOptions, CommandRecord } from "./command-index.js";
import { CommandIndex, fnvFingerprint } from "./command-index.js";
import { fromStoreError } from "./store-failure.js";

export type { CommandRecord } from "./command-index.js";

/**
 * A lead as the ledger holds it between commands: its facts-only state (no keys needed to
 * decide), the stream revision and last chain hash to append after, and the commands
 * already recorded (idempotency). Kept in a cache bounded by memory (its size grows with
 * the lead's history by a few bytes a command, see {@link CommandIndex}), and caught up from
 * the store before every decision, so another writer's events are never missed.
 */
export interface LoadedLead {
  readonly leadId: LeadId;
  readonly stream: string;
  state: LeadState | undefined;
  /** The last revision, or -1n while the stream does not exist. */
  revision: bigint;
  lastHash: string;
  lastPosition: bigint;
  /** By {@link commandKey}: a command id is the actor's own, never another actor's. */
  readonly commands: CommandIndex;
}

/**
 * Where a command's record is kept: idempotency keys are scoped to the actor who used them,
 * so another actor's command with the same id is a new command (issue 12).
 */
export const commandKey = (actorId: string, commandId: string): string =>
  `${actorId}\u0000${commandId}`;

/** The key of the command that recorded an event: how the lead's command index knows it. */
export const commandKeyOf = (metadata: LeadEvent["metadata"]): string =>
  commandKey(metadata.actor.id, metadata.commandId);

export const NO_REVISION = -1n;

/** The ledger's defaults: the last 16 commands of a lead keep their exact record. */
export const DEFAULT_COMMAND_INDEX: CommandIndexOptions = {
  recent: 16,
  fingerprint: fnvFingerprint,
};

export const emptyLoadedLead = (
  leadId: LeadId,
  commands: CommandIndexOptions = DEFAULT_COMMAND_INDEX,
): LoadedLead => ({
  leadId,
  stream: leadStreamName(leadId),
  state: undefined,
  revision: NO_REVISION,
  lastHash: GENESIS_HASH,
  lastPosition: 0n,
  commands: new CommandIndex(commands),
});

// The loaded lead's own objects beside its command index: the lead, its stream name and
// last hash, and the facts-only state with the capture's needs, source and classification
// it refers to. Calibrated like the command index's sizes (see command-index.ts).
const LEAD_BYTES = 2_500;

/** An estimate of the bytes a loaded lead keeps alive: what the ledger's cache weighs it at. */
export const weighLoadedLead = (lead: LoadedLead): number => LEAD_BYTES + lead.commands.bytes;

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
  lead.commands.record(commandKeyOf(event.metadata), {
    digest: typeof digest === "string" ? digest : "",
    revision: stored.revision,
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
    // Two catch-ups of one lead may overlap (a command's, and a reservation check's of its
    // holder): each event is applied once, by whichever reaches it first.
    if (recorded.revision <= lead.revision) continue;
    const decoded = decodeFacts(lead, recorded);
    if (E.isLeft(decoded)) return decoded;
    recordOnLoadedLead(lead, decoded.right, recorded);
  }
  return E.right(lead);
};

/**
 * The record of the command `key` on the lead as far as it is loaded, or `undefined` if
 * the command was never recorded there. A command the index holds only a fingerprint of
 * (an old retry, or another command whose fingerprint collides) is looked for in the
 * stream: what it finds there is what a record of every command would have said.
 */
export const findCommand = async (
  store: EventStore,
  lead: LoadedLead,
  key: string,
): Promise<E.Either<LeadError, CommandRecord | undefined>> => {
  const known = lead.commands.lookup(key);
  if (known.found === "recorded") return E.right(known.record);
  if (known.found === "never") return E.right(undefined);
  const upTo = lead.revision;
  const read = await store.readStream(lead.stream, { maxCount: Number(upTo + 1n) });
  if (E.isLeft(read)) return E.left(fromStoreError(lead.leadId, read.left));
  let found: CommandRecord | undefined;
  for (const recorded of read.right) {
    if (recorded.revision > upTo) break;
    const decoded = decodeFacts(lead, recorded);
    if (E.isLeft(decoded)) return decoded;
    if (commandKeyOf(decoded.right.metadata) !== key) continue;
    const digest = recorded.metadata.commandDigest;
    found = {
      digest: typeof digest === "string" ? digest : "",
      firstRevision: found?.firstRevision ?? recorded.revision,
      lastRevision: recorded.revision,
      position: recorded.position,
    };
  }
  return E.right(found);
};

const decodeFacts = (lead: LoadedLead, recorded: RecordedEvent): E.Either<LeadError, LeadEvent> => {
  const decoded = decodeLeadEventFacts(recorded);
  if (E.isRight(decoded)) return E.right(decoded.right as LeadEvent);
  return E.left({
    code: "history.undecodable",
    leadId: lead.leadId,
    detail: `${recorded.type} at revision ${recorded.revision}: ${decoded.left.paths.join(", ")}`,
  });
};

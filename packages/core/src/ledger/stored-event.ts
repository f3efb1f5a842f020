import * as E from "fp-ts/lib/Either.js";
import type * as t from "io-ts";
import { decodeLeadEventFacts } from "../lead/decode-facts.js";
import type { LeadEvent } from "../lead/events.js";
import { LEAD_EVENT_SCHEMAS, REDACTED } from "../lead/events.js";
import {
  CURRENT_SCHEMA_VERSION,
  type EventUpcaster,
  LEAD_EVENT_UPCASTERS,
  personalKeptInTheClear,
  schemaVersionOf,
  upcastPersonal,
} from "../lead/upcast.js";
import { openPersonal, SealedPersonal, sealPersonal } from "../privacy/cipher.js";
import type { KeyLookup } from "../privacy/key-store.js";
import { canonicalJson } from "../store/canonical-json.js";
import type { EventToAppend, JsonObject, RecordedEvent } from "../store/event-store.js";
import { CHAIN_HASH_KEY, chainHashOfCanonical } from "../store/hash-chain.js";

/**
 * Turns decided events into what a store keeps: the personal part sealed under the lead's
 * key, the schema version, the command's digest, and the keyed hash that chains each event
 * to the one before it. `newId` gives each event its UUID.
 */
export const toStoredEvents = (
  events: readonly LeadEvent[],
  context: {
    readonly key: Uint8Array | undefined;
    readonly previousHash: string;
    readonly commandDigest: string;
    /** Keys every chain link (`chainKeyOf` the ledger secret): nobody without it can forge one. */
    readonly chainKey: Uint8Array;
    readonly newId: () => string;
  },
): EventToAppend[] => {
  let previousHash = context.previousHash;
  // The events of one command share one metadata object (decide builds it once): its
  // stored form and that form's canonical JSON are the same for all of them.
  let sharedFrom: LeadEvent["metadata"] | undefined;
  let shared: { readonly metadata: JsonObject; readonly canonical: string } | undefined;
  const stored: EventToAppend[] = new Array(events.length);
  for (let i = 0; i < events.length; i++) {
    const event = events[i] as LeadEvent;
    let data = event.data as JsonObject;
    const personal = (data as { personal?: unknown }).personal;
    if (personal !== undefined) {
      if (context.key === undefined) {
        // The ledger fetches the key before deciding whenever it may be needed.
        throw new Error(`no data key to seal the personal part of ${event.type}`);
      }
      const sealed = sealPersonal(context.key, event.metadata.leadId, event.type, personal);
      data = { ...data, personal: sealed } as JsonObject;
    }
    if (shared === undefined || sharedFrom !== event.metadata) {
      const metadata = withKey(event.metadata, "schemaVersion", CURRENT_SCHEMA_VERSION);
      metadata.commandDigest = context.commandDigest;
      sharedFrom = event.metadata;
      shared = { metadata, canonical: canonicalJson(metadata) };
    }
    // Hashed before the hash is added: the chain hash covers the metadata without it.
    const hash = chainHashOfCanonical(
      previousHash,
      event.type,
      canonicalJson(data),
      shared.canonical,
      context.chainKey,
    );
    previousHash = hash;
    stored[i] = {
      id: context.newId(),
      type: event.type,
      data,
      metadata: withKey(shared.metadata, CHAIN_HASH_KEY, hash),
    };
  }
  return stored;
};

/**
 * A copy of an object with one more key. Not `{ ...object, [key]: value }`: V8 builds a
 * spread followed by a key the source lacks on a slow path, some twenty times the cost of
 * a copy and a write, and this runs for every event written and read.
 */
const withKey = (
  object: object,
  key: string,
  value: JsonObject[string],
): Record<string, JsonObject[string]> => {
  const copy = Object.assign({}, object) as Record<string, JsonObject[string]>;
  copy[key] = value;
  return copy;
};

/**
 * Reads a stored lead event in full: facts, metadata and the personal part opened with the
 * lead's key — or {@link REDACTED} when the key was destroyed by a purge. With `open`
 * false the personal part is not decrypted and the event carries none. An event of an
 * older schema version is upcast, its plain part before decoding and its personal part
 * once opened.
 */
export const fromStoredEvent = (
  recorded: RecordedEvent,
  key: KeyLookup,
  open = true,
  upcasters: readonly EventUpcaster[] = LEAD_EVENT_UPCASTERS,
): E.Either<string, LeadEvent> => {
  const decoded = decodeLeadEventFacts(recorded, upcasters);
  if (E.isLeft(decoded)) {
    return E.left(
      `${recorded.type} at revision ${recorded.revision}: ${decoded.left.paths.join(", ")}`,
    );
  }
  const stored = recorded.data.personal;
  // Personal data an older version kept in the clear reads as part of the personal part.
  const inTheClear = open ? personalKeptInTheClear(recorded, upcasters) : undefined;
  // Left sealed when the reader has no use for it: the event then reads as facts only.
  if ((stored === undefined && inTheClear === undefined) || !open) {
    return E.right(decoded.right as LeadEvent);
  }
  const personalCodec = LEAD_EVENT_SCHEMAS[decoded.right.type].personal as t.Mixed | undefined;
  if (personalCodec === undefined) {
    return E.left(`${recorded.type} at revision ${recorded.revision}: personal part unreadable`);
  }
  // After a purge the plaintext of an old version is hidden too, though it stays stored; and
  // a ciphertext damaged before the purge reads as erased like the rest (issue 12).
  if (key.status === "destroyed") {
    return E.right(withPersonal(decoded.right, REDACTED));
  }
  if (stored !== undefined && !SealedPersonal.is(stored)) {
    return E.left(`${recorded.type} at revision ${recorded.revision}: personal part unreadable`);
  }
  if (stored === undefined) {
    // Kept in the clear: no key is needed to read it.
    const lifted = personalCodec.decode(inTheClear);
    if (E.isLeft(lifted)) {
      return E.left(`${recorded.type} at revision ${recorded.revision}: personal part unreadable`);
    }
    return E.right(withPersonal(decoded.right, lifted.right));
  }
  if (key.status === "missing") {
    return E.left(`${recorded.type} at revision ${recorded.revision}: the lead's key is missing`);
  }
  const opened = openPersonal(key.key, decoded.right.metadata.leadId, recorded.type, stored);
  const personal = personalCodec.decode(
    opened === undefined
      ? undefined
      : withLifted(
          inTheClear,
          upcastPersonal(recorded.type, schemaVersionOf(recorded), opened, upcasters),
        ),
  );
  if (opened === undefined || E.isLeft(personal)) {
    return E.left(
      `${recorded.type} at revision ${recorded.revision}: personal part does not authenticate`,
    );
  }
  return E.right(withPersonal(decoded.right, personal.right));
};

/** An opened personal part with what its version kept in the clear. */
const withLifted = (inTheClear: JsonObject | undefined, opened: unknown): unknown =>
  inTheClear === undefined || typeof opened !== "object" || opened === null
    ? opened
    : { ...inTheClear, ...opened };

const withPersonal = (event: { readonly data: object }, personal: unknown): LeadEvent =>
  ({
    ...event,
    data: withKey(event.data, "personal", personal as JsonObject[string]),
  }) as LeadEvent;

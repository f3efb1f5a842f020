import { createHmac, hash, hkdfSync } from "node:crypto";
import { canonicalJson } from "./canonical-json.js";
import type { GlobalPosition, JsonObject, RecordedEvent } from "./event-store.js";

/** The metadata key under which every event carries its chain hash. */
export const CHAIN_HASH_KEY = "hash";

/** The hash that stands before a stream's first event. */
export const GENESIS_HASH = "";

/**
 * How a keyed chain hash begins: `hmac-sha256:` and 64 hex digits. A chain hash without it
 * is the unkeyed SHA-256 of events recorded before chains were keyed; it proves only that
 * the history is as stored, since anyone who can write the store can recompute it.
 */
export const KEYED_HASH_PREFIX = "hmac-sha256:";

/**
 * The key of the chain hashes, derived from the ledger's secret with HKDF (its own purpose,
 * so it says nothing about the other keys derived from the secret). Whoever holds it can
 * forge a chain: keep the secret where the store's writers cannot read it.
 */
export const chainKeyOf = (secret: Uint8Array): Uint8Array =>
  new Uint8Array(hkdfSync("sha256", secret, "leadledger", "chain-hash", 32));

/** True when a stored chain hash is a keyed one. */
export const isKeyedChainHash = (stored: string): boolean => stored.startsWith(KEYED_HASH_PREFIX);

/**
 * The chain hash of an event over the previous event's hash, the event's type, and the
 * canonical JSON (RFC 8785) of its data and of its metadata without the hash: with a chain
 * key, HMAC-SHA-256 under it, marked {@link KEYED_HASH_PREFIX}; without one, the SHA-256 of
 * the events recorded before chains were keyed. It is computed over what is stored —
 * personal fields in their encrypted form — so a history verifies without the leads' keys,
 * and still verifies after a purge destroyed them.
 */
export const chainHash = (
  previousHash: string,
  event: { readonly type: string; readonly data: JsonObject; readonly metadata: JsonObject },
  chainKey?: Uint8Array,
): string =>
  chainHashOfCanonical(
    previousHash,
    event.type,
    canonicalJson(event.data),
    canonicalMetadata(event.metadata),
    chainKey,
  );

/**
 * {@link chainHash} from the canonical JSON of the data and of the metadata without the
 * hash, for a writer that already has them: the events of one command share their
 * metadata, and its canonical form need not be built once per event.
 */
export const chainHashOfCanonical = (
  previousHash: string,
  type: string,
  canonicalData: string,
  canonicalMetadata: string,
  chainKey?: Uint8Array,
): string => {
  // One string and one digest: the same bytes as streaming the parts, at a third of the
  // cost on the ledger's write path.
  const linked = `${previousHash}\n${type}\n${canonicalData}\n${canonicalMetadata}`;
  return chainKey === undefined
    ? hash("sha256", linked, "hex")
    : `${KEYED_HASH_PREFIX}${createHmac("sha256", chainKey).update(linked).digest("hex")}`;
};

/**
 * The canonical JSON of metadata without its chain hash. A copy with the hash set to
 * `undefined`, which canonical JSON leaves out: a rest spread takes V8's slow path, and this
 * runs for every event verified.
 */
const canonicalMetadata = (metadata: JsonObject): string => {
  if (!Object.hasOwn(metadata, CHAIN_HASH_KEY)) return canonicalJson(metadata);
  const copy = Object.assign({}, metadata) as Record<string, JsonObject[string] | undefined>;
  copy[CHAIN_HASH_KEY] = undefined;
  return canonicalJson(copy as JsonObject);
};

/** One place where a stream's history is not what was written. */
export type HistoryBreak =
  | {
      readonly kind: "revision-gap";
      readonly revision: bigint;
      readonly expectedRevision: bigint;
    }
  | { readonly kind: "missing-hash"; readonly revision: bigint }
  | {
      readonly kind: "hash-mismatch";
      readonly revision: bigint;
      readonly stored: string;
      readonly computed: string;
    }
  | {
      /**
       * An unkeyed link where only a keyed one may stand: after a keyed link of the same
       * stream, or at or after the position from which the ledger keys every link. It is
       * what rewriting an event and recomputing the chain without the key leaves behind.
       */
      readonly kind: "unkeyed-link";
      readonly revision: bigint;
    };

/**
 * The result of checking one stream. `intact` says that no break was found among the
 * links that could be checked; the counts say how much that vouches for.
 */
export interface HistoryVerification {
  readonly intact: boolean;
  readonly eventCount: number;
  readonly breaks: readonly HistoryBreak[];
  /**
   * Links hashed without a key (recorded before chains were keyed): they show the history
   * is as stored, not that nobody with write access to the store recomputed them.
   */
  readonly unkeyedLinks: number;
  /** Keyed links left unchecked because no chain key was given. */
  readonly uncheckedLinks: number;
}

/** What {@link verifyHistory} checks against. */
export interface VerifyHistoryOptions {
  /** The chain key ({@link chainKeyOf}); without it keyed links are only counted. */
  readonly chainKey?: Uint8Array;
  /**
   * The global position from which every link must be keyed: where the ledger began to key
   * its chains. Without it an unkeyed link is accepted wherever no keyed link of the same
   * stream came before it.
   */
  readonly keyedFrom?: GlobalPosition;
}

/**
 * Checks that a whole stream, read forwards from revision 0, is contiguous and that its
 * hash chain is unbroken: every keyed link under the chain key, every unkeyed one by
 * SHA-256, and no unkeyed link after a keyed one (a stream switches to keyed links once and
 * never back). Pure: it needs neither the leads' keys nor a store.
 */
export const verifyHistory = (
  events: readonly RecordedEvent[],
  options: VerifyHistoryOptions = {},
): HistoryVerification => {
  const { chainKey, keyedFrom } = options;
  const breaks: HistoryBreak[] = [];
  let previousHash = GENESIS_HASH;
  let expectedRevision = 0n;
  let keyedSeen = false;
  let unkeyedLinks = 0;
  let uncheckedLinks = 0;
  for (const event of events) {
    if (event.revision !== expectedRevision) {
      breaks.push({ kind: "revision-gap", revision: event.revision, expectedRevision });
    }
    expectedRevision = event.revision + 1n;
    const stored = event.metadata[CHAIN_HASH_KEY];
    if (typeof stored !== "string") {
      breaks.push({ kind: "missing-hash", revision: event.revision });
      // Chain on from what the link should have been, so the next link is judged on its own.
      previousHash = chainHash(previousHash, event, keyedSeen ? chainKey : undefined);
      continue;
    }
    if (isKeyedChainHash(stored)) {
      keyedSeen = true;
      if (chainKey === undefined) {
        uncheckedLinks += 1;
      } else {
        const computed = chainHash(previousHash, event, chainKey);
        if (stored !== computed) {
          breaks.push({ kind: "hash-mismatch", revision: event.revision, stored, computed });
        }
      }
    } else {
      unkeyedLinks += 1;
      if (keyedSeen || (keyedFrom !== undefined && event.position >= keyedFrom)) {
        breaks.push({ kind: "unkeyed-link", revision: event.revision });
      }
      const computed = chainHash(previousHash, event);
      if (stored !== computed) {
        breaks.push({ kind: "hash-mismatch", revision: event.revision, stored, computed });
      }
    }
    // Chain on from the stored hash: a tampered event is reported once, and one whose
    // hash was recomputed to hide the change breaks the link to the event after it.
    previousHash = stored;
  }
  return {
    intact: breaks.length === 0,
    eventCount: events.length,
    breaks,
    unkeyedLinks,
    uncheckedLinks,
  };
};

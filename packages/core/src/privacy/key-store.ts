import type { Either } from "fp-ts/lib/Either.js";
import * as E from "fp-ts/lib/Either.js";
import type { StoreUnavailable } from "../store/event-store.js";

/** What a key store knows of one lead's data key. */
export type KeyLookup =
  | { readonly status: "active"; readonly key: Uint8Array }
  | { readonly status: "destroyed" }
  | { readonly status: "missing" };

/**
 * Holds one data key per lead. Destroying a lead's key is crypto-shredding: every copy of
 * its personal data, wherever it was stored, becomes unreadable. Implementations must make
 * a destroyed key unrecoverable from their own storage and must never re-create it.
 */
export interface KeyStore {
  /**
   * Stores `candidate` as the lead's key unless the lead already has one, and returns what
   * the lead has afterwards: the winning key (the candidate or an earlier one), or
   * `destroyed` if the lead's key was destroyed — a destroyed key is never replaced.
   */
  ensureKey(leadId: string, candidate: Uint8Array): Promise<Either<StoreUnavailable, KeyLookup>>;

  /** Looks a lead's key up. */
  getKey(leadId: string): Promise<Either<StoreUnavailable, KeyLookup>>;

  /**
   * Destroys the lead's key for good. Destroying a destroyed key is a no-op; a missing key
   * is recorded as destroyed (an erasure of a lead whose key was lost), so that it is never
   * created afterwards and reads show the lead as erased.
   */
  destroyKey(leadId: string): Promise<Either<StoreUnavailable, void>>;

  /** Releases the store's resources. */
  close(): Promise<void>;
}

/** A key store in memory: for tests, examples and embedders that keep keys elsewhere. */
export const createInMemoryKeyStore = (): KeyStore => {
  const keys = new Map<string, Uint8Array | "destroyed">();
  const lookup = (leadId: string): KeyLookup => {
    const entry = keys.get(leadId);
    if (entry === undefined) return { status: "missing" };
    if (entry === "destroyed") return { status: "destroyed" };
    return { status: "active", key: entry };
  };
  return {
    ensureKey: async (leadId, candidate) => {
      if (!keys.has(leadId)) keys.set(leadId, Uint8Array.from(candidate));
      return E.right(lookup(leadId));
    },
    getKey: async (leadId) => E.right(lookup(leadId)),
    destroyKey: async (leadId) => {
      const entry = keys.get(leadId);
      // Overwrite before dropping the reference so the bytes do not linger in this buffer.
      if (entry instanceof Uint8Array) entry.fill(0);
      keys.set(leadId, "destroyed");
      return E.right(undefined);
    },
    close: async () => {},
  };
};

import * as E from "fp-ts/lib/Either.js";
import type { LeadError } from "../lead/errors.js";
import { DATA_KEY_BYTES, newDataKey } from "../privacy/cipher.js";
import type { KeyLookup, KeyStore } from "../privacy/key-store.js";

/**
 * The leads' data keys the ledger keeps beside its loaded leads: 32 bytes a lead, the most
 * recently used `maxKeys` of them, so that the usual command seals its personal part
 * without asking the key store. Only active keys are kept; a destroyed or missing key is
 * asked for again each time.
 */
export class DataKeyCache {
  readonly #keyStore: KeyStore;
  readonly #maxKeys: number;
  /** In order of use: the first entry is the least recently used. */
  readonly #keys = new Map<string, Uint8Array>();

  constructor(keyStore: KeyStore, maxKeys: number) {
    this.#keyStore = keyStore;
    this.#maxKeys = maxKeys;
  }

  /** The lead's key if it is kept here. */
  cached(leadId: string): Uint8Array | undefined {
    return this.#keys.get(leadId);
  }

  /**
   * The lead's key: kept here, or asked of the key store — which makes one when `create`
   * is set and the lead has none (a capture).
   */
  async lookup(leadId: string, create: boolean): Promise<E.Either<LeadError, KeyLookup>> {
    const cached = this.#keys.get(leadId);
    if (cached !== undefined) return E.right({ status: "active", key: cached });
    const found = create
      ? await this.#keyStore.ensureKey(leadId, newDataKey())
      : await this.#keyStore.getKey(leadId);
    if (E.isLeft(found)) return found;
    if (found.right.status === "active") {
      if (found.right.key.length !== DATA_KEY_BYTES) {
        throw new Error(`the key store returned a ${found.right.key.length}-byte key`);
      }
      this.#remember(leadId, found.right.key);
    }
    return E.right(found.right);
  }

  /** Forgets the lead's key: before it is destroyed in the key store. */
  forget(leadId: string): void {
    this.#keys.delete(leadId);
  }

  #remember(leadId: string, key: Uint8Array): void {
    this.#keys.delete(leadId);
    this.#keys.set(leadId, key);
    if (this.#keys.size > this.#maxKeys) {
      const oldest = this.#keys.keys().next();
      if (!oldest.done) this.#keys.delete(oldest.value);
    }
  }
}

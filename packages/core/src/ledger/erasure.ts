import * as E from "fp-ts/lib/Either.js";
import { decodeLeadEventFacts } from "../lead/decode-facts.js";
import type { LeadError } from "../lead/errors.js";
import { leadStreamName } from "../lead/stream-name.js";
import type { LeadId } from "../lead/values.js";
import type { KeyLookup, KeyStore } from "../privacy/key-store.js";
import type { ReservationToGiveUp } from "./contact-reservations.js";
import { releaseReservation } from "./contact-reservations.js";
import type { DuplicateReservations } from "./duplicate-reservations.js";
import { reservationsHeldBy } from "./held-reservations.js";
import type { LeadSources } from "./opened-lead.js";
import { currentPersonal } from "./opened-lead.js";
import { fromStoreError } from "./store-failure.js";

/** What erasure is done with. */
export interface ErasureDeps {
  readonly sources: LeadSources;
  readonly keyStore: KeyStore;
  readonly reservations: DuplicateReservations;
  /** The recording clock, epoch milliseconds. */
  readonly clock: () => number;
}

/**
 * Erasure (docs/privacy.md, "Purge — crypto-shredding"), in the order that survives a crash
 * at any step: the purge event is committed first, then the lead's reservations go (they
 * need its personal data to be found), then its key. A read of a purged lead whose key is
 * still there finishes what a crash interrupted.
 */
export class Erasure {
  readonly #deps: ErasureDeps;

  constructor(deps: ErasureDeps) {
    this.#deps = deps;
  }

  /**
   * The reservation streams a lead holds: found from its personal data now, or, when that
   * does not open (a damaged ciphertext, an event that does not decode, a key that is
   * missing), by a scan of the log for the reservations naming the lead, so that a damaged
   * lead can still be erased.
   */
  async heldReservations(
    leadId: LeadId,
    keyStatus: KeyLookup["status"],
  ): Promise<E.Either<LeadError, readonly ReservationToGiveUp[]>> {
    const { sources, reservations } = this.#deps;
    // Without its key nothing personal of the lead opens: no use reading it to learn that.
    if (keyStatus !== "missing") {
      const personal = await currentPersonal(sources, leadId);
      if (E.isRight(personal)) return E.right(reservations.toGiveUp(personal.right?.contact));
      if (personal.left.code !== "history.undecodable") return personal;
    }
    const found = await reservationsHeldBy(sources.store, leadId);
    return E.map((streams: readonly string[]) =>
      streams.map((stream) => ({ stream, onlyIfHeld: false })),
    )(found);
  }

  /**
   * Gives the purged lead's reservations up — suppressed for an erasure request, released
   * otherwise — and destroys its key. The purge event is already committed.
   */
  async completePurge(
    leadId: LeadId,
    held: readonly ReservationToGiveUp[],
    erasureRequest: boolean,
    commandId: string,
  ): Promise<E.Either<LeadError, void>> {
    const { sources, keyStore, reservations, clock } = this.#deps;
    const context = reservations.contextFor(commandId, clock());
    for (const { stream, onlyIfHeld } of held) {
      const released = await releaseReservation(
        context,
        stream,
        leadId,
        erasureRequest,
        onlyIfHeld,
      );
      if (E.isLeft(released)) return released;
    }
    sources.keys.forget(leadId);
    const destroyed = await keyStore.destroyKey(leadId);
    return E.isLeft(destroyed) ? destroyed : E.right(undefined);
  }

  /**
   * Finishes an erasure that a crash interrupted: the purge is committed (its last event)
   * but the key is still there, or still recorded missing rather than destroyed. Done again
   * with the purge's own command id.
   */
  async finish(leadId: LeadId): Promise<E.Either<LeadError, void>> {
    const { store, keys } = this.#deps.sources;
    const key = await keys.lookup(leadId, false);
    if (E.isLeft(key)) return key;
    // A missing key is finished too: recorded destroyed, the lead reads as redacted.
    if (key.right.status === "destroyed") return E.right(undefined);
    const last = await store.readStream(leadStreamName(leadId), {
      direction: "backwards",
      maxCount: 1,
    });
    if (E.isLeft(last)) return E.left(fromStoreError(leadId, last.left));
    const stored = last.right[0];
    const purged = stored === undefined ? undefined : decodeLeadEventFacts(stored);
    const event = purged !== undefined && E.isRight(purged) ? purged.right : undefined;
    const held = await this.heldReservations(leadId, key.right.status);
    if (E.isLeft(held)) return held;
    return this.completePurge(
      leadId,
      held.right,
      event?.type === "LeadPurged" && event.data.erasureRequest,
      event?.metadata.commandId ?? "purge-completion",
    );
  }
}

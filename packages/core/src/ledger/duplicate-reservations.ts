import * as E from "fp-ts/lib/Either.js";
import type { CountryCode } from "libphonenumber-js";
import type { Actor } from "../access/actor.js";
import { canReach } from "../access/actor.js";
import type { ContactChannels } from "../lead/capture-fields.js";
import type { DuplicateFound } from "../lead/decide.js";
import type { LeadError } from "../lead/errors.js";
import { leadError } from "../lead/errors.js";
import type { LeadId } from "../lead/values.js";
import { LeadId as LeadIdCodec } from "../lead/values.js";
import type { EventStore } from "../store/event-store.js";
import type { ContactIdentity } from "./contact-identity.js";
import { contactIdentities } from "./contact-identity.js";
import type {
  HolderStatus,
  Reservation,
  ReservationContext,
  ReservationToGiveUp,
} from "./contact-reservations.js";
import {
  releaseIdentity,
  reservationsToGiveUp,
  reserveIdentity,
  undoReservation,
} from "./contact-reservations.js";
import type { LeadCache } from "./lead-cache.js";
import type { LoadedLead } from "./loaded-lead.js";
import { catchUpLoadedLead } from "./loaded-lead.js";

/** What the ledger's duplicate reservations are made with. */
export interface DuplicateReservationsDeps {
  readonly store: EventStore;
  /** The sub-key of the ledger's secret that names reservation streams. */
  readonly secret: Uint8Array;
  readonly newId: () => string;
  /** Region for phone numbers written without a country code. */
  readonly region: CountryCode;
  /** The ledger's loaded leads: a holder's status is read through them. */
  readonly leads: LeadCache;
  readonly newLoadedLead: (leadId: LeadId) => LoadedLead;
}

/** A reservation whose lead never appeared is taken over after this long (a crashed capture). */
const ABANDONED_AFTER_MS = 60_000;

const sameIdentity = (a: ContactIdentity, b: ContactIdentity): boolean =>
  a.kind === b.kind && a.normalised === b.normalised;

/**
 * Rule 9 with the store alone (docs/privacy.md): the identities of a command — a capture's
 * phone and e-mail, the ones an amendment adds or gives up, a purged lead's — reserved,
 * released and suppressed in their reservation streams, and a duplicate told to each actor
 * as far as the actor may know of it.
 */
export class DuplicateReservations {
  readonly #deps: DuplicateReservationsDeps;

  constructor(deps: DuplicateReservationsDeps) {
    this.#deps = deps;
  }

  /** The confirmed phone and e-mail of contact channels, normalised. */
  identitiesOf(contact: Partial<ContactChannels> | undefined): ContactIdentity[] {
    return contactIdentities(contact, this.#deps.region);
  }

  /** The reservation streams a lead with these contact channels gives up when it is purged. */
  toGiveUp(contact: Partial<ContactChannels> | undefined): ReservationToGiveUp[] {
    return this.identitiesOf(contact).flatMap((identity) =>
      reservationsToGiveUp(this.#deps.secret, identity),
    );
  }

  /** What reservation events of the command `commandId`, recorded `now`, are written with. */
  contextFor(commandId: string, now: number): ReservationContext {
    const { store, secret, newId } = this.#deps;
    return {
      store,
      secret,
      commandId,
      now,
      newId,
      holderStatus: (holder) => this.#holderStatus(holder),
      abandonedAfterMs: ABANDONED_AFTER_MS,
    };
  }

  /** The reservations of one attempt at a command on a lead. */
  forAttempt(commandId: string, now: number, leadId: LeadId): AttemptReservations {
    return new AttemptReservations(this.contextFor(commandId, now), leadId, this);
  }

  /**
   * Rule 9 as the actor may hear it: that the person is already someone's active lead, and
   * whose only when the actor reaches that lead (docs/privacy.md, "What each role learns").
   */
  async asSeenBy(actor: Actor, error: LeadError): Promise<LeadError> {
    if (error.code !== "lead.duplicate" || error.existingLeadId === undefined) return error;
    const holder = error.existingLeadId;
    const unnamed = leadError("lead.duplicate", { matchedOn: error.matchedOn });
    if (!LeadIdCodec.is(holder)) return unnamed;
    const { leads, store, newLoadedLead } = this.#deps;
    // The holder's status has just caught the holder up and cached it; if it has left the
    // cache since, it is read afresh (never into the cached object: its own commands own it).
    let owner = leads.get(holder)?.state?.owner;
    if (owner === undefined) {
      const fresh = await catchUpLoadedLead(store, newLoadedLead(holder));
      owner = E.isRight(fresh) ? fresh.right.state?.owner : undefined;
    }
    return owner !== undefined && canReach(actor, owner) ? error : unnamed;
  }

  /**
   * What a capture's reservations found, for `decide`: the first identity another active
   * lead holds is the duplicate, as the actor may know it; any other refusal (a
   * suppression) stands as it is. Under the refuse policy the first duplicate ends the look.
   */
  async duplicateAmong(
    actor: Actor,
    holds: readonly E.Either<LeadError, Reservation>[],
    policy: DuplicateFound["policy"],
  ): Promise<E.Either<LeadError, DuplicateFound | undefined>> {
    let duplicate: DuplicateFound | undefined;
    for (const held of holds) {
      if (E.isRight(held)) continue;
      const refusal = await this.asSeenBy(actor, held.left);
      if (refusal.code !== "lead.duplicate") return E.left(refusal);
      duplicate ??= {
        matchedOn: refusal.matchedOn,
        // Named only when the actor reaches it, and then a lead id (asSeenBy).
        ...(refusal.existingLeadId === undefined
          ? {}
          : { existingLeadId: refusal.existingLeadId as LeadId }),
        policy,
      };
      if (policy === "refuse") break;
    }
    return E.right(duplicate);
  }

  async #holderStatus(holder: string): Promise<E.Either<LeadError, HolderStatus>> {
    if (!LeadIdCodec.is(holder)) return E.right("absent");
    const { leads, store, newLoadedLead } = this.#deps;
    const loaded = leads.get(holder) ?? newLoadedLead(holder);
    const caught = await catchUpLoadedLead(store, loaded);
    if (E.isLeft(caught)) return caught;
    leads.remember(caught.right);
    const state = caught.right.state;
    if (state === undefined) return E.right("absent");
    return E.right(state.stage === "purged" ? "purged" : "active");
  }
}

/**
 * What one attempt at a command reserves: its to give back, as it found it, if the attempt
 * fails or loses its stream to another writer. An identity the lead held already (a
 * retried command) is not the attempt's, and stays the lead's whatever happens to it.
 */
export class AttemptReservations {
  readonly context: ReservationContext;
  readonly #leadId: LeadId;
  readonly #reservations: DuplicateReservations;
  #made: Reservation[] = [];

  constructor(context: ReservationContext, leadId: LeadId, reservations: DuplicateReservations) {
    this.context = context;
    this.#leadId = leadId;
    this.#reservations = reservations;
  }

  /** Reserves a capture's identities together (their appends share the stores' group commits). */
  async reserveAll(
    identities: readonly ContactIdentity[],
    renewedConsent: boolean,
  ): Promise<readonly E.Either<LeadError, Reservation>[]> {
    const holds = await Promise.all(
      identities.map((identity) =>
        reserveIdentity(this.context, identity, this.#leadId, renewedConsent),
      ),
    );
    for (const held of holds) {
      if (E.isRight(held) && held.right.outcome === "reserved") this.#made.push(held.right);
    }
    return holds;
  }

  /**
   * Reserves the phone or e-mail an amendment adds, and answers the ones it gives up, to
   * release once the amendment is recorded. Refused as a duplicate (as the actor may know
   * it) when another lead holds one: what was reserved is given back first.
   */
  async moveForAmendment(
    actor: Actor,
    before: Partial<ContactChannels> | undefined,
    change: Partial<ContactChannels>,
  ): Promise<E.Either<LeadError, readonly ContactIdentity[]>> {
    const was = this.#reservations.identitiesOf(before);
    const will = this.#reservations.identitiesOf({ ...before, ...change });
    for (const identity of will.filter((a) => !was.some((b) => sameIdentity(a, b)))) {
      const held = await reserveIdentity(this.context, identity, this.#leadId, false);
      if (E.isLeft(held)) {
        await this.undo();
        return E.left(await this.#reservations.asSeenBy(actor, held.left));
      }
      if (held.right.outcome === "reserved") this.#made.push(held.right);
    }
    return E.right(was.filter((b) => !will.some((a) => sameIdentity(a, b))));
  }

  /** Gives back what this attempt reserved, as it found it (a suppression stays one). */
  async undo(): Promise<void> {
    const made = this.#made;
    this.#made = [];
    for (const reservation of made) await undoReservation(this.context, reservation, this.#leadId);
  }

  /** The command is recorded: what it reserved is the lead's now. */
  keep(): void {
    this.#made = [];
  }

  /** Releases identities the recorded command gave up. */
  async release(identities: readonly ContactIdentity[]): Promise<E.Either<LeadError, void>> {
    for (const identity of identities) {
      const released = await releaseIdentity(this.context, identity, this.#leadId, false);
      if (E.isLeft(released)) return released;
    }
    return E.right(undefined);
  }
}

import * as E from "fp-ts/lib/Either.js";
import type { LeadError } from "../lead/errors.js";
import { leadError } from "../lead/errors.js";
import type { EventStore, RecordedEvent } from "../store/event-store.js";
import { NO_STREAM } from "../store/event-store.js";
import type { ContactIdentity } from "./contact-identity.js";
import { legacyReservationStreamName, reservationStreamName } from "./contact-identity.js";
import { fromStoreError } from "./store-failure.js";

// Rule 9 with nothing but the store: each normalised phone or e-mail has a stream named by
// its keyed hash. The last event of that stream says who holds the identity now. Appending
// with the stream's revision as expected makes two captures of one person race fairly:
// exactly one wins, on every store.

export const CONTACT_RESERVED = "ContactReserved";
export const CONTACT_RELEASED = "ContactReleased";
/** An erasure request: the person may only be captured again with renewed consent. */
export const CONTACT_SUPPRESSED = "ContactSuppressed";

/** What the ledger knows of the lead that holds a reservation. */
export type HolderStatus = "active" | "purged" | "absent";

export interface ReservationContext {
  readonly store: EventStore;
  readonly secret: Uint8Array;
  readonly commandId: string;
  readonly now: number;
  readonly newId: () => string;
  readonly holderStatus: (leadId: string) => Promise<E.Either<LeadError, HolderStatus>>;
  /** A reservation whose lead never appeared is taken over after this long (a crashed capture). */
  readonly abandonedAfterMs: number;
}

const MAX_ATTEMPTS = 8;

const lastEvent = async (
  store: EventStore,
  stream: string,
): Promise<E.Either<LeadError, RecordedEvent | undefined>> => {
  const read = await store.readStream(stream, { direction: "backwards", maxCount: 1 });
  return E.isLeft(read) ? E.left(fromStoreError(stream, read.left)) : E.right(read.right[0]);
};

const holderOf = (event: RecordedEvent): string =>
  typeof event.data.leadId === "string" ? event.data.leadId : "";

/**
 * Appends one reservation event after `last` (or to a new stream): done, an error, or
 * "conflict" when another writer got in first and the caller should read again.
 */
const appendAfter = async (
  context: Pick<ReservationContext, "store" | "newId" | "now" | "commandId">,
  stream: string,
  last: RecordedEvent | undefined,
  type: string,
  data: { readonly leadId: string; readonly kind?: ContactIdentity["kind"] },
): Promise<E.Either<LeadError, void> | "conflict"> => {
  const appended = await context.store.appendToStream(
    stream,
    [
      {
        id: context.newId(),
        type,
        data,
        metadata: { recordedAt: new Date(context.now).toISOString(), commandId: context.commandId },
      },
    ],
    { expectedRevision: last === undefined ? NO_STREAM : last.revision },
  );
  if (E.isRight(appended)) return E.right(undefined);
  if (appended.left.code === "concurrency.conflict") return "conflict";
  return E.left(fromStoreError(data.leadId, appended.left));
};

/**
 * What a reservation did. `held`: the identity was the lead's already (a retried command),
 * nothing is the command's to undo. `reserved`: it is the lead's now, by the streams
 * `written`, each taken over a suppression (renewed consent) or not; if the command fails
 * they are given back as they were found ({@link undoReservation}).
 */
export interface Reservation {
  readonly outcome: "reserved" | "held";
  readonly written: readonly ReservationWritten[];
}

/** One reservation stream a reservation appended to. */
export interface ReservationWritten {
  readonly stream: string;
  /** The stream's last word was a suppression: an undo puts it back, never a release. */
  readonly overSuppression: boolean;
}

const HELD: Reservation = { outcome: "held", written: [] };

/**
 * Whether an identity's stream, ending in `last`, lets the lead have it: refused with
 * `lead.duplicate` (naming the holder) when an active lead holds it, with `lead.suppressed`
 * when the person asked to be erased and no renewed consent is given; `ours` when the lead
 * holds it already.
 */
const standingOf = async (
  context: ReservationContext,
  last: RecordedEvent | undefined,
  identity: ContactIdentity,
  leadId: string,
  renewedConsent: boolean,
): Promise<E.Either<LeadError, "free" | "ours">> => {
  if (last?.type === CONTACT_RESERVED) {
    const holder = holderOf(last);
    if (holder === leadId) return E.right("ours");
    const status = await context.holderStatus(holder);
    if (E.isLeft(status)) return status;
    const recordedAt = Date.parse(String(last.metadata.recordedAt));
    const abandoned =
      status.right === "absent" && !(context.now - recordedAt < context.abandonedAfterMs);
    if (status.right === "active" || (status.right === "absent" && !abandoned)) {
      return E.left(
        leadError("lead.duplicate", { existingLeadId: holder, matchedOn: identity.kind }),
      );
    }
  }
  if (last?.type === CONTACT_SUPPRESSED && !renewedConsent) {
    return E.left(leadError("lead.suppressed", { matchedOn: identity.kind }));
  }
  return E.right("free");
};

/**
 * Reserves an identity for a lead. Refused with `lead.duplicate` (naming the holder) when
 * an active lead holds it, with `lead.suppressed` when the person asked to be erased and
 * no renewed consent is given.
 *
 * An e-mail whose legacy form differs from its normal form
 * ({@link ContactIdentity.legacy}) is also looked up under the legacy name, where what was
 * recorded before the normal form changed lives: a suppression there refuses, an active
 * holder there is a duplicate. The usual identity has one form, and costs no more than
 * one stream.
 */
export const reserveIdentity = async (
  context: ReservationContext,
  identity: ContactIdentity,
  leadId: string,
  renewedConsent: boolean,
): Promise<E.Either<LeadError, Reservation>> => {
  const stream = reservationStreamName(context.secret, identity);
  const legacyStream = legacyReservationStreamName(context.secret, identity);
  if (legacyStream === undefined) {
    return reserveStream(context, stream, identity, leadId, renewedConsent);
  }
  // Read first, written last: a legacy name gains a holder only after its new name (renewed
  // consent, below), so a capture that passes here meets any rival at the new name.
  const legacyRead = await lastEvent(context.store, legacyStream);
  if (E.isLeft(legacyRead)) return legacyRead;
  const legacyLast = legacyRead.right;
  const legacy = await standingOf(context, legacyLast, identity, leadId, renewedConsent);
  if (E.isLeft(legacy)) {
    if (legacy.left.code !== "lead.suppressed") return legacy;
    // The person may be someone's active lead under the new form since: that is the answer
    // then, as it is for a stream whose last word is a reservation.
    const currentRead = await lastEvent(context.store, stream);
    if (E.isLeft(currentRead)) return currentRead;
    const current = await standingOf(context, currentRead.right, identity, leadId, false);
    return E.isLeft(current) && current.left.code === "lead.duplicate" ? current : legacy;
  }
  const reserved = await reserveStream(context, stream, identity, leadId, renewedConsent);
  if (E.isLeft(reserved) || legacyLast?.type !== CONTACT_SUPPRESSED) return reserved;
  // Renewed consent over a suppression kept under the legacy name: recorded there too, so
  // that the suppression ends with the consent, as it does under the new name (the lead's
  // release or erasure later gives both names up).
  const taken = await appendAfter(context, legacyStream, legacyLast, CONTACT_RESERVED, {
    leadId,
    kind: identity.kind,
  });
  // Written meanwhile by another ledger: its word stands there (a suppression kept is the
  // safe side), and the new name holds this lead.
  if (taken === "conflict") return reserved;
  if (E.isLeft(taken)) {
    await undoReservation(context, reserved.right, leadId);
    return taken;
  }
  return E.right({
    outcome: reserved.right.outcome,
    written: [...reserved.right.written, { stream: legacyStream, overSuppression: true }],
  });
};

/** {@link reserveIdentity} on one stream. */
const reserveStream = async (
  context: ReservationContext,
  stream: string,
  identity: ContactIdentity,
  leadId: string,
  renewedConsent: boolean,
): Promise<E.Either<LeadError, Reservation>> => {
  const data = { leadId, kind: identity.kind };
  // Most identities are new: try to open their stream first, and read only when it exists.
  const opened = await appendAfter(context, stream, undefined, CONTACT_RESERVED, data);
  if (opened !== "conflict") {
    return E.map(() => ({
      outcome: "reserved" as const,
      written: [{ stream, overSuppression: false }],
    }))(opened);
  }
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const read = await lastEvent(context.store, stream);
    if (E.isLeft(read)) return read;
    const last = read.right;
    const standing = await standingOf(context, last, identity, leadId, renewedConsent);
    if (E.isLeft(standing)) return standing;
    if (standing.right === "ours") return E.right(HELD);
    const appended = await appendAfter(context, stream, last, CONTACT_RESERVED, data);
    if (appended !== "conflict") {
      const overSuppression = last?.type === CONTACT_SUPPRESSED;
      return E.map(() => ({
        outcome: "reserved" as const,
        written: [{ stream, overSuppression }],
      }))(appended);
    }
  }
  return E.left(
    leadError("concurrency.conflict", {
      leadId,
      expected: "any",
      actual: NO_STREAM,
    }),
  );
};

/**
 * Gives back what a reservation wrote, when the command that made it fails: a stream it
 * took over a suppression is suppressed again (renewed consent that was never recorded
 * must not lift the suppression), any other is released.
 */
export const undoReservation = async (
  context: Omit<ReservationContext, "holderStatus" | "abandonedAfterMs" | "secret">,
  reservation: Reservation,
  leadId: string,
): Promise<E.Either<LeadError, void>> => {
  for (const { stream, overSuppression } of reservation.written) {
    const undone = await releaseReservation(context, stream, leadId, overSuppression, true);
    if (E.isLeft(undone)) return undone;
  }
  return E.right(undefined);
};

/**
 * A reservation stream a lead gives up when it is purged: one named by the lead's identity
 * now, or, `onlyIfHeld`, one the lead may hold or not (the legacy name of an e-mail,
 * reserved only if the lead was captured before the normal form changed).
 */
export interface ReservationToGiveUp {
  readonly stream: string;
  readonly onlyIfHeld: boolean;
}

/** The streams an identity's reservation may live in, for a purge to give up. */
export const reservationsToGiveUp = (
  secret: Uint8Array,
  identity: ContactIdentity,
): ReservationToGiveUp[] => {
  const stream = reservationStreamName(secret, identity);
  const legacy = legacyReservationStreamName(secret, identity);
  return legacy === undefined
    ? [{ stream, onlyIfHeld: false }]
    : [
        { stream, onlyIfHeld: false },
        { stream: legacy, onlyIfHeld: true },
      ];
};

/**
 * Gives an identity up: after a purge, after an amendment replaced it, or when a capture
 * that reserved it failed. With `suppress` (an erasure request) the identity is put on the
 * suppression list instead. An identity held by another lead is left alone; so is its
 * legacy name unless the lead holds it.
 */
export const releaseIdentity = async (
  context: Omit<ReservationContext, "holderStatus" | "abandonedAfterMs">,
  identity: ContactIdentity,
  leadId: string,
  suppress: boolean,
): Promise<E.Either<LeadError, void>> => {
  for (const { stream, onlyIfHeld } of reservationsToGiveUp(context.secret, identity)) {
    const released = await releaseReservation(context, stream, leadId, suppress, onlyIfHeld);
    if (E.isLeft(released)) return released;
  }
  return E.right(undefined);
};

/**
 * {@link releaseIdentity} by the reservation stream's name: what an erasure has when the
 * lead's personal data no longer opens and its reservations were found in the log instead.
 * With `onlyIfHeld` nothing is written unless the lead holds the stream now.
 */
export const releaseReservation = async (
  context: Omit<ReservationContext, "holderStatus" | "abandonedAfterMs" | "secret">,
  stream: string,
  leadId: string,
  suppress: boolean,
  onlyIfHeld = false,
): Promise<E.Either<LeadError, void>> => {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const read = await lastEvent(context.store, stream);
    if (E.isLeft(read)) return read;
    const last = read.right;
    const ours = last?.type === CONTACT_RESERVED && holderOf(last) === leadId;
    const heldByOther = last?.type === CONTACT_RESERVED && !ours;
    if (heldByOther) return E.right(undefined);
    if ((!suppress || onlyIfHeld) && !ours) return E.right(undefined);
    if (suppress && last?.type === CONTACT_SUPPRESSED) return E.right(undefined);
    const appended = await appendAfter(
      context,
      stream,
      last,
      suppress ? CONTACT_SUPPRESSED : CONTACT_RELEASED,
      { leadId },
    );
    if (appended !== "conflict") return appended;
  }
  return E.left(leadError("concurrency.conflict", { leadId, expected: "any", actual: NO_STREAM }));
};

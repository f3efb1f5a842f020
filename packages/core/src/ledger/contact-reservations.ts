import * as E from "fp-ts/lib/Either.js";
import type { LeadError } from "../lead/errors.js";
import { leadError } from "../lead/errors.js";
import type { EventStore, RecordedEvent } from "../store/event-store.js";
import { NO_STREAM } from "../store/event-store.js";
import type { ContactIdentity } from "./contact-identity.js";
import { reservationStreamName } from "./contact-identity.js";
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

const RESERVED: Reservation = "reserved";

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
 * What a reservation did: `reserved` the identity for the lead now, or found it `held` by
 * the lead already (a retried command). Only the first is the command's to undo.
 */
export type Reservation = "reserved" | "held";

/**
 * Reserves an identity for a lead. Refused with `lead.duplicate` (naming the holder) when
 * an active lead holds it, with `lead.suppressed` when the person asked to be erased and
 * no renewed consent is given.
 */
export const reserveIdentity = async (
  context: ReservationContext,
  identity: ContactIdentity,
  leadId: string,
  renewedConsent: boolean,
): Promise<E.Either<LeadError, Reservation>> => {
  const stream = reservationStreamName(context.secret, identity);
  // Most identities are new: try to open their stream first, and read only when it exists.
  const opened = await appendAfter(context, stream, undefined, CONTACT_RESERVED, {
    leadId,
    kind: identity.kind,
  });
  if (opened !== "conflict") return E.map(() => RESERVED)(opened);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const read = await lastEvent(context.store, stream);
    if (E.isLeft(read)) return read;
    const last = read.right;
    if (last?.type === CONTACT_RESERVED) {
      const holder = holderOf(last);
      if (holder === leadId) return E.right("held");
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
    const appended = await appendAfter(context, stream, last, CONTACT_RESERVED, {
      leadId,
      kind: identity.kind,
    });
    if (appended !== "conflict") return E.map(() => RESERVED)(appended);
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
 * Gives an identity up: after a purge, after an amendment replaced it, or when a capture
 * that reserved it failed. With `suppress` (an erasure request) the identity is put on the
 * suppression list instead. An identity held by another lead is left alone.
 */
export const releaseIdentity = async (
  context: Omit<ReservationContext, "holderStatus" | "abandonedAfterMs">,
  identity: ContactIdentity,
  leadId: string,
  suppress: boolean,
): Promise<E.Either<LeadError, void>> => {
  const stream = reservationStreamName(context.secret, identity);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const read = await lastEvent(context.store, stream);
    if (E.isLeft(read)) return read;
    const last = read.right;
    const ours = last?.type === CONTACT_RESERVED && holderOf(last) === leadId;
    const heldByOther = last?.type === CONTACT_RESERVED && !ours;
    if (heldByOther) return E.right(undefined);
    if (!suppress && !ours) return E.right(undefined);
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

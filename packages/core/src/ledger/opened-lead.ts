import * as E from "fp-ts/lib/Either.js";
import type { LeadError } from "../lead/errors.js";
import { leadError } from "../lead/errors.js";
import type { CapturedPersonal, LeadEvent } from "../lead/events.js";
import { isRedacted } from "../lead/events.js";
import { foldLead } from "../lead/state.js";
import { leadStreamName } from "../lead/stream-name.js";
import type { LeadId } from "../lead/values.js";
import type { KeyLookup } from "../privacy/key-store.js";
import type { EventStore, RecordedEvent } from "../store/event-store.js";
import type { DataKeyCache } from "./data-key-cache.js";
import { fromStoreError } from "./store-failure.js";
import { fromStoredEvent } from "./stored-event.js";

/** A whole lead as stored, its events decoded and, as far as asked, opened with its key. */
export interface OpenedLead {
  readonly recorded: readonly RecordedEvent[];
  readonly events: LeadEvent[];
  /** `missing` for a lead that has no events. */
  readonly keyStatus: KeyLookup["status"];
}

/** Where a lead is read from, and its key. */
export interface LeadSources {
  readonly store: EventStore;
  readonly keys: DataKeyCache;
}

/**
 * The events whose personal parts make up a lead's state: its personal data now, the
 * manual grade's reason and the contract reference.
 */
export const stateNeedsPersonal = (type: string): boolean =>
  type === "LeadCaptured" ||
  type === "LeadAmended" ||
  type === "LeadGraded" ||
  type === "LeadConverted";

/**
 * Reads a whole lead with its key. `opened` says which events' personal parts to
 * decrypt: all for a history; for the lead's state only those it shows
 * ({@link stateNeedsPersonal}).
 */
export const readOpenedLead = async (
  { store, keys }: LeadSources,
  leadId: LeadId,
  opened: (type: string) => boolean = () => true,
): Promise<E.Either<LeadError, OpenedLead>> => {
  const read = await store.readStream(leadStreamName(leadId));
  if (E.isLeft(read)) return E.left(fromStoreError(leadId, read.left));
  if (read.right.length === 0) return E.right({ recorded: [], events: [], keyStatus: "missing" });
  const key = await keys.lookup(leadId, false);
  if (E.isLeft(key)) return key;
  const events = openEvents(leadId, read.right, key.right, opened);
  if (E.isLeft(events)) return events;
  return E.right({ recorded: read.right, events: events.right, keyStatus: key.right.status });
};

/**
 * The personal data a lead holds now, or held when it was purged: needed to find its
 * reservations, also by an erasure that a crash interrupted after its `LeadPurged`
 * (which redacts the folded state, and is the last event of a purged lead).
 */
export const currentPersonal = async (
  sources: LeadSources,
  leadId: LeadId,
): Promise<E.Either<LeadError, CapturedPersonal | undefined>> => {
  const full = await readOpenedLead(sources, leadId, stateNeedsPersonal);
  if (E.isLeft(full)) return full;
  const events = full.right.events;
  const purged = events[events.length - 1]?.type === "LeadPurged";
  const personal = foldLead(purged ? events.slice(0, -1) : events)?.personal;
  return E.right(personal === undefined || isRedacted(personal) ? undefined : personal);
};

/** Reads stored events in full; `opened` says whose personal parts to decrypt. */
export const openEvents = (
  leadId: LeadId,
  recorded: readonly RecordedEvent[],
  key: KeyLookup,
  opened: (type: string) => boolean,
): E.Either<LeadError, LeadEvent[]> => {
  const events: LeadEvent[] = [];
  for (const stored of recorded) {
    const event = fromStoredEvent(stored, key, opened(stored.type));
    if (E.isLeft(event)) {
      return E.left(leadError("history.undecodable", { leadId, detail: event.left }));
    }
    events.push(event.right);
  }
  return E.right(events);
};

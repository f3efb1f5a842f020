import type { JsonObject, RecordedEvent } from "../store/event-store.js";

/** The schema version every event is written with today. */
export const CURRENT_SCHEMA_VERSION = 1;

/**
 * Turns the stored plain part of one event type from one schema version into the next.
 * Stored history is never rewritten: old events are upcast each time they are read.
 * An upcaster sees and returns the stored form (`data` with its sealed personal part left
 * as it is, `metadata` without changes to the chain hash), so the hash chain, computed over
 * what was stored, still verifies.
 */
export interface EventUpcaster {
  readonly type: string;
  /** The version this upcaster reads; it produces `fromVersion + 1`. */
  readonly fromVersion: number;
  readonly upcast: (data: JsonObject) => JsonObject;
}

/**
 * leadledger's own upcasters, in order. Empty while version 1 is the only one ever
 * written; a change to an event's stored shape adds its upcaster here, together with the
 * bump of {@link CURRENT_SCHEMA_VERSION}.
 */
export const LEAD_EVENT_UPCASTERS: readonly EventUpcaster[] = [];

/** The schema version an event was written with: events from before versioning count as 1. */
export const schemaVersionOf = (event: { readonly metadata: JsonObject }): number => {
  const version = event.metadata.schemaVersion;
  return typeof version === "number" && Number.isSafeInteger(version) && version >= 0 ? version : 1;
};

/**
 * The event as the current schema reads it: each upcaster from the event's version on is
 * applied in turn. An event already current is returned as it is, without a copy. An event
 * from a later version than this code knows is returned unchanged; decoding then reports
 * what it cannot read.
 */
export const upcastStoredEvent = (
  recorded: RecordedEvent,
  upcasters: readonly EventUpcaster[] = LEAD_EVENT_UPCASTERS,
  currentVersion: number = CURRENT_SCHEMA_VERSION,
): RecordedEvent => {
  let version = schemaVersionOf(recorded);
  if (version >= currentVersion) return recorded;
  let data = recorded.data;
  while (version < currentVersion) {
    const step = upcasters.find(
      (upcaster) => upcaster.type === recorded.type && upcaster.fromVersion === version,
    );
    // No upcaster for this step: the shape did not change for this type at this version.
    if (step !== undefined) data = step.upcast(data);
    version++;
  }
  // Metadata stays as stored: it records the version the event was written with.
  return { ...recorded, data };
};

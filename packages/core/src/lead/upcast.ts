import type { JsonObject, RecordedEvent } from "../store/event-store.js";
import { FREE_TEXT_SEALED_UPCASTERS } from "./free-text-upcasters.js";

/**
 * The schema version every event is written with today. Version 2 seals every free-text
 * field and the tracing ids in the personal part; version 1 kept them in the clear.
 */
export const CURRENT_SCHEMA_VERSION = 2;

/**
 * Turns one event type from one schema version into the next. Stored history is never
 * rewritten: old events are upcast each time they are read.
 *
 * `upcast` works on the stored plain part (`data` with its sealed personal part left as it
 * is; the metadata is never changed), so the hash chain, computed over what was stored,
 * still verifies. `upcastPersonal` works on the personal part once it is opened with the
 * lead's key; a purged lead's personal part stays redacted and is not upcast. A step that
 * changes only one of the two leaves the other out.
 *
 * `liftPersonal` is for a version that kept personal data in the clear: given that
 * version's stored plain part and metadata, it returns those fields in the next version's
 * personal shape (and `upcast` drops them from the plain part). A reader then finds them
 * in the personal part, redacted after a purge like the rest of it — though the plaintext
 * stays where it was stored.
 */
export interface EventUpcaster {
  readonly type: string;
  /** The version this upcaster reads; it produces `fromVersion + 1`. */
  readonly fromVersion: number;
  readonly upcast?: (data: JsonObject) => JsonObject;
  readonly upcastPersonal?: (personal: JsonObject) => JsonObject;
  readonly liftPersonal?: (data: JsonObject, metadata: JsonObject) => JsonObject | undefined;
}

/**
 * leadledger's own upcasters, in order: a change to an event's stored shape adds its
 * upcaster here, together with the bump of {@link CURRENT_SCHEMA_VERSION}.
 */
export const LEAD_EVENT_UPCASTERS: readonly EventUpcaster[] = [...FREE_TEXT_SEALED_UPCASTERS];

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
    const step = stepFrom(upcasters, recorded.type, version);
    // No upcaster for this step: the shape did not change for this type at this version.
    if (step?.upcast !== undefined) data = step.upcast(data);
    version++;
  }
  // Metadata stays as stored: it records the version the event was written with.
  return { ...recorded, data };
};

/**
 * An opened personal part as the current schema reads it: the `upcastPersonal` of each
 * step from `version` on, in turn. Returned as it is when nothing applies.
 */
export const upcastPersonal = (
  type: string,
  version: number,
  personal: unknown,
  upcasters: readonly EventUpcaster[] = LEAD_EVENT_UPCASTERS,
  currentVersion: number = CURRENT_SCHEMA_VERSION,
): unknown => {
  let opened = personal;
  for (let at = version; at < currentVersion; at++) {
    const step = stepFrom(upcasters, type, at);
    // A personal part that is not an object is left to the codec to refuse.
    if (step?.upcastPersonal === undefined || !isJsonObject(opened)) continue;
    opened = step.upcastPersonal(opened);
  }
  return opened;
};

/**
 * The personal fields an event of an older version kept in the clear, in the current
 * personal shape: what each step's `liftPersonal` found, carried through the later steps'
 * `upcastPersonal`. `undefined` for a current event and whenever nothing was lifted.
 */
export const personalKeptInTheClear = (
  recorded: RecordedEvent,
  upcasters: readonly EventUpcaster[] = LEAD_EVENT_UPCASTERS,
  currentVersion: number = CURRENT_SCHEMA_VERSION,
): JsonObject | undefined => {
  let version = schemaVersionOf(recorded);
  if (version >= currentVersion) return undefined;
  let data = recorded.data;
  let lifted: JsonObject | undefined;
  while (version < currentVersion) {
    const step = stepFrom(upcasters, recorded.type, version);
    // What earlier steps lifted is in this version's shape: it is upcast like a sealed part.
    if (lifted !== undefined && step?.upcastPersonal !== undefined) {
      lifted = step.upcastPersonal(lifted);
    }
    const found = step?.liftPersonal?.(data, recorded.metadata);
    if (found !== undefined && Object.keys(found).length > 0) lifted = { ...lifted, ...found };
    if (step?.upcast !== undefined) data = step.upcast(data);
    version++;
  }
  return lifted;
};

const stepFrom = (
  upcasters: readonly EventUpcaster[],
  type: string,
  version: number,
): EventUpcaster | undefined =>
  upcasters.find((upcaster) => upcaster.type === type && upcaster.fromVersion === version);

const isJsonObject = (value: unknown): value is JsonObject =>
  typeof value === "object" && value !== null && !Array.isArray(value);

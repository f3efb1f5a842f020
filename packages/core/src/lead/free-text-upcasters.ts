import type { JsonObject, JsonValue } from "../store/event-store.js";
import type { EventUpcaster } from "./upcast.js";

// Schema version 1 kept some free text in the clear: the late-entry reason, a manual
// grade's reason (twice: in the basis and in `reasons`), the contract reference, the
// reasons of an assignment and of an amendment, and the correlation and causation ids in
// the metadata. Reps type names into all of them, and a purge could not erase them
// (issue 12). Version 2 seals them in the personal part. These upcasters read a version 1
// event as version 2: the fields leave the plain part and reappear in the personal part,
// so readers find them in one place whatever the version, and see them redacted after a
// purge. The plaintext stays where version 1 stored it (docs/privacy.md).

/** The fields of `data` named in `keys`, and `data` without them. */
const split = (
  data: JsonObject,
  keys: readonly string[],
): { readonly taken: JsonObject; readonly rest: JsonObject } => {
  const taken: Record<string, JsonValue> = {};
  const rest: Record<string, JsonValue> = {};
  for (const [key, value] of Object.entries(data)) {
    if (keys.includes(key)) taken[key] = value;
    else rest[key] = value;
  }
  return { taken, rest };
};

const TRACING_KEYS = ["correlationId", "causationId"];
/** The correlation and causation ids that version 1 wrote into the metadata. */
const tracingOf = (metadata: JsonObject): JsonObject => split(metadata, TRACING_KEYS).taken;

/** An upcaster for a type whose version 1 kept `keys` of its plain part in the clear. */
const sealing = (type: string, keys: readonly string[]): EventUpcaster => ({
  type,
  fromVersion: 1,
  ...(keys.length === 0 ? {} : { upcast: (data: JsonObject) => split(data, keys).rest }),
  liftPersonal: (data, metadata) => ({ ...split(data, keys).taken, ...tracingOf(metadata) }),
});

/** A manual grade's reason leaves the basis, and `reasons`, which only repeated it. */
const sealingManualGradeReason: EventUpcaster = {
  type: "LeadGraded",
  fromVersion: 1,
  upcast: (data) => {
    const basis = data.basis as JsonObject | undefined;
    if (basis?.kind !== "manual") return data;
    return { ...data, basis: { kind: "manual" }, reasons: [] };
  },
  liftPersonal: (data, metadata) => {
    const basis = data.basis as JsonObject | undefined;
    const reason = basis?.kind === "manual" ? basis.reason : undefined;
    return { ...(reason === undefined ? {} : { reason }), ...tracingOf(metadata) };
  },
};

/** Every lead event type's step from version 1 to version 2. */
export const FREE_TEXT_SEALED_UPCASTERS: readonly EventUpcaster[] = [
  sealing("LeadCaptured", ["lateEntryReason"]),
  sealing("LeadContacted", []),
  sealingManualGradeReason,
  sealing("LeadVisited", []),
  sealing("LeadConverted", ["contractRef"]),
  sealing("LeadAssigned", ["reason"]),
  sealing("LeadAmended", ["reason"]),
  sealing("LeadFlaggedForPurge", []),
  sealing("PurgeFlagCleared", []),
  sealing("LeadPurged", []),
];

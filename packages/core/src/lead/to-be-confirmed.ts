import * as t from "io-ts";
import {
  Classification,
  CompanyParty,
  ContactChannels,
  IndividualParty,
  Needs,
  Source,
} from "./capture-fields.js";
import { isToBeConfirmed, ToBeConfirmed } from "./values.js";

// Which capture fields still wait for their value (待确认), by name: `party.registeredAddress`,
// `contact.fax`, `needs.site.area`. Names only, never values, so the list is kept in an
// event's plain facts and survives a purge like the rest of the statistics.

/**
 * The dotted paths of every confirmable field (a value or `{ "tbc": true }`) of an object
 * codec, read from the codec itself so that a field added to docs/domain.md §1.1 is
 * covered without a list to keep in step.
 */
export const confirmableFieldsOf = (codec: t.Mixed, prefix = ""): string[] => {
  if (codec instanceof t.UnionType) {
    const alternatives = codec.types as t.Mixed[];
    if (alternatives.includes(ToBeConfirmed)) return [prefix];
    return [
      ...new Set(alternatives.flatMap((alternative) => confirmableFieldsOf(alternative, prefix))),
    ];
  }
  if (codec instanceof t.ExactType || codec instanceof t.RefinementType) {
    return confirmableFieldsOf(codec.type, prefix);
  }
  if (codec instanceof t.IntersectionType) {
    return (codec.types as t.Mixed[]).flatMap((part) => confirmableFieldsOf(part, prefix));
  }
  if (codec instanceof t.InterfaceType || codec instanceof t.PartialType) {
    return Object.entries(codec.props as t.Props).flatMap(([key, prop]) =>
      confirmableFieldsOf(prop, prefix === "" ? key : `${prefix}.${key}`),
    );
  }
  return [];
};

const plainFields = [
  ...confirmableFieldsOf(ContactChannels, "contact"),
  ...confirmableFieldsOf(Needs, "needs"),
  ...confirmableFieldsOf(Source, "source"),
  ...confirmableFieldsOf(Classification, "classification"),
];

/**
 * Every field a capture of each kind of party records as a value or as to be confirmed
 * (docs/domain.md §1.1), sorted. The referrer's name is not among them: it belongs to a
 * partner's referral only, and is listed when a capture or an amendment marks it.
 */
export const CAPTURE_FIELDS: {
  readonly company: readonly string[];
  readonly individual: readonly string[];
} = {
  company: [...confirmableFieldsOf(CompanyParty, "party"), ...plainFields].sort(),
  individual: [...confirmableFieldsOf(IndividualParty, "party"), ...plainFields].sort(),
};

/** The optional confirmable field a capture or an amendment may carry besides {@link CAPTURE_FIELDS}. */
const REFERRER_NAME = "referrerName";

/**
 * The keys of each confirmable field's path, split once: every capture looks up all of them
 * twice (its defaults, then its to-be-confirmed list), and splitting each path anew took
 * about a tenth of an in-memory capture.
 */
const PATH_KEYS = new Map<string, readonly string[]>(
  [...CAPTURE_FIELDS.company, ...CAPTURE_FIELDS.individual, REFERRER_NAME].map((path) => [
    path,
    path.split("."),
  ]),
);

/** The value at a dotted path of a command or a capture, `undefined` when it is not there. */
export const valueAt = (root: unknown, path: string): unknown => {
  const keys = PATH_KEYS.get(path) ?? path.split(".");
  let value = root;
  for (let i = 0; i < keys.length; i++) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Record<string, unknown>)[keys[i] as string];
  }
  return value;
};

/** Each kind's capture fields and the referrer's name, sorted once: filtered, they stay sorted. */
const CONFIRMABLE_IN_CAPTURE = {
  company: [...CAPTURE_FIELDS.company, REFERRER_NAME].sort(),
  individual: [...CAPTURE_FIELDS.individual, REFERRER_NAME].sort(),
} as const;

/**
 * The fields of a complete capture that are to be confirmed, sorted: what `LeadCaptured`
 * records in its plain facts.
 */
export const toBeConfirmedIn = (capture: {
  readonly party: { readonly kind: "company" | "individual" };
}): string[] =>
  CONFIRMABLE_IN_CAPTURE[capture.party.kind].filter((path) =>
    isToBeConfirmed(valueAt(capture, path)),
  );

/**
 * The open fields after an amendment: those it confirms leave the list, those it marks
 * `{ "tbc": true }` join it, the others stay as they were. Sorted.
 */
export const toBeConfirmedAfter = (
  before: readonly string[],
  partyKind: "company" | "individual",
  amendment: object,
): string[] => {
  const open = new Set(before);
  for (const path of CONFIRMABLE_IN_CAPTURE[partyKind]) {
    const value = valueAt(amendment, path);
    if (value === undefined) continue;
    if (isToBeConfirmed(value)) open.add(path);
    else open.delete(path);
  }
  return [...open].sort();
};

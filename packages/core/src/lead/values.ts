import * as t from "io-ts";

/**
 * The explicit "to be confirmed" (待确认) marker: a capture field is a value or this,
 * never silently missing (不得漏填). A later amendment fills it in.
 */
export const ToBeConfirmed = t.strict({ tbc: t.literal(true) }, "ToBeConfirmed");
export type ToBeConfirmed = t.TypeOf<typeof ToBeConfirmed>;
/** The "to be confirmed" value, to write in commands and tests. */
export const TBC: ToBeConfirmed = Object.freeze({ tbc: true as const });

/** A field that holds a value or the explicit "to be confirmed" marker. */
export const confirmable = <C extends t.Mixed>(codec: C) =>
  t.union([codec, ToBeConfirmed], `Confirmable<${codec.name}>`);
export type Confirmable<A> = A | ToBeConfirmed;

/** Whether a confirmable field still waits for its value. */
export const isToBeConfirmed = (value: unknown): value is ToBeConfirmed =>
  typeof value === "object" && value !== null && (value as { tbc?: unknown }).tbc === true;

/** A confirmable value, or `undefined` while it is to be confirmed. */
export const confirmedValue = <A>(value: Confirmable<A>): A | undefined =>
  isToBeConfirmed(value) ? undefined : value;

export interface NonEmptyStringBrand {
  readonly NonEmptyString: unique symbol;
}
/** Text with at least one non-blank character, at most 4,000 characters. */
export const NonEmptyString = t.brand(
  t.string,
  (s): s is t.Branded<string, NonEmptyStringBrand> => s.trim().length > 0 && s.length <= 4000,
  "NonEmptyString",
);
export type NonEmptyString = t.TypeOf<typeof NonEmptyString>;

export interface InstantBrand {
  readonly Instant: unique symbol;
}

/**
 * The years an {@link Instant} may name, in its own offset: a lead's business times, and
 * the ranges a view is asked for, lie between 1900 and 9999. Year 0000 and the like are
 * typing errors, and five-digit years have no ISO-8601 form without a sign.
 */
export const EARLIEST_INSTANT_YEAR = 1900;
/** The last year an {@link Instant} or a {@link CalendarDate} may name. */
export const LATEST_YEAR = 9999;
/**
 * The first year a {@link CalendarDate} may name: the first whole year of the Gregorian
 * calendar (ISO 8601 needs an agreement for earlier ones). A company's founding date may
 * be centuries old (老字号), so days reach further back than instants.
 */
export const EARLIEST_DATE_YEAR = 1583;
/** How far from UTC an offset may be: the world's zones lie between −12:00 and +14:00. */
const MAX_OFFSET_MINUTES = 14 * 60;

const INSTANT_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
const EARLIEST_INSTANT = Date.UTC(EARLIEST_INSTANT_YEAR, 0, 1);
const LATEST_INSTANT = Date.UTC(LATEST_YEAR, 11, 31, 23, 59, 59, 999);

/** The number written by the ASCII digits of `text` from `from` to `to` (exclusive). */
const digitsAt = (text: string, from: number, to: number): number => {
  let value = 0;
  for (let i = from; i < to; i++) value = value * 10 + text.charCodeAt(i) - 48;
  return value;
};

/** The days of a month of the Gregorian calendar (month 1–12). */
const daysInMonth = (year: number, month: number): number =>
  month === 2
    ? (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
      ? 29
      : 28
    : month === 4 || month === 6 || month === 9 || month === 11
      ? 30
      : 31;

/** Whether `YYYY-MM-DD` at the start of `text` names a day of the calendar from `earliestYear`. */
const isCalendarDay = (text: string, earliestYear: number): boolean => {
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 7);
  const day = digitsAt(text, 8, 10);
  return (
    year >= earliestYear &&
    year <= LATEST_YEAR &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month)
  );
};

/**
 * Whether text of the instant pattern names a moment that exists: a day of the calendar,
 * a time of day (no 24:00, no leap second), an offset of a real zone, within the years.
 * `Date.parse` alone would shift 2026-02-30 to 03-02; checking the fields first means
 * every instant accepted reads back as the fields it was written with.
 */
const isPossibleInstant = (text: string): boolean => {
  if (!isCalendarDay(text, EARLIEST_INSTANT_YEAR)) return false;
  if (digitsAt(text, 11, 13) > 23 || digitsAt(text, 14, 16) > 59 || digitsAt(text, 17, 19) > 59) {
    return false;
  }
  if (text.charCodeAt(text.length - 1) !== 90 /* Z */) {
    const minutes = digitsAt(text, text.length - 2, text.length);
    const hours = digitsAt(text, text.length - 5, text.length - 3);
    if (minutes > 59 || hours * 60 + minutes > MAX_OFFSET_MINUTES) return false;
  }
  // The offset may carry a moment of the first or last year over the range's edge.
  const millis = Date.parse(text);
  return millis >= EARLIEST_INSTANT && millis <= LATEST_INSTANT;
};

/**
 * A moment as an ISO-8601 timestamp with an explicit offset, e.g. `2026-11-25T08:00:00Z`:
 * a day that exists (2026-02-30 is refused, not read as 03-02), a time of day 00:00:00 to
 * 23:59:59 with up to nine decimals, an offset up to ±14:00, years
 * {@link EARLIEST_INSTANT_YEAR}–{@link LATEST_YEAR} (docs/errors.md).
 */
export const Instant = t.brand(
  t.string,
  (s): s is t.Branded<string, InstantBrand> => INSTANT_PATTERN.test(s) && isPossibleInstant(s),
  "Instant",
);
export type Instant = t.TypeOf<typeof Instant>;

/**
 * An instant as recorded history holds it: the pattern and a moment `Date.parse` can read.
 * Events recorded before {@link Instant} checked the calendar may hold a day it now
 * refuses (2026-02-30, read then and now as 2026-03-02); they stay readable, since history
 * is never rewritten. Only for decoding stored events: every input is an {@link Instant}.
 */
export const RecordedInstant = t.brand(
  t.string,
  (s): s is t.Branded<string, InstantBrand> =>
    INSTANT_PATTERN.test(s) && Number.isFinite(Date.parse(s)),
  "Instant",
);

/** Milliseconds since the epoch of an instant that has been decoded. */
export const instantToMillis = (instant: Instant): number => {
  // A command's two instants (occurred, recorded) are each read several times over: rule
  // checks, grading, the fold of each of its events. The last two parsed are kept.
  if (instant === parsedA) return millisA;
  if (instant === parsedB) return millisB;
  parsedB = parsedA;
  millisB = millisA;
  parsedA = instant;
  millisA = Date.parse(instant);
  return millisA;
};
let parsedA = "";
let millisA = Number.NaN;
let parsedB = "";
let millisB = Number.NaN;
/** The canonical instant (UTC, milliseconds) of epoch milliseconds. */
export const millisToInstant = (millis: number): Instant => {
  // Under load many commands are recorded within one millisecond: each would format it anew.
  if (millis !== formattedMillis) {
    formatted = new Date(millis).toISOString() as Instant;
    formattedMillis = millis;
  }
  return formatted;
};
let formattedMillis = Number.NaN;
let formatted = "" as Instant;

export interface CalendarDateBrand {
  readonly CalendarDate: unique symbol;
}
/**
 * A calendar day, `YYYY-MM-DD`, such as a follow-up date or a founding date: a day that
 * exists in the Gregorian calendar, years {@link EARLIEST_DATE_YEAR}–{@link LATEST_YEAR}.
 */
export const CalendarDate = t.brand(
  t.string,
  (s): s is t.Branded<string, CalendarDateBrand> =>
    DATE_PATTERN.test(s) && isCalendarDay(s, EARLIEST_DATE_YEAR),
  "CalendarDate",
);
export type CalendarDate = t.TypeOf<typeof CalendarDate>;

export interface LeadIdBrand {
  readonly LeadId: unique symbol;
}
/** A lead's id: a UUID in lower case. */
export const LeadId = t.brand(
  t.string,
  (s): s is t.Branded<string, LeadIdBrand> =>
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(s),
  "LeadId",
);
export type LeadId = t.TypeOf<typeof LeadId>;

export interface CommandIdBrand {
  readonly CommandId: unique symbol;
}
/** The caller's id of a command, reused on retries: 1–128 visible ASCII characters. */
export const CommandId = t.brand(
  t.string,
  (s): s is t.Branded<string, CommandIdBrand> => /^[\x21-\x7e]{1,128}$/.test(s),
  "CommandId",
);
export type CommandId = t.TypeOf<typeof CommandId>;

export interface IdentifierBrand {
  readonly Identifier: unique symbol;
}
/** An identifier of a rep, a department or a referrer record: 1–128 characters. */
export const Identifier = t.brand(
  t.string,
  (s): s is t.Branded<string, IdentifierBrand> =>
    s.length >= 1 && s.length <= 128 && s.trim() === s,
  "Identifier",
);
export type Identifier = t.TypeOf<typeof Identifier>;

/** A non-negative, finite amount of money in a currency (ISO 4217 code). */
export const Money = t.strict(
  {
    amount: t.refinement(t.number, (n) => Number.isFinite(n) && n >= 0, "NonNegativeAmount"),
    currency: t.refinement(t.string, (s) => /^[A-Z]{3}$/.test(s), "CurrencyCode"),
  },
  "Money",
);
export type Money = t.TypeOf<typeof Money>;

/** A range of money, minimum not above maximum. */
export const MoneyRange = t.refinement(
  t.strict({
    min: t.refinement(t.number, (n) => Number.isFinite(n) && n >= 0, "NonNegativeAmount"),
    max: t.refinement(t.number, (n) => Number.isFinite(n) && n >= 0, "NonNegativeAmount"),
    currency: t.refinement(t.string, (s) => /^[A-Z]{3}$/.test(s), "CurrencyCode"),
  }),
  (r) => r.min <= r.max,
  "MoneyRange",
);
export type MoneyRange = t.TypeOf<typeof MoneyRange>;

/** A range of floor area in square metres, minimum not above maximum. */
export const AreaRange = t.refinement(
  t.strict({
    minSquareMetres: t.refinement(t.number, (n) => Number.isFinite(n) && n >= 0, "Area"),
    maxSquareMetres: t.refinement(t.number, (n) => Number.isFinite(n) && n >= 0, "Area"),
  }),
  (r) => r.minSquareMetres <= r.maxSquareMetres,
  "AreaRange",
);
export type AreaRange = t.TypeOf<typeof AreaRange>;

/** A whole number from 0 up. */
export const Count = t.refinement(t.number, (n) => Number.isSafeInteger(n) && n >= 0, "Count");

// The values as an object literal, not a list: a declaration file then writes them in this
// order, where a mapped type over a union wrote them in the order the compiler first met each
// string, which changed between a fresh and an incremental build (and so the API report).
const keyed = <K extends Record<string, null>>(name: string, values: K) => t.keyof(values, name);

/** Where a lead came from (获取渠道). */
export const Channel = keyed("Channel", {
  website: null,
  "social-media": null,
  "industry-site": null,
  exhibition: null,
  "field-visit": null,
  "partner-referral": null,
  "industry-association": null,
  "inbound-inquiry": null,
  "market-research": null,
});
export type Channel = t.TypeOf<typeof Channel>;

/** 自有渠道 / 外部合作渠道 / 竞争对手转化. */
export const SourceClass = keyed("SourceClass", { own: null, partner: null, competitor: null });
export type SourceClass = t.TypeOf<typeof SourceClass>;

/** 主动咨询 (the lead reached out: inbound) or 被动 (the company reached out: outbound). */
export const InquiryMode = keyed("InquiryMode", { inbound: null, outbound: null });
export type InquiryMode = t.TypeOf<typeof InquiryMode>;

export const CompanySize = keyed("CompanySize", { large: null, medium: null, small: null });
export type CompanySize = t.TypeOf<typeof CompanySize>;

export const NeedType = keyed("NeedType", { general: null, special: null });
export type NeedType = t.TypeOf<typeof NeedType>;

/** How a contact was made (跟進方式). */
export const ContactMethod = keyed("ContactMethod", {
  phone: null,
  email: null,
  meeting: null,
  messaging: null,
  sms: null,
});
export type ContactMethod = t.TypeOf<typeof ContactMethod>;

export const Direction = keyed("Direction", { inbound: null, outbound: null });
export type Direction = t.TypeOf<typeof Direction>;

/**
 * What a conversation touched on. The first five are the detailed terms whose discussion
 * marks a serious lead; `general-info` and `materials` are the lighter asks.
 */
export const Topic = keyed("Topic", {
  "franchise-policy": null,
  fees: null,
  site: null,
  "contract-terms": null,
  "investment-return": null,
  "general-info": null,
  materials: null,
});
export type Topic = t.TypeOf<typeof Topic>;
export const DETAILED_TOPICS: ReadonlySet<Topic> = new Set<Topic>([
  "franchise-policy",
  "fees",
  "site",
  "contract-terms",
  "investment-return",
]);

/** The intent the lead voiced: stated willingness, a preliminary intent, none, or a refusal. */
export const Intent = keyed("Intent", {
  stated: null,
  preliminary: null,
  none: null,
  declined: null,
});
export type Intent = t.TypeOf<typeof Intent>;

/** The rep's judgement of whether the lead meets the company's hard requirements. */
export const RequirementsFit = keyed("RequirementsFit", {
  meets: null,
  fails: null,
  unknown: null,
});
export type RequirementsFit = t.TypeOf<typeof RequirementsFit>;

export const ContactOutcome = keyed("ContactOutcome", {
  reached: null,
  "not-reached": null,
  "follow-up-agreed": null,
  "materials-sent": null,
  declined: null,
});
export type ContactOutcome = t.TypeOf<typeof ContactOutcome>;

/** 高意向 / 中意向 / 低意向. */
export const Grade = keyed("Grade", { high: null, medium: null, low: null });
export type Grade = t.TypeOf<typeof Grade>;
/** Grades in ascending order: compare grades by their index here. */
export const GRADE_ORDER: readonly Grade[] = ["low", "medium", "high"];
export const gradeRank = (grade: Grade): number => GRADE_ORDER.indexOf(grade);

/** 客戶價值評估: the value tier a rep may set with a grade. */
export const ValueTier = keyed("ValueTier", { key: null, standard: null, minor: null });
export type ValueTier = t.TypeOf<typeof ValueTier>;

/** 实地考察 (the lead inspects the company's project on site) or 拜访 (a rep calls on the lead). */
export const VisitKind = keyed("VisitKind", { inspection: null, "call-on": null });
export type VisitKind = t.TypeOf<typeof VisitKind>;

export const PurgeReason = keyed("PurgeReason", {
  duplicate: null,
  "invalid-data": null,
  "no-intent-long-silence": null,
  "erasure-request": null,
});
export type PurgeReason = t.TypeOf<typeof PurgeReason>;

export const Role = keyed("Role", { rep: null, head: null, executive: null });
export type Role = t.TypeOf<typeof Role>;

/** The responsible rep (跟进责任人) and the rep's department. */
export const Owner = t.strict({ repId: Identifier, department: Identifier }, "Owner");
export type Owner = t.TypeOf<typeof Owner>;

/** Who did something: recorded on every event. */
export const ActorRecord = t.strict(
  { id: Identifier, role: Role, department: Identifier },
  "ActorRecord",
);
export type ActorRecord = t.TypeOf<typeof ActorRecord>;

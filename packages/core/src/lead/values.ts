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
const INSTANT_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
/** A moment as an ISO-8601 timestamp with an explicit offset, e.g. `2026-11-25T08:00:00Z`. */
export const Instant = t.brand(
  t.string,
  (s): s is t.Branded<string, InstantBrand> =>
    INSTANT_PATTERN.test(s) && Number.isFinite(Date.parse(s)),
  "Instant",
);
export type Instant = t.TypeOf<typeof Instant>;
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
/** A calendar day, `YYYY-MM-DD`, such as a follow-up date or a founding date. */
export const CalendarDate = t.brand(
  t.string,
  (s): s is t.Branded<string, CalendarDateBrand> =>
    /^\d{4}-\d{2}-\d{2}$/.test(s) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s),
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

const keyed = <K extends string>(name: string, values: readonly K[]) =>
  t.keyof(Object.fromEntries(values.map((v) => [v, null])) as { [P in K]: null }, name);

/** Where a lead came from (获取渠道). */
export const Channel = keyed("Channel", [
  "website",
  "social-media",
  "industry-site",
  "exhibition",
  "field-visit",
  "partner-referral",
  "industry-association",
  "inbound-inquiry",
  "market-research",
]);
export type Channel = t.TypeOf<typeof Channel>;

/** 自有渠道 / 外部合作渠道 / 竞争对手转化. */
export const SourceClass = keyed("SourceClass", ["own", "partner", "competitor"]);
export type SourceClass = t.TypeOf<typeof SourceClass>;

/** 主动咨询 (the lead reached out: inbound) or 被动 (the company reached out: outbound). */
export const InquiryMode = keyed("InquiryMode", ["inbound", "outbound"]);
export type InquiryMode = t.TypeOf<typeof InquiryMode>;

export const CompanySize = keyed("CompanySize", ["large", "medium", "small"]);
export type CompanySize = t.TypeOf<typeof CompanySize>;

export const NeedType = keyed("NeedType", ["general", "special"]);
export type NeedType = t.TypeOf<typeof NeedType>;

/** How a contact was made (跟進方式). */
export const ContactMethod = keyed("ContactMethod", [
  "phone",
  "email",
  "meeting",
  "messaging",
  "sms",
]);
export type ContactMethod = t.TypeOf<typeof ContactMethod>;

export const Direction = keyed("Direction", ["inbound", "outbound"]);
export type Direction = t.TypeOf<typeof Direction>;

/**
 * What a conversation touched on. The first five are the detailed terms whose discussion
 * marks a serious lead; `general-info` and `materials` are the lighter asks.
 */
export const Topic = keyed("Topic", [
  "franchise-policy",
  "fees",
  "site",
  "contract-terms",
  "investment-return",
  "general-info",
  "materials",
]);
export type Topic = t.TypeOf<typeof Topic>;
export const DETAILED_TOPICS: ReadonlySet<Topic> = new Set<Topic>([
  "franchise-policy",
  "fees",
  "site",
  "contract-terms",
  "investment-return",
]);

/** The intent the lead voiced: stated willingness, a preliminary intent, none, or a refusal. */
export const Intent = keyed("Intent", ["stated", "preliminary", "none", "declined"]);
export type Intent = t.TypeOf<typeof Intent>;

/** The rep's judgement of whether the lead meets the company's hard requirements. */
export const RequirementsFit = keyed("RequirementsFit", ["meets", "fails", "unknown"]);
export type RequirementsFit = t.TypeOf<typeof RequirementsFit>;

export const ContactOutcome = keyed("ContactOutcome", [
  "reached",
  "not-reached",
  "follow-up-agreed",
  "materials-sent",
  "declined",
]);
export type ContactOutcome = t.TypeOf<typeof ContactOutcome>;

/** 高意向 / 中意向 / 低意向. */
export const Grade = keyed("Grade", ["high", "medium", "low"]);
export type Grade = t.TypeOf<typeof Grade>;
/** Grades in ascending order: compare grades by their index here. */
export const GRADE_ORDER: readonly Grade[] = ["low", "medium", "high"];
export const gradeRank = (grade: Grade): number => GRADE_ORDER.indexOf(grade);

/** 客戶價值評估: the value tier a rep may set with a grade. */
export const ValueTier = keyed("ValueTier", ["key", "standard", "minor"]);
export type ValueTier = t.TypeOf<typeof ValueTier>;

/** 实地考察 (the lead inspects the company's project on site) or 拜访 (a rep calls on the lead). */
export const VisitKind = keyed("VisitKind", ["inspection", "call-on"]);
export type VisitKind = t.TypeOf<typeof VisitKind>;

export const PurgeReason = keyed("PurgeReason", [
  "duplicate",
  "invalid-data",
  "no-intent-long-silence",
  "erasure-request",
]);
export type PurgeReason = t.TypeOf<typeof PurgeReason>;

export const Role = keyed("Role", ["rep", "head", "executive"]);
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

import * as t from "io-ts";
import { EmailAddress } from "./email-address.js";
import {
  AreaRange,
  CalendarDate,
  Channel,
  CompanySize,
  Count,
  confirmable,
  InquiryMode,
  Money,
  MoneyRange,
  NeedType,
  NonEmptyString,
  SourceClass,
} from "./values.js";

// The fields of docs/domain.md §1.1, split by whether they identify a person or a company's
// contact. The personal ones are encrypted before they reach any store; the rest stay
// plain so statistics need no keys and survive a purge.

const text = confirmable(NonEmptyString);

/** A company lead's identity (personal: encrypted). */
export const CompanyParty = t.strict(
  {
    kind: t.literal("company"),
    companyName: text,
    registeredAddress: text,
    legalRepresentative: text,
    businessScope: text,
    foundedOn: confirmable(CalendarDate),
    registeredCapital: confirmable(Money),
    employees: confirmable(Count),
    annualRevenue: confirmable(Money),
  },
  "CompanyParty",
);
export type CompanyParty = t.TypeOf<typeof CompanyParty>;

/** An individual lead's identity (personal: encrypted). */
export const IndividualParty = t.strict(
  {
    kind: t.literal("individual"),
    name: text,
    gender: confirmable(t.keyof({ female: null, male: null, other: null })),
    age: confirmable(t.refinement(Count, (n) => n <= 150, "Age")),
    occupation: text,
    investmentExperience: text,
    availableFunds: confirmable(Money),
  },
  "IndividualParty",
);
export type IndividualParty = t.TypeOf<typeof IndividualParty>;

export const Party = t.union([CompanyParty, IndividualParty], "Party");
export type Party = t.TypeOf<typeof Party>;

/** A messaging handle such as WeChat. */
export const MessagingHandle = t.strict(
  { platform: NonEmptyString, handle: NonEmptyString },
  "MessagingHandle",
);

/** Contact channels (personal: encrypted). The e-mail must be an address. */
export const ContactChannels = t.strict(
  {
    phone: text,
    email: confirmable(EmailAddress),
    fax: text,
    messaging: confirmable(MessagingHandle),
    address: text,
  },
  "ContactChannels",
);
export type ContactChannels = t.TypeOf<typeof ContactChannels>;

/**
 * Contact channels as recorded history holds them: events recorded before e-mail was
 * validated may hold any text there, and history is never rewritten. Only for decoding
 * stored events: every command gives {@link ContactChannels}.
 */
export const RecordedContactChannels = t.strict(
  { ...ContactChannels.type.props, email: text },
  "RecordedContactChannels",
);

/** 需求信息 (plain). */
export const Needs = t.strict(
  {
    investmentFields: confirmable(t.array(NonEmptyString)),
    investmentAmount: confirmable(MoneyRange),
    investmentHorizon: text,
    businessCategory: text,
    site: t.strict({
      area: confirmable(AreaRange),
      location: text,
      fitOut: text,
    }),
  },
  "Needs",
);
export type Needs = t.TypeOf<typeof Needs>;

/** 来源信息 (plain). The partner referrer's name is personal and lives apart. */
export const Source = t.strict(
  {
    channel: confirmable(Channel),
    sourceClass: confirmable(SourceClass),
    inquiryMode: confirmable(InquiryMode),
  },
  "Source",
);
export type Source = t.TypeOf<typeof Source>;

/** Classification attributes (plain). */
export const Classification = t.strict(
  {
    industry: text,
    companySize: confirmable(CompanySize),
    needType: confirmable(NeedType),
    region: text,
  },
  "Classification",
);
export type Classification = t.TypeOf<typeof Classification>;

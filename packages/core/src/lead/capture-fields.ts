import * as t from "io-ts";
import { EmailAddress } from "./email-address.js";
import { withExpectation } from "./input-problems.js";
import {
  AreaRange,
  CalendarDate,
  Channel,
  CompanySize,
  Count,
  confirmable,
  InquiryMode,
  isToBeConfirmed,
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

// What a capture must send at first contact (issue 14): who, one way to reach them, how
// they came. Every other field may be left out; the ledger records it as to be confirmed.

/** Every property of an object codec made optional, a nested object's too (`needs.site`). */
const leftOutAllowed = <P extends t.Props>(props: P) =>
  t.exact(
    t.partial(
      Object.fromEntries(
        Object.entries(props).map(([key, codec]) => [
          key,
          codec instanceof t.ExactType && codec.type instanceof t.InterfaceType
            ? t.exact(t.partial(codec.type.props as t.Props))
            : codec,
        ]),
      ) as { [K in keyof P]: P[K] },
    ),
  );

const { kind: _companyKind, companyName: _companyName, ...companyRest } = CompanyParty.type.props;
const {
  kind: _individualKind,
  name: _individualName,
  ...individualRest
} = IndividualParty.type.props;

/** A company as a capture sends it: its name, and whatever else is known (personal). */
export const SentCompanyParty = t.exact(
  t.intersection([
    t.type({ kind: t.literal("company"), companyName: NonEmptyString }),
    t.partial(companyRest),
  ]),
  "CompanyParty",
);
/** A person as a capture sends them: their name, and whatever else is known (personal). */
export const SentIndividualParty = t.exact(
  t.intersection([
    t.type({ kind: t.literal("individual"), name: NonEmptyString }),
    t.partial(individualRest),
  ]),
  "IndividualParty",
);
/** Who the lead is, as a capture sends it: the kind and the name are required. */
export const SentParty = t.union([SentCompanyParty, SentIndividualParty], "Party");
export type SentParty = t.TypeOf<typeof SentParty>;

/** The channels through which someone can be reached now: given, and not to be confirmed. */
export const REACHING_CHANNELS = ["phone", "email", "messaging", "address", "fax"] as const;

/** Every contact channel, each optional: what {@link SentContactChannels} refines. */
export const SentContactProps = t.exact(t.partial(ContactChannels.type.props));

// Named by hand: inferred, every declaration that holds this codec spelt out each channel's
// static type as a union whose members came in the order the compiler first met them, so a
// fresh build and an incremental one wrote different API reports.
/** The codec of {@link SentContactChannels}. */
export interface SentContactChannelsC extends t.RefinementC<typeof SentContactProps> {}

/**
 * How to reach the lead, as a capture sends it: at least one channel with a value (not
 * `{ "tbc": true }`); the others may be left out.
 */
export const SentContactChannels: SentContactChannelsC = t.refinement(
  SentContactProps,
  (contact) =>
    REACHING_CHANNELS.some((channel) => {
      const value = contact[channel];
      return value !== undefined && !isToBeConfirmed(value);
    }),
  "ReachableContact",
);
withExpectation(
  SentContactChannels,
  'at least one way to reach them: a phone, an email, a messaging handle, an address or a fax with its value (not {"tbc": true}), like {"phone": "+86 138 0013 8000"}',
);
export type SentContactChannels = t.TypeOf<typeof SentContactChannels>;

/** Where the lead came from, as a capture sends it: the channel is required. */
export const SentSource = t.exact(
  t.intersection([
    t.type({ channel: Channel }),
    t.partial({
      sourceClass: Source.type.props.sourceClass,
      inquiryMode: Source.type.props.inquiryMode,
    }),
  ]),
  "Source",
);
withExpectation(
  SentSource,
  'how the lead came: an object with its channel, like {"channel": "exhibition"}',
);
export type SentSource = t.TypeOf<typeof SentSource>;

/** What the lead wants, as a capture sends it: any of it, or none. */
export const SentNeeds = leftOutAllowed(Needs.type.props);
/** The classification, as a capture sends it: any of it, or none. */
export const SentClassification = leftOutAllowed(Classification.type.props);

/** A party of a complete capture: its name is known, the rest a value or to be confirmed. */
export type CapturedParty =
  | (CompanyParty & { readonly companyName: NonEmptyString })
  | (IndividualParty & { readonly name: NonEmptyString });

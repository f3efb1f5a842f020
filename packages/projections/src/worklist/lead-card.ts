import { type CapturedPersonal, confirmedValue, isToBeConfirmed } from "@leadledger/core";
import * as t from "io-ts";
import { normaliseSearchText } from "./search-text.js";

/** The channels a card may name as the main contact, in the order one is picked. */
export type MainContactChannel = "phone" | "email" | "messaging" | "address" | "fax";

/** How to reach the lead first: the first channel that is not to be confirmed. */
export interface MainContact {
  /** Which channel it is. */
  readonly channel: MainContactChannel;
  /** As it was typed; a messaging handle as `platform: handle`. */
  readonly value: string;
}

/**
 * What a worklist row shows of a lead's personal data, and what a name search compares:
 * kept sealed under the lead's own data key (docs/privacy.md, "Search"), so that a purge,
 * which destroys the key, makes it unreadable at once.
 */
export interface LeadCard {
  /** The company's name for a company lead, the person's for an individual; `null` while both are to be confirmed. */
  readonly displayName: string | null;
  /**
   * The names a search by name looks in: the company's name and its legal representative
   * for a company, the person's name for an individual (those not to be confirmed).
   */
  readonly names: readonly string[];
  /** How to reach the lead first, or `null` when every channel is to be confirmed. */
  readonly mainContact: MainContact | null;
}

/** Contact channels as a lead's history holds them. */
type RecordedContact = CapturedPersonal["contact"];

const MAIN_CONTACT_ORDER: readonly MainContactChannel[] = [
  "phone",
  "email",
  "messaging",
  "address",
  "fax",
];

const contactValue = (
  contact: RecordedContact,
  channel: MainContactChannel,
): string | undefined => {
  if (channel === "messaging") {
    const messaging = confirmedValue(contact.messaging);
    return messaging === undefined ? undefined : `${messaging.platform}: ${messaging.handle}`;
  }
  const value = contact[channel];
  return isToBeConfirmed(value) ? undefined : (value as string);
};

/** The main contact of a lead's contact channels, or `null` when all are to be confirmed. */
export const mainContactOf = (contact: RecordedContact): MainContact | null => {
  for (const channel of MAIN_CONTACT_ORDER) {
    const value = contactValue(contact, channel);
    if (value !== undefined) return { channel, value };
  }
  return null;
};

/** The card of a lead, from its captured personal data with every amendment applied. */
export const leadCardOf = (personal: Pick<CapturedPersonal, "party" | "contact">): LeadCard => {
  const party = personal.party;
  const names: string[] = [];
  const add = (value: unknown): void => {
    if (typeof value === "string" && !names.includes(value)) names.push(value);
  };
  if (party.kind === "company") {
    add(confirmedValue(party.companyName));
    add(confirmedValue(party.legalRepresentative));
  } else {
    add(confirmedValue(party.name));
  }
  const displayName =
    party.kind === "company"
      ? (confirmedValue(party.companyName) ?? null)
      : (confirmedValue(party.name) ?? null);
  return {
    displayName,
    names,
    mainContact: mainContactOf(personal.contact),
  };
};

/**
 * Whether one of the card's names contains the query (both normalised with
 * {@link normaliseSearchText}). An empty query matches nothing.
 */
export const cardNameContains = (card: LeadCard, normalisedQuery: string): boolean =>
  normalisedQuery !== "" &&
  card.names.some((name) => normaliseSearchText(name).includes(normalisedQuery));

/** A card as it is sealed and opened again: checked on the way out of the store. */
export const LeadCardCodec: t.Type<LeadCard, unknown> = t.type({
  displayName: t.union([t.string, t.null]),
  names: t.readonlyArray(t.string),
  mainContact: t.union([
    t.null,
    t.type({
      channel: t.keyof({ phone: null, email: null, messaging: null, address: null, fax: null }),
      value: t.string,
    }),
  ]),
}) as t.Type<LeadCard, unknown>;

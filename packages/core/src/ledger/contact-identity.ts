import { createHmac } from "node:crypto";
import { type CountryCode, parsePhoneNumberFromString } from "libphonenumber-js";
import type { ContactChannels } from "../lead/capture-fields.js";
import { confirmedValue } from "../lead/values.js";

/** A phone number or e-mail address that identifies a person, in normalised form. */
export interface ContactIdentity {
  readonly kind: "phone" | "email";
  readonly normalised: string;
}

/**
 * A phone number in E.164 form, read with `defaultRegion` when it has no country code;
 * text that is no valid number falls back to its digits, so it still matches itself.
 */
export const normalisePhone = (phone: string, defaultRegion: CountryCode): string => {
  const parsed = parsePhoneNumberFromString(phone, defaultRegion);
  if (parsed?.isValid()) return parsed.number;
  return phone.replace(/[^0-9+]/g, "");
};

/** An e-mail address trimmed and in lower case. */
export const normaliseEmail = (email: string): string => email.trim().toLowerCase();

/** The confirmed phone and e-mail of a lead's contact channels, normalised. */
export const contactIdentities = (
  contact: Partial<ContactChannels> | undefined,
  defaultRegion: CountryCode,
): ContactIdentity[] => {
  const identities: ContactIdentity[] = [];
  const phone = contact?.phone === undefined ? undefined : confirmedValue(contact.phone);
  if (phone !== undefined) {
    const normalised = normalisePhone(phone, defaultRegion);
    if (normalised.length > 0) identities.push({ kind: "phone", normalised });
  }
  const email = contact?.email === undefined ? undefined : confirmedValue(contact.email);
  if (email !== undefined) {
    identities.push({ kind: "email", normalised: normaliseEmail(email) });
  }
  return identities;
};

/** Where reservations live: one stream per identity, named by a keyed hash, never the value. */
export const RESERVATION_STREAM_PREFIX = "contact-reservation-";

/** The keyed hash (HMAC-SHA-256) of an identity: its reservation and suppression name. */
export const identityDigest = (secret: Uint8Array, identity: ContactIdentity): string =>
  createHmac("sha256", secret).update(`${identity.kind}:${identity.normalised}`).digest("hex");

export const reservationStreamName = (secret: Uint8Array, identity: ContactIdentity): string =>
  `${RESERVATION_STREAM_PREFIX}${identityDigest(secret, identity)}`;

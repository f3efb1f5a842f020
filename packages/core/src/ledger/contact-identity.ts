import { createHmac } from "node:crypto";
import { domainToUnicode } from "node:url";
import { type CountryCode, parsePhoneNumberFromString } from "libphonenumber-js";
import skeletonOf from "unhomoglyph";
import type { ContactChannels } from "../lead/capture-fields.js";
import { INVISIBLE_CHARACTERS } from "../lead/email-address.js";
import { confirmedValue } from "../lead/values.js";

/** A phone number or e-mail address that identifies a person, in normalised form. */
export interface ContactIdentity {
  readonly kind: "phone" | "email";
  readonly normalised: string;
  /**
   * The form reservations and suppressions of this e-mail were named by before
   * {@link normaliseEmail} (trimmed, lower case: {@link legacyEmailForm}), when it differs
   * from `normalised`: facts recorded then live under that name.
   */
  readonly legacy?: string;
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

const MAILTO = /^mailto:/i;
const TRAILING_DOTS = /\.+$/;
const NON_ASCII_RUN = /[^\p{ASCII}]+/gu;

/**
 * The mailbox an e-mail address names, as duplicates and the suppression list compare it
 * (docs/privacy.md, "Duplicates"); what was typed is stored unchanged. Variants of one
 * address that a person would read as the same all give the same normal form:
 *
 * - compatibility forms (NFKC: full-width ａ is a), invisible characters (Unicode Cf and
 *   default-ignorable: zero-width space, joiners, soft hyphen, BOM) and surrounding space
 *   are dropped, and a `mailto:` prefix;
 * - case (mailboxes are case-blind in practice, and people type them in any case);
 * - the trailing dots of the domain (`example.com.` is the same host), and an IDN domain
 *   in Punycode (`xn--…`) is read as its Unicode form;
 * - a sub-address: `local+tag@domain` is `local@domain`, the mailbox the tag is delivered
 *   to;
 * - look-alike letters: every non-ASCII letter is mapped to its UTS #39 confusable
 *   skeleton (Unicode's confusables.txt, by the `unhomoglyph` package), so Cyrillic а, е,
 *   о, р, с, х read as Latin a, e, o, p, c, x. ASCII is left as it is: mapped too, `rn`
 *   would meet `m` and `l` would meet `1`, and distinct mailboxes would be taken for one.
 *
 * Provider-specific rules (Gmail ignores dots in the local part) are not applied.
 */
export const normaliseEmail = (email: string): string => {
  const text = email
    .normalize("NFKC")
    .replace(INVISIBLE_CHARACTERS, "")
    .trim()
    .replace(MAILTO, "")
    .toLowerCase();
  const at = text.lastIndexOf("@");
  let local = at < 0 ? text : text.slice(0, at);
  let domain = at < 0 ? "" : text.slice(at + 1).replace(TRAILING_DOTS, "");
  const tag = local.indexOf("+");
  if (tag > 0) local = local.slice(0, tag);
  if (domain.includes("xn--")) domain = domainToUnicode(domain) || domain;
  const mailbox = at < 0 ? local : `${local}@${domain}`;
  // A look-alike's skeleton may be upper case (Cherokee Ꭺ is A) or decomposed: the
  // mapped text is brought back to lower case and composed form.
  return mailbox
    .replace(NON_ASCII_RUN, (run) => skeletonOf(run.normalize("NFD")).normalize("NFD"))
    .toLowerCase()
    .normalize("NFC");
};

/**
 * An e-mail address as reservations and suppressions were named before issue 12 (item 13):
 * trimmed and in lower case, nothing else. Kept so that what was recorded then is still
 * found (docs/privacy.md, "One mailbox, one identity"); never change it.
 */
export const legacyEmailForm = (email: string): string => email.trim().toLowerCase();

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
    const normalised = normaliseEmail(email);
    const legacy = legacyEmailForm(email);
    identities.push(
      legacy === normalised ? { kind: "email", normalised } : { kind: "email", normalised, legacy },
    );
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

/**
 * The stream the identity's reservations and suppressions were recorded in under its
 * {@link ContactIdentity.legacy} form, when that differs from its normal form.
 */
export const legacyReservationStreamName = (
  secret: Uint8Array,
  identity: ContactIdentity,
): string | undefined =>
  identity.legacy === undefined
    ? undefined
    : reservationStreamName(secret, { kind: identity.kind, normalised: identity.legacy });

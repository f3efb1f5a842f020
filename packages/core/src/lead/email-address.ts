import { isEmailValid } from "@hapi/address";
import * as t from "io-ts";
import { NonEmptyString } from "./values.js";

/** The longest address SMTP carries (RFC 5321 §4.5.3.1.3). */
const MAX_EMAIL_LENGTH = 254;

/**
 * Characters nobody sees: format characters (Unicode Cf: zero-width space and joiners,
 * soft hyphen, bidi controls, BOM) and the other default-ignorable code points (Hangul
 * fillers, variation selectors, the combining grapheme joiner). They turn one address
 * into another that looks the same.
 */
export const INVISIBLE_CHARACTERS = /[\p{Cf}\p{Default_Ignorable_Code_Point}]/gu;
const HAS_INVISIBLE = /[\p{Cf}\p{Default_Ignorable_Code_Point}]/u;

/**
 * Whether text is one e-mail address as a person would type it in a form: `local@domain`
 * by @hapi/address (RFC 5321/5322 dot-atoms, internationalised local parts and domains
 * allowed, at least two domain labels, no quoted local parts, no IP literals), at most 254
 * characters, with no `mailto:`, no trailing dot and nothing invisible in it. Space around
 * it is let through (a pasted address often brings some); what is refused is never
 * guessed at: the rep types the address again.
 */
export const isEmailAddress = (text: string): boolean => {
  const address = text.trim();
  return address.length <= MAX_EMAIL_LENGTH && !HAS_INVISIBLE.test(text) && isEmailValid(address);
};

/**
 * An e-mail address of a lead's contact channels, validated at the boundary and stored
 * as it was typed (case, `+tag` and all); duplicates and the suppression list compare
 * its normal form (`normaliseEmail`, ledger/contact-identity.ts).
 */
export const EmailAddress = t.refinement(NonEmptyString, isEmailAddress, "EmailAddress");

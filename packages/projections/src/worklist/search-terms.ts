import { createHmac, hkdfSync } from "node:crypto";
import type { CapturedPersonal, LeadLedgerDeps } from "@leadledger/core";
import { confirmedValue } from "@leadledger/core";
import { normaliseEmail, normalisePhone } from "@leadledger/core/adapter";
import { nGramsOf, normaliseSearchText, queryGramsOf } from "./search-text.js";

// The blind index: a lead is found by keyed hashes of what it is searched by, never by the
// values. Whoever holds the index without the key learns which leads share a term and how
// often terms occur, not what the terms are (docs/privacy.md, "Search").

/** The key of the blind index: a sub-key of the ledger's secret, of its own use. */
export type SearchKey = Uint8Array & { readonly __searchKey: unique symbol };

/** Derives the blind index's key from the ledger's secret (HKDF-SHA-256, like the ledger's other sub-keys). */
export const searchKeyOf = (secret: Uint8Array): SearchKey =>
  new Uint8Array(hkdfSync("sha256", secret, "leadledger", "worklist-search", 32)) as SearchKey;

/** What a term is of: a name's n-gram, a phone number, an e-mail address. */
export type TermKind = "name" | "phone" | "email";

/** Region for phone numbers written without a country code, as the ledger reads them. */
export type PhoneRegion = NonNullable<LeadLedgerDeps["defaultPhoneRegion"]>;

/**
 * One term of the index: HMAC-SHA-256 of the kind and the normalised value under the
 * search key, cut to 128 bits (base64url, 22 characters): collisions among a ledger's
 * terms are out of reach, and the index is a third of the size.
 */
export const searchTerm = (key: SearchKey, kind: TermKind, normalised: string): string =>
  createHmac("sha256", key).update(`${kind}\u001f${normalised}`).digest("base64url").slice(0, 22);

/**
 * Every term a lead is found by: the n-grams of its names (as the card holds them), its
 * phone and its e-mail, normalised as duplicate detection normalises them, so that a search
 * and rule 9 agree on what one number or one mailbox is.
 */
export const searchTermsOf = (
  key: SearchKey,
  personal: Pick<CapturedPersonal, "contact">,
  names: readonly string[],
  region: PhoneRegion,
): readonly string[] => {
  const terms = new Set<string>();
  for (const name of names) {
    for (const gram of nGramsOf(normaliseSearchText(name))) {
      terms.add(searchTerm(key, "name", gram));
    }
  }
  const phone = confirmedValue(personal.contact.phone);
  if (phone !== undefined) {
    const normalised = normalisePhone(phone, region);
    if (normalised !== "") terms.add(searchTerm(key, "phone", normalised));
  }
  const email = confirmedValue(personal.contact.email);
  if (email !== undefined) terms.add(searchTerm(key, "email", normaliseEmail(email)));
  return [...terms];
};

/** What a search asks for: any of a name's substring, a phone and an e-mail, all to hold. */
export interface WorklistSearch {
  /** A substring of the company's or the person's name (compared normalised). */
  readonly name?: string;
  /** A phone number in any format the ledger reads. */
  readonly phone?: string;
  readonly email?: string;
}

/** The normalised forms of a search, as cards and terms are compared with them. */
export interface NormalisedSearch {
  /** The normalised name query, when a name is searched. */
  readonly name: string | undefined;
  /** The terms every candidate must be indexed under. */
  readonly terms: readonly string[];
  /**
   * Whether the leads indexed under the terms are exactly the matches: a phone, an e-mail,
   * and a name of one or two characters, which is itself an indexed n-gram. A longer name
   * is a substring only if its bigrams stand side by side: its candidates are a superset.
   */
  readonly exact: boolean;
}

/**
 * A search's terms. A name that normalises to nothing (only spaces) has none and so would
 * match every lead: the caller refuses it first ({@link normaliseSearchText}).
 */
export const searchTermsOfQuery = (
  key: SearchKey,
  search: WorklistSearch,
  region: PhoneRegion,
): NormalisedSearch => {
  const terms: string[] = [];
  const name = search.name === undefined ? undefined : normaliseSearchText(search.name);
  if (name !== undefined) {
    for (const gram of queryGramsOf(name)) terms.push(searchTerm(key, "name", gram));
  }
  if (search.phone !== undefined) {
    terms.push(searchTerm(key, "phone", normalisePhone(search.phone, region)));
  }
  if (search.email !== undefined) {
    terms.push(searchTerm(key, "email", normaliseEmail(search.email)));
  }
  return { name, terms, exact: name === undefined || Array.from(name).length <= 2 };
};

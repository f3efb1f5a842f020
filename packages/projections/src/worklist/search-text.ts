// How names are compared in search, on both sides: what the index stores and what a query
// asks for are brought to one form, then cut into the character n-grams the blind index
// keys. Chinese names have no spaces between words, so words are no unit to index: every
// character and every pair of neighbouring characters is.

const SPACE = /[\s\p{Z}\p{Cf}]+/gu;

/**
 * A name as search compares it: compatibility forms folded (NFKC: full-width Ａ is A, ㈱ is
 * (株)), lower case, and every space and invisible character dropped, so that `上海 华东`,
 * `上海华东` and `ＳＨＡＮＧＨＡＩ huadong` meet their plain forms.
 */
export const normaliseSearchText = (text: string): string =>
  text.normalize("NFKC").toLowerCase().replace(SPACE, "");

/** The code points of a normalised text (a character outside the BMP is one, not two). */
const charactersOf = (text: string): readonly string[] => Array.from(text);

/**
 * Every character and every pair of neighbouring characters of a normalised name, each
 * once: what the index keys for the name. Unigrams let a one-character query (`华`) be
 * answered; bigrams keep the postings of a longer query short.
 */
export const nGramsOf = (normalised: string): readonly string[] => {
  const characters = charactersOf(normalised);
  const grams = new Set<string>(characters);
  for (let i = 0; i + 1 < characters.length; i++) {
    grams.add(`${characters[i]}${characters[i + 1]}`);
  }
  return [...grams];
};

/**
 * The n-grams a name must hold for a normalised query to be a substring of it: the query
 * itself when it is one character, else each of its bigrams. Every name that contains the
 * query holds them all, so the leads indexed under all of them are a superset of the
 * matches; the substring check on the opened card decides.
 */
export const queryGramsOf = (normalised: string): readonly string[] => {
  const characters = charactersOf(normalised);
  if (characters.length <= 1) return characters;
  const grams = new Set<string>();
  for (let i = 0; i + 1 < characters.length; i++) {
    grams.add(`${characters[i]}${characters[i + 1]}`);
  }
  return [...grams];
};

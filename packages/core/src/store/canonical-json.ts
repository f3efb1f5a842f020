import type { JsonValue } from "./event-store.js";

/**
 * The canonical JSON (RFC 8785, JCS) of a JSON value: object keys sorted by UTF-16 code
 * units, no whitespace, numbers and strings as ECMAScript's JSON.stringify writes them.
 * Written as a loop because it runs several times for every command on the ledger's hot
 * path; the `canonicalize` package is the oracle its property test compares against.
 * Properties whose value is `undefined` are left out, as JSON.stringify does.
 */
export const canonicalJson = (value: JsonValue | undefined): string => {
  switch (typeof value) {
    case "string":
      return quotedString(value);
    case "number":
      if (!Number.isFinite(value)) throw new RangeError(`${value} has no JSON form`);
      // For finite numbers this is JSON.stringify's (and RFC 8785's) form.
      return String(value);
    case "boolean":
      return value ? "true" : "false";
    case "undefined":
      return "null";
    default:
      break;
  }
  if (value === null) return "null";
  if (Array.isArray(value)) {
    let text = "[";
    for (let i = 0; i < value.length; i++) {
      if (i > 0) text += ",";
      text += canonicalJson(value[i]);
    }
    return `${text}]`;
  }
  const object = value as { readonly [key: string]: JsonValue | undefined };
  const keys = sortedKeys(object);
  let text = "{";
  let first = true;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const item = object[key];
    if (item === undefined) continue;
    if (!first) text += ",";
    first = false;
    text += quotedKey(key);
    text += ":";
    text += canonicalJson(item);
  }
  return `${text}}`;
};

// The same few dozen keys recur in every event and command: quote each once.
const quotedKeys = new Map<string, string>();
const MAX_QUOTED_KEYS = 4096;
const quotedKey = (key: string): string => {
  let quoted = quotedKeys.get(key);
  if (quoted === undefined) {
    quoted = JSON.stringify(key);
    if (quotedKeys.size < MAX_QUOTED_KEYS) quotedKeys.set(key, quoted);
  }
  return quoted;
};

// Most strings here (ids, instants, enum values) need no escaping: quoting them directly
// skips a call into JSON.stringify. Anything it would escape, or a lone surrogate that
// RFC 8785 wants as JSON.stringify writes it, still goes through JSON.stringify.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what JSON escapes.
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;
const quotedString = (text: string): string =>
  NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`;

/**
 * The object's own enumerable keys in UTF-16 code-unit order (what `sort()` without a
 * comparator gives). An insertion sort is faster than the built-in for the handful of keys
 * an event or command object has.
 */
const sortedKeys = (object: object): string[] => {
  const keys = Object.keys(object);
  // Quadratic: beyond a few dozen keys the built-in's n log n wins.
  if (keys.length > 24) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i] as string;
    let j = i - 1;
    while (j >= 0 && (keys[j] as string) > key) {
      keys[j + 1] = keys[j] as string;
      j--;
    }
    keys[j + 1] = key;
  }
  return keys;
};

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
      return JSON.stringify(value);
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
  const keys = Object.keys(object).sort();
  let text = "{";
  let first = true;
  for (const key of keys) {
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

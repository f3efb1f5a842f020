import type { JsonValue } from "./event-store.js";

/**
 * The canonical JSON (RFC 8785, JCS) of a JSON value: object keys sorted by UTF-16 code
 * units, no whitespace, numbers and strings as ECMAScript's JSON.stringify writes them.
 * Written as a loop because it runs several times for every command on the ledger's hot
 * path; the `canonicalize` package is the oracle its property test compares against.
 * Properties whose value is `undefined` are left out, as JSON.stringify does.
 */
export const canonicalJson = (value: JsonValue | undefined): string => {
  if (value === null || typeof value !== "object") {
    if (typeof value === "number" && !Number.isFinite(value)) {
      throw new RangeError(`${value} has no JSON form`);
    }
    return JSON.stringify(value) ?? "null";
  }
  if (Array.isArray(value)) {
    let text = "[";
    for (let i = 0; i < value.length; i++) {
      if (i > 0) text += ",";
      const item = value[i];
      text += item === undefined ? "null" : canonicalJson(item);
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
    text += `${JSON.stringify(key)}:${canonicalJson(item)}`;
  }
  return `${text}}`;
};

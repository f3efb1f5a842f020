import type { EventToAppend } from "@leadledger/core";

/** An event ready for the events table: checked, with its data and metadata as JSON text. */
export interface EncodedEvent {
  readonly id: string;
  readonly type: string;
  readonly data: string;
  readonly metadata: string;
}

const isPlainObject = (value: unknown): value is { [key: string]: unknown } => {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
};

// JSON.stringify would quietly turn undefined into nothing, NaN into null and a Date into a
// string: the store would give back something else than it was given, so refuse instead.
// The check runs on every event appended; it says only whether the value is JSON, and the
// path of the first offender is worked out again only when there is one.
const isJson = (value: unknown): boolean => {
  switch (typeof value) {
    case "string":
    case "boolean":
      return true;
    case "number":
      return Number.isFinite(value);
    case "object": {
      if (value === null) return true;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) if (!isJson(value[i])) return false;
        return true;
      }
      if (!isPlainObject(value)) return false;
      for (const key in value) {
        if (Object.hasOwn(value, key) && !isJson(value[key])) return false;
      }
      return true;
    }
    default:
      return false;
  }
};

/** Throws the TypeError naming where `value` (known not to be JSON) stops being JSON. */
const refuse = (value: unknown, path: string): never => {
  if (typeof value === "number") throw new TypeError(`The ${path} is ${value}, not JSON`);
  if (typeof value !== "object") throw new TypeError(`The ${path} is ${typeof value}, not JSON`);
  if (value === null) throw new Error("null is JSON");
  if (Array.isArray(value)) {
    const i = value.findIndex((item) => !isJson(item));
    return refuse(value[i], `${path}[${i}]`);
  }
  if (!isPlainObject(value)) {
    throw new TypeError(`The ${path} is a ${value.constructor?.name ?? "object"}, not JSON`);
  }
  const key = Object.keys(value).find((name) => !isJson(value[name]));
  if (key === undefined) throw new Error("the value is JSON");
  return refuse(value[key], `${path}.${key}`);
};

const encodeObject = (value: unknown, path: string): string => {
  if (!isPlainObject(value)) throw new TypeError(`The ${path} is not a JSON object`);
  if (!isJson(value)) refuse(value, path);
  return JSON.stringify(value);
};

/**
 * Checks an event the way the in-memory reference store does and encodes it; throws a
 * `TypeError` (a bug of the caller) for anything a JSON column would not give back unchanged.
 */
export const encodeEvent = (stream: string, event: EventToAppend): EncodedEvent => {
  const { id, type } = event;
  if (typeof id !== "string" || id === "") {
    throw new TypeError(`An event for "${stream}" has no string id`);
  }
  if (typeof type !== "string" || type === "") {
    throw new TypeError(`Event ${id} for "${stream}" has no string type`);
  }
  return {
    id,
    type,
    data: encodeObject(event.data, `data of event ${id}`),
    metadata: encodeObject(event.metadata, `metadata of event ${id}`),
  };
};

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
const checkJson = (value: unknown, path: string): void => {
  switch (typeof value) {
    case "string":
    case "boolean":
      return;
    case "number":
      if (!Number.isFinite(value)) throw new TypeError(`The ${path} is ${value}, not JSON`);
      return;
    case "object":
      if (value === null) return;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) checkJson(value[i], `${path}[${i}]`);
        return;
      }
      if (!isPlainObject(value)) {
        throw new TypeError(`The ${path} is a ${value.constructor?.name ?? "object"}, not JSON`);
      }
      for (const key of Object.keys(value)) checkJson(value[key], `${path}.${key}`);
      return;
    default:
      throw new TypeError(`The ${path} is ${typeof value}, not JSON`);
  }
};

const encodeObject = (value: unknown, path: string): string => {
  if (!isPlainObject(value)) throw new TypeError(`The ${path} is not a JSON object`);
  checkJson(value, path);
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

import * as t from "io-ts";
import type { InputProblem } from "./errors.js";
import { EARLIEST_DATE_YEAR, EARLIEST_INSTANT_YEAR, LATEST_YEAR } from "./values.js";

// A person reads these: each names what to write, in words and with an example, so that
// "Instant" or "CalendarDate" never reaches a form. The codec's name stays in `type` for
// programs that key on it.

/** What the core's named codecs accept, in words; keyed by the codec's name. */
const NAMED_EXPECTATIONS: Readonly<Record<string, string>> = {
  NonEmptyString: `text, not blank, at most 4,000 characters`,
  Instant: `an ISO-8601 instant with offset, like 2026-11-20T08:00:00Z or 2026-11-20T16:00:00+08:00 (a day that exists, years ${EARLIEST_INSTANT_YEAR}–${LATEST_YEAR}, offset up to ±14:00)`,
  CalendarDate: `a calendar date YYYY-MM-DD, like 2026-11-20 (a day that exists, years ${EARLIEST_DATE_YEAR}–${LATEST_YEAR})`,
  LeadId: "a lead id: a UUID in lower case, like 0190c3e4-7a1b-7c2d-8e3f-4a5b6c7d8e9f",
  CommandId: "1 to 128 visible ASCII characters (letters, digits, punctuation; no spaces)",
  Identifier: "an id of 1 to 128 characters, without leading or trailing blanks",
  NonNegativeAmount: "a number, 0 or more",
  Area: "square metres, a number 0 or more",
  CurrencyCode: "an ISO 4217 currency code of three capital letters, like CNY",
  Count: "a whole number, 0 or more",
  Age: "an age in years, a whole number from 0 to 150",
  EmailAddress:
    "one e-mail address, like name@example.com (at most 254 characters, no mailto:, no trailing dot)",
  Money: 'an amount of money, like {"amount": 500000, "currency": "CNY"}',
  MoneyRange:
    'a range of money with min not above max, like {"min": 100000, "max": 500000, "currency": "CNY"}',
  AreaRange:
    'a range of floor area in square metres with min not above max, like {"minSquareMetres": 80, "maxSquareMetres": 120}',
  MessagingHandle: 'a messaging handle, like {"platform": "WeChat", "handle": "li_ming"}',
  Owner: 'an owner, like {"repId": "rep-1", "department": "east"}',
  ToBeConfirmed: '{"tbc": true} (to be confirmed)',
};

const registered = new WeakMap<t.Decoder<unknown, unknown>, string>();

/**
 * Gives a codec the words an input problem uses for what it accepts, such as "a whole
 * number from 1 to 500" for a page size read from a query string. Returns the codec itself.
 */
export const withExpectation = <C extends t.Decoder<unknown, unknown>>(
  codec: C,
  expected: string,
): C => {
  registered.set(codec, expected);
  return codec;
};

/** What a codec accepts, in words a person can act on. */
const expectationOf = (codec: t.Decoder<unknown, unknown>): string => {
  const own = registered.get(codec) ?? NAMED_EXPECTATIONS[codec.name];
  if (own !== undefined) return own;
  if (codec instanceof t.KeyofType) return `one of: ${Object.keys(codec.keys).join(", ")}`;
  if (codec instanceof t.LiteralType) return `exactly ${JSON.stringify(codec.value)}`;
  if (codec instanceof t.UnionType) {
    const values = literalValuesOf(codec);
    if (values !== undefined) return `one of: ${values.join(", ")}`;
    return (codec.types as t.Mixed[]).map(expectationOf).join(", or ");
  }
  if (codec instanceof t.StringType) return "text";
  if (codec instanceof t.NumberType) return "a number";
  if (codec instanceof t.BooleanType) return "true or false";
  if (codec instanceof t.NullType) return "null";
  if (codec instanceof t.ArrayType || codec instanceof t.ReadonlyArrayType) {
    return `a list, each ${expectationOf(codec.type)}`;
  }
  if (codec instanceof t.ReadonlyType) return expectationOf(codec.type);
  if (codec instanceof t.RefinementType) return `${expectationOf(codec.type)} (${codec.name})`;
  if (objectPropsOf(codec as t.Mixed) !== undefined || codec.name === "UnknownRecord") {
    return "an object";
  }
  return `a valid value (${codec.name})`;
};

/** The problem of a value that is not what `codec` accepts, at `path`: for checks made by hand. */
export const inputProblemAt = (path: string, codec: t.Decoder<unknown, unknown>): InputProblem => ({
  path,
  expected: expectationOf(codec),
  type: codec.name,
});

/** The values of a union of literals and enumerations, or `undefined` for other unions. */
const literalValuesOf = (codec: t.Mixed): string[] | undefined => {
  if (codec instanceof t.LiteralType) return [String(codec.value)];
  if (codec instanceof t.KeyofType) return Object.keys(codec.keys);
  if (codec instanceof t.UnionType) {
    const parts = (codec.types as t.Mixed[]).map(literalValuesOf);
    return parts.every((part) => part !== undefined) ? parts.flat() : undefined;
  }
  return undefined;
};

/** The properties of an object codec (through exact, readonly, refinements, intersections). */
const objectPropsOf = (codec: t.Mixed): t.Props | undefined => {
  if (codec instanceof t.InterfaceType || codec instanceof t.PartialType) return codec.props;
  if (codec instanceof t.ExactType || codec instanceof t.ReadonlyType) {
    return objectPropsOf(codec.type);
  }
  if (codec instanceof t.RefinementType) return objectPropsOf(codec.type);
  if (codec instanceof t.IntersectionType) {
    const parts = (codec.types as t.Mixed[]).map(objectPropsOf);
    return parts.every((part) => part !== undefined) ? Object.assign({}, ...parts) : undefined;
  }
  return undefined;
};

/** Each property of an object codec (or of every alternative of a union) fixed to literals. */
const literalPropsOf = (codec: t.Mixed): Map<string, Set<unknown>> => {
  const found = new Map<string, Set<unknown>>();
  if (codec instanceof t.UnionType) {
    const parts = (codec.types as t.Mixed[]).map(literalPropsOf);
    const [first, ...rest] = parts;
    for (const [key, values] of first ?? []) {
      if (rest.every((part) => part.has(key))) {
        found.set(key, new Set([...values, ...rest.flatMap((part) => [...(part.get(key) ?? [])])]));
      }
    }
    return found;
  }
  for (const [key, prop] of Object.entries(objectPropsOf(codec) ?? {})) {
    if (prop instanceof t.LiteralType) found.set(key, new Set([prop.value]));
  }
  return found;
};

/** Which alternative of a union an input is meant for, or the one problem that says so. */
type MeantAlternative =
  | { readonly index: number }
  | { readonly key: string | undefined; readonly expected: string };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * The alternative an input is meant for: by a discriminant (a property every alternative
 * fixes to its own literal, such as `by` or `kind`) when there is one; otherwise the one
 * whose literal properties the input names (`{"tbc": …}`), else the first without any.
 */
const meantAlternativeOf = (union: t.UnionType<t.Mixed[]>, actual: unknown): MeantAlternative => {
  const alternatives = union.types.map(literalPropsOf);
  const discriminant = [...literalPropsOf(union)].find(([, values]) => values.size > 1);
  if (discriminant !== undefined) {
    const [key, values] = discriminant;
    const allowed = `one of: ${[...values].join(", ")}`;
    if (!isRecord(actual))
      return { key: undefined, expected: `an object whose ${key} is ${allowed}` };
    const index = alternatives.findIndex((literals) => literals.get(key)?.has(actual[key]));
    return index >= 0 ? { index } : { key, expected: allowed };
  }
  const named = alternatives.findIndex(
    (literals) =>
      literals.size > 0 && isRecord(actual) && [...literals.keys()].some((key) => key in actual),
  );
  if (named >= 0) return { index: named };
  const plain = alternatives.findIndex((literals) => literals.size === 0);
  return { index: Math.max(plain, 0) };
};

const unwrapped = (codec: t.Decoder<unknown, unknown>): t.Decoder<unknown, unknown> =>
  codec instanceof t.ExactType || codec instanceof t.ReadonlyType ? unwrapped(codec.type) : codec;

const TO_BE_CONFIRMED_HINT = ', or {"tbc": true} while it is to be confirmed';

/**
 * What io-ts found wrong with an input, as problems a person can act on: each names its
 * dotted path under `prefix` (array items by index, union and intersection branches left
 * out), says in words what is expected there (the format, the allowed values) and keeps
 * the codec's name in `type`. Of a union, only the alternative the input is meant for is
 * reported (see {@link meantAlternativeOf}). Every problem is listed, each once.
 */
export const inputProblemsOf = (errors: t.Errors, prefix: string): InputProblem[] => {
  const problems = new Map<string, InputProblem>();
  const report = (problem: InputProblem): void => {
    const id = `${problem.path}|${problem.expected}`;
    if (!problems.has(id)) problems.set(id, problem);
  };
  for (const error of errors) {
    const keys = prefix === "" ? [] : [prefix];
    let hint = "";
    let reported = false;
    let branch = false;
    const context = error.context;
    for (let i = 0; i < context.length && !reported; i++) {
      const entry = context[i] as t.ContextEntry;
      // A union's or an intersection's branch index is no part of the path.
      if (i > 0 && entry.key !== "" && !branch) keys.push(entry.key);
      branch = false;
      const codec = unwrapped(entry.type);
      const next = context[i + 1];
      if (codec instanceof t.UnionType) {
        const meant = meantAlternativeOf(codec, entry.actual);
        if ("expected" in meant) {
          report({
            path: [...keys, ...(meant.key === undefined ? [] : [meant.key])].join("."),
            expected: meant.expected,
            type: meant.key === undefined ? entry.type.name : `${entry.type.name}.${meant.key}`,
          });
          reported = true;
        } else if (next === undefined) {
          // io-ts refused the union as a whole (its own tag check): described below.
        } else if (Number(next.key) !== meant.index) {
          reported = true; // another alternative's problem: not what the input is meant for
        } else {
          hint =
            (codec.types as t.Mixed[]).some(
              (alternative) => alternative.name === "ToBeConfirmed",
            ) &&
            next.type.name !== "ToBeConfirmed" &&
            i + 2 === context.length
              ? TO_BE_CONFIRMED_HINT
              : "";
          branch = true;
        }
      } else if (codec instanceof t.IntersectionType && next !== undefined) {
        branch = true;
      }
    }
    if (reported) continue;
    const leaf = context[context.length - 1]?.type;
    report({
      path: keys.join("."),
      expected: leaf === undefined ? "a valid value" : `${expectationOf(leaf)}${hint}`,
      type: leaf?.name ?? "unknown",
    });
  }
  return [...problems.values()];
};

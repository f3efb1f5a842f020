import * as t from "io-ts";

/** A JSON Schema (the OpenAPI 3 subset this adapter writes) as a plain object. */
export type JsonSchema = { readonly [keyword: string]: unknown };

/**
 * What the named refinements and brands of the core check, in JSON Schema words. A
 * predicate cannot be read back out of a codec, so each name the core uses says here what
 * its predicate means; an unknown name is still documented, by its name.
 */
export const CORE_REFINEMENT_SCHEMAS: Readonly<Record<string, JsonSchema>> = {
  NonEmptyString: {
    minLength: 1,
    maxLength: 4000,
    description: "at least one non-blank character",
  },
  Instant: {
    format: "date-time",
    description:
      "ISO-8601 with an explicit offset (up to ±14:00): a day that exists, years 1900–9999",
  },
  CalendarDate: { format: "date", description: "a day that exists, years 1583–9999" },
  EmailAddress: {
    format: "email",
    maxLength: 254,
    description: "one address: no mailto:, no trailing dot, no invisible characters",
  },
  LeadId: {
    format: "uuid",
    pattern: "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
  },
  CommandId: { pattern: "^[\\x21-\\x7e]{1,128}$" },
  Identifier: { minLength: 1, maxLength: 128, description: "no leading or trailing blanks" },
  NonNegativeAmount: { minimum: 0 },
  Area: { minimum: 0 },
  CurrencyCode: { pattern: "^[A-Z]{3}$" },
  Count: { type: "integer", minimum: 0 },
  Age: { maximum: 150 },
  MoneyRange: { description: "min is not above max" },
  AreaRange: { description: "minSquareMetres is not above maxSquareMetres" },
  ReachableContact: {
    minProperties: 1,
    description:
      'at least one of phone, email, messaging, address, fax with its value (not {"tbc": true}); the others may be left out',
  },
};

const documented = new WeakMap<t.Mixed, JsonSchema>();

/**
 * Gives a hand-written codec (one built with `new t.Type`, such as a number read from a
 * query string) the schema of what it accepts. Returns the codec itself.
 */
export const withJsonSchema = <C extends t.Mixed>(codec: C, schema: JsonSchema): C => {
  documented.set(codec, schema);
  return codec;
};

interface ObjectParts {
  readonly properties: Record<string, JsonSchema>;
  readonly required: string[];
}

/** How a conversion writes objects: open (request bodies) or closed (answers). */
interface Conversion {
  readonly hints: Readonly<Record<string, JsonSchema>>;
  readonly closed: boolean;
}

const objectSchema = (parts: ObjectParts, closed: boolean): JsonSchema => ({
  type: "object",
  properties: parts.properties,
  ...(parts.required.length === 0 ? {} : { required: parts.required }),
  ...(closed ? { additionalProperties: false } : {}),
});

const propsSchema = (
  props: t.Props,
  required: boolean,
  convert: (codec: t.Mixed) => JsonSchema,
): ObjectParts => {
  const properties: Record<string, JsonSchema> = {};
  for (const [name, codec] of Object.entries(props)) properties[name] = convert(codec);
  return { properties, required: required ? Object.keys(props) : [] };
};

/** The object parts of a schema that is a plain object schema, else `undefined`. */
const plainObject = (schema: JsonSchema): ObjectParts | undefined => {
  const keys = Object.keys(schema);
  if (
    schema.type !== "object" ||
    !keys.every((k) => ["type", "properties", "required", "additionalProperties"].includes(k)) ||
    (schema.additionalProperties !== undefined && schema.additionalProperties !== false)
  ) {
    return undefined;
  }
  const properties = schema.properties;
  const required = schema.required;
  if (typeof properties !== "object" || properties === null) return undefined;
  return {
    properties: { ...(properties as Record<string, JsonSchema>) },
    required: Array.isArray(required) ? required.filter((r) => typeof r === "string") : [],
  };
};

/**
 * Converts an io-ts codec to the JSON Schema of what it accepts, for the kinds the core's
 * codecs are made of: type/strict/exact/partial, intersection, union, literal, keyof,
 * array, refinement and brand, and the primitive types. Intersections of plain objects are
 * merged into one object so that OpenAPI tools show one form. Extra properties are left
 * open because io-ts strips them instead of refusing them.
 *
 * @param hints what named refinements check (defaults to {@link CORE_REFINEMENT_SCHEMAS})
 * @throws for a codec kind it does not know: a route would otherwise document a lie
 */
export const toJsonSchema = (
  codec: t.Mixed,
  hints: Readonly<Record<string, JsonSchema>> = CORE_REFINEMENT_SCHEMAS,
): JsonSchema => convertCodec(codec, { hints, closed: false });

/**
 * The JSON Schema of an answer's codec: as {@link toJsonSchema}, but every object is
 * closed (`additionalProperties: false`). Answers are built by typed code, so a field the
 * schema does not name is one the documentation forgot, and a test that validates the
 * answers against it finds it.
 *
 * @throws for an intersection that is not of plain objects: closed parts cannot be combined
 */
export const toAnswerSchema = (
  codec: t.Mixed,
  hints: Readonly<Record<string, JsonSchema>> = CORE_REFINEMENT_SCHEMAS,
): JsonSchema => convertCodec(codec, { hints, closed: true });

const convertCodec = (codec: t.Mixed, conversion: Conversion): JsonSchema => {
  const { hints, closed } = conversion;
  const convert = (c: t.Mixed): JsonSchema => convertCodec(c, conversion);
  const own = documented.get(codec);
  if (own !== undefined) return own;
  // Read before the kind checks below narrow the codec away.
  const name = codec.name;
  if (isKind(codec, t.DictionaryType)) {
    return { type: "object", additionalProperties: convert(codec.codomain as t.Mixed) };
  }
  if (isKind(codec, t.AnyDictionaryType)) return { type: "object" };
  if (isKind(codec, t.InterfaceType) || isKind(codec, t.StrictType)) {
    return objectSchema(propsSchema(codec.props as t.Props, true, convert), closed);
  }
  if (isKind(codec, t.PartialType)) {
    return objectSchema(propsSchema(codec.props as t.Props, false, convert), closed);
  }
  if (isKind(codec, t.ExactType) || isKind(codec, t.ReadonlyType)) {
    return convert(codec.type as t.Mixed);
  }
  if (isKind(codec, t.IntersectionType)) {
    const parts = (codec.types as t.Mixed[]).map(convert);
    const objects = parts.map(plainObject);
    if (objects.every((o): o is ObjectParts => o !== undefined)) {
      const merged: ObjectParts = { properties: {}, required: [] };
      for (const o of objects) {
        Object.assign(merged.properties, o.properties);
        for (const r of o.required) if (!merged.required.includes(r)) merged.required.push(r);
      }
      return objectSchema(merged, closed);
    }
    if (closed) throw new TypeError(`no closed JSON Schema for the intersection ${name}`);
    return { allOf: parts };
  }
  if (isKind(codec, t.UnionType)) return { oneOf: (codec.types as t.Mixed[]).map(convert) };
  if (isKind(codec, t.LiteralType)) {
    const value: unknown = codec.value;
    return { type: typeof value, enum: [value] };
  }
  if (isKind(codec, t.KeyofType)) {
    return { type: "string", enum: Object.keys(codec.keys as object) };
  }
  if (isKind(codec, t.ArrayType) || isKind(codec, t.ReadonlyArrayType)) {
    return { type: "array", items: convert(codec.type as t.Mixed) };
  }
  if (isKind(codec, t.RefinementType)) {
    const base = convert(codec.type as t.Mixed);
    const hint = hints[codec.name];
    return hint === undefined
      ? { ...base, description: `must satisfy ${codec.name}` }
      : { ...base, ...hint };
  }
  if (isKind(codec, t.StringType)) return { type: "string" };
  if (isKind(codec, t.NumberType)) return { type: "number" };
  if (isKind(codec, t.BooleanType)) return { type: "boolean" };
  if (isKind(codec, t.NullType)) return { type: "null" };
  if (isKind(codec, t.UnknownType)) return {};
  const described = hints[name];
  if (described !== undefined) return described;
  throw new TypeError(`no JSON Schema for the io-ts codec ${name}`);
};

// `instanceof` keeps the conversion free of casts on the codec; the generic parameters
// of io-ts's classes are erased at run time, so the narrowed type says `any` inside.
// biome-ignore lint/suspicious/noExplicitAny: io-ts classes are generic over erased types
const isKind = <C extends abstract new (...args: any[]) => unknown>(
  codec: t.Mixed,
  kind: C,
): codec is t.Mixed & InstanceType<C> => codec instanceof kind;

/**
 * The schema without some properties, with others made optional or required: what a route
 * body is once the path, the headers or the server supply those fields, and once the rules
 * `decide` checks beyond the codec are said. Walks merged objects and
 * the members of `allOf`/`oneOf`.
 */
export const reshapeObjectSchema = (
  schema: JsonSchema,
  change: {
    readonly omit?: readonly string[];
    readonly optional?: readonly string[];
    /** Required wherever the object has them: rules the codec leaves to `decide`. */
    readonly require?: readonly string[];
    /** New schemas for properties, wherever the object has them. */
    readonly replace?: Readonly<Record<string, JsonSchema>>;
  },
): JsonSchema => {
  const omit = new Set(change.omit ?? []);
  const optional = new Set(change.optional ?? []);
  const require = change.require ?? [];
  const walk = (s: JsonSchema): JsonSchema => {
    if (Array.isArray(s.allOf)) return { ...s, allOf: (s.allOf as JsonSchema[]).map(walk) };
    if (Array.isArray(s.oneOf)) return { ...s, oneOf: (s.oneOf as JsonSchema[]).map(walk) };
    if (s.type !== "object" || typeof s.properties !== "object" || s.properties === null) return s;
    const properties = Object.fromEntries(
      Object.entries(s.properties as Record<string, JsonSchema>)
        .filter(([k]) => !omit.has(k))
        .map(([k, property]) => [k, change.replace?.[k] ?? property]),
    );
    const required = Array.isArray(s.required)
      ? (s.required as string[]).filter((k) => !omit.has(k) && !optional.has(k))
      : [];
    for (const name of require) {
      if (name in properties && !required.includes(name)) required.push(name);
    }
    const { required: _dropped, ...rest } = s;
    return required.length === 0 ? { ...rest, properties } : { ...rest, properties, required };
  };
  return walk(schema);
};

/**
 * The object schema with an example for some of its properties (`examples`, which
 * @fastify/swagger shows as each parameter's `example`).
 *
 * @throws for a property the schema does not have: an example must not outlive its field
 */
export const withPropertyExamples = (
  schema: JsonSchema,
  examples: Readonly<Record<string, unknown>>,
): JsonSchema => {
  const properties = { ...(schema.properties as Record<string, JsonSchema> | undefined) };
  for (const [name, example] of Object.entries(examples)) {
    const property = properties[name];
    if (property === undefined) throw new TypeError(`no property ${name} to give an example`);
    properties[name] = { ...property, examples: [example] };
  }
  return { ...schema, properties };
};

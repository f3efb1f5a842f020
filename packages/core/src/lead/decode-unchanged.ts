import * as E from "fp-ts/lib/Either.js";
import * as t from "io-ts";

/**
 * Decodes with io-ts, skipping its work when the input is already exactly a value of the
 * codec: valid (the codec's guard passes, refinements and brands included) and holding
 * nothing that decoding would strip. Such an input is returned as it is; anything else —
 * invalid, with unknown keys, or a codec with a part this does not know (one that may
 * transform what it decodes) — goes through `codec.decode`, so the result is always what
 * io-ts would give, up to object identity.
 *
 * io-ts's decode builds a context array for every property it visits, and the ledger and
 * the HTTP adapter decode every command: the guard allocates nothing.
 */
export const decodeUnchanged = <A>(
  codec: t.Decoder<unknown, A>,
  input: unknown,
): t.Validation<A> =>
  codec instanceof t.Type && isPlain(codec) && codec.is(input) && keepsEverything(codec, input)
    ? E.right(input as A)
    : codec.decode(input);

const plain = new WeakMap<t.Mixed, boolean>();

/**
 * Whether a codec is built only of kinds that decode without transforming: for those, a
 * guard passes exactly when decoding succeeds, which the shortcut relies on (a union
 * decodes with its first member that accepts the value).
 */
const isPlain = (codec: t.Mixed): boolean => {
  const known = plain.get(codec);
  if (known !== undefined) return known;
  let verdict: boolean;
  if (
    codec instanceof t.ExactType ||
    codec instanceof t.RefinementType ||
    codec instanceof t.ArrayType ||
    codec instanceof t.ReadonlyArrayType
  ) {
    verdict = isPlain(codec.type as t.Mixed);
  } else if (
    codec instanceof t.InterfaceType ||
    codec instanceof t.PartialType ||
    codec instanceof t.StrictType
  ) {
    verdict = Object.values(codec.props as t.Props).every(isPlain);
  } else if (codec instanceof t.IntersectionType || codec instanceof t.UnionType) {
    verdict = (codec.types as readonly t.Mixed[]).every(isPlain);
  } else {
    verdict =
      codec instanceof t.LiteralType ||
      codec instanceof t.KeyofType ||
      codec instanceof t.StringType ||
      codec instanceof t.NumberType ||
      codec instanceof t.BooleanType ||
      codec instanceof t.NullType ||
      codec instanceof t.UndefinedType;
  }
  plain.set(codec, verdict);
  return verdict;
};

/**
 * Whether decoding a value that passes the codec's guard would keep every key of it, at
 * every depth. `false` for codec kinds not listed here: decoding then decides.
 */
const keepsEverything = (codec: t.Mixed, value: unknown): boolean => {
  if (codec instanceof t.ExactType || codec instanceof t.StrictType) {
    const known = propsOf(codec);
    if (known === undefined || !onlyKeys(value, (key) => Object.hasOwn(known, key))) {
      return false;
    }
    return codec instanceof t.StrictType
      ? propsKeepEverything(codec.props as t.Props, value)
      : keepsEverything(codec.type as t.Mixed, value);
  }
  if (codec instanceof t.InterfaceType || codec instanceof t.PartialType) {
    return propsKeepEverything(codec.props as t.Props, value);
  }
  if (codec instanceof t.IntersectionType) {
    const members = codec.types as readonly t.Mixed[];
    if (!members.every((member) => keepsEverything(member, value))) return false;
    // io-ts merges what each member kept: a key survives if one member keeps it.
    if (members.some((member) => !isExact(member))) return true;
    const kept = new Set<string>();
    for (const member of members) {
      const props = propsOf(member);
      if (props === undefined) return false;
      for (const key of Object.keys(props)) kept.add(key);
    }
    return onlyKeys(value, (key) => kept.has(key));
  }
  if (codec instanceof t.UnionType) {
    // Decoding takes the first member that accepts the value; for codecs that transform
    // nothing, that is the first whose guard passes.
    const chosen = (codec.types as readonly t.Mixed[]).find((member) => member.is(value));
    return chosen !== undefined && keepsEverything(chosen, value);
  }
  if (codec instanceof t.ArrayType || codec instanceof t.ReadonlyArrayType) {
    const item = codec.type as t.Mixed;
    const array = value as readonly unknown[];
    // An index loop: the guard's `every` skips holes, which decoding reads as undefined.
    for (let i = 0; i < array.length; i++) {
      if (!item.is(array[i]) || !keepsEverything(item, array[i])) return false;
    }
    return true;
  }
  if (codec instanceof t.RefinementType) return keepsEverything(codec.type as t.Mixed, value);
  return (
    codec instanceof t.LiteralType ||
    codec instanceof t.KeyofType ||
    codec instanceof t.StringType ||
    codec instanceof t.NumberType ||
    codec instanceof t.BooleanType ||
    codec instanceof t.NullType ||
    codec instanceof t.UndefinedType
  );
};

const propsKeepEverything = (props: t.Props, value: unknown): boolean => {
  const object = value as { readonly [key: string]: unknown };
  for (const key in props) {
    const item = object[key];
    if (item !== undefined && !keepsEverything(props[key] as t.Mixed, item)) return false;
  }
  return true;
};

/** Own property names, as io-ts's key stripping lists them (non-enumerable ones too). */
const onlyKeys = (value: unknown, isKnown: (key: string) => boolean): boolean => {
  for (const key of Object.getOwnPropertyNames(value)) if (!isKnown(key)) return false;
  return true;
};

/** Exact codecs strip the keys they do not know; the others keep them. */
const isExact = (codec: t.Mixed): boolean =>
  codec instanceof t.ExactType ||
  codec instanceof t.StrictType ||
  (codec instanceof t.RefinementType && isExact(codec.type as t.Mixed));

/** The keys an object codec knows, where it is one io-ts reads keys from. */
const propsOf = (codec: t.Mixed): t.Props | undefined => {
  if (
    codec instanceof t.InterfaceType ||
    codec instanceof t.PartialType ||
    codec instanceof t.StrictType
  ) {
    return codec.props as t.Props;
  }
  if (codec instanceof t.ExactType || codec instanceof t.RefinementType) {
    return propsOf(codec.type as t.Mixed);
  }
  if (codec instanceof t.IntersectionType) {
    const merged: Record<string, t.Mixed> = {};
    for (const member of codec.types as readonly t.Mixed[]) {
      const props = propsOf(member);
      if (props === undefined) return undefined;
      Object.assign(merged, props);
    }
    return merged;
  }
  return undefined;
};

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
): t.Validation<A> => {
  if (!(codec instanceof t.Type)) return codec.decode(input);
  const keepsEverything = checkOf(codec);
  return keepsEverything !== null && codec.is(input) && keepsEverything(input)
    ? E.right(input as A)
    : codec.decode(input);
};

/**
 * Whether decoding a value that passes the codec's guard would keep every key of it, at
 * every depth.
 */
type KeepsEverything = (value: unknown) => boolean;

const ALWAYS: KeepsEverything = () => true;

// Checks are built once per codec: walking the codec's structure on every input cost as
// much as the decoding it saves.
const checks = new WeakMap<t.Mixed, KeepsEverything | null>();

/**
 * The check for a codec, or `null` when the codec has a part of a kind not listed here —
 * one that may transform what it decodes, so that a guard passing no longer means decoding
 * gives the value back (a union decodes with its first member that accepts the value,
 * which is the first whose guard passes only when no member transforms).
 */
const checkOf = (codec: t.Mixed): KeepsEverything | null => {
  const known = checks.get(codec);
  if (known !== undefined) return known;
  const made = compile(codec);
  checks.set(codec, made);
  return made;
};

const compile = (codec: t.Mixed): KeepsEverything | null => {
  if (codec instanceof t.ExactType || codec instanceof t.StrictType) {
    const props = propsOf(codec);
    const inner =
      codec instanceof t.StrictType
        ? propsCheck(codec.props as t.Props)
        : checkOf(codec.type as t.Mixed);
    if (props === undefined || inner === null) return null;
    const known = new Set(Object.keys(props));
    return (value) => onlyKeys(value, known) && inner(value);
  }
  if (codec instanceof t.InterfaceType || codec instanceof t.PartialType) {
    return propsCheck(codec.props as t.Props);
  }
  if (codec instanceof t.IntersectionType) {
    const members = codec.types as readonly t.Mixed[];
    const memberChecks = members.map(checkOf);
    if (memberChecks.some((check) => check === null)) return null;
    const all = memberChecks as KeepsEverything[];
    // io-ts merges what each member kept: a key survives if one member keeps it, and a
    // member that is not exact keeps them all.
    let known: Set<string> | undefined;
    if (members.every(isExact)) {
      known = new Set();
      for (const member of members) {
        const props = propsOf(member);
        if (props === undefined) return null;
        for (const key of Object.keys(props)) known.add(key);
      }
    }
    return (value) => {
      for (const check of all) if (!check(value)) return false;
      return known === undefined || onlyKeys(value, known);
    };
  }
  if (codec instanceof t.UnionType) {
    const members = codec.types as readonly t.Mixed[];
    const memberChecks = members.map(checkOf);
    if (memberChecks.some((check) => check === null)) return null;
    const all = memberChecks as KeepsEverything[];
    // Decoding takes the first member the value is. A member that keeps everything of any
    // value it is need not be found: only a member that might drop something is asked
    // whether the value is one, and only then the members before it. A confirmable field
    // (a value or `{ "tbc": true }`) holding its value asks `{ "tbc": true }`, which fails at
    // once, instead of validating the value a second time (an e-mail address's is costly).
    const mightDrop = all.flatMap((check, index) => (check === ALWAYS ? [] : [index]));
    if (mightDrop.length === 0) return ALWAYS;
    return (value) => {
      for (const candidate of mightDrop) {
        if (!(members[candidate] as t.Mixed).is(value)) continue;
        for (let i = 0; i < candidate; i++) {
          if ((members[i] as t.Mixed).is(value)) return (all[i] as KeepsEverything)(value);
        }
        return (all[candidate] as KeepsEverything)(value);
      }
      // The value is one of the union's members (its checks only meet values their codec
      // is), and the first it is keeps everything.
      return true;
    };
  }
  if (codec instanceof t.ArrayType || codec instanceof t.ReadonlyArrayType) {
    const item = codec.type as t.Mixed;
    const itemCheck = checkOf(item);
    if (itemCheck === null) return null;
    return (value) => {
      const array = value as readonly unknown[];
      // An index loop: the guard's `every` skips holes, which decoding reads as undefined.
      for (let i = 0; i < array.length; i++) {
        if (!item.is(array[i]) || !itemCheck(array[i])) return false;
      }
      return true;
    };
  }
  if (codec instanceof t.RefinementType) return checkOf(codec.type as t.Mixed);
  return codec instanceof t.LiteralType ||
    codec instanceof t.KeyofType ||
    codec instanceof t.StringType ||
    codec instanceof t.NumberType ||
    codec instanceof t.BooleanType ||
    codec instanceof t.NullType ||
    codec instanceof t.UndefinedType
    ? ALWAYS
    : null;
};

/** The check of an object's properties: only those that may hold something to strip. */
const propsCheck = (props: t.Props): KeepsEverything | null => {
  const nested: [string, KeepsEverything][] = [];
  for (const [key, codec] of Object.entries(props)) {
    const check = checkOf(codec);
    if (check === null) return null;
    if (check !== ALWAYS) nested.push([key, check]);
  }
  if (nested.length === 0) return ALWAYS;
  return (value) => {
    const object = value as { readonly [key: string]: unknown };
    for (const [key, check] of nested) {
      const item = object[key];
      if (item !== undefined && !check(item)) return false;
    }
    return true;
  };
};

/** Own property names, as io-ts's key stripping lists them (non-enumerable ones too). */
const onlyKeys = (value: unknown, known: ReadonlySet<string>): boolean => {
  for (const key of Object.getOwnPropertyNames(value)) if (!known.has(key)) return false;
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

import * as E from "fp-ts/lib/Either.js";
import * as t from "io-ts";
import { describe, expect, it } from "vitest";
import { decodeUnchanged } from "./decode-unchanged.js";

// A codec that transforms: its guard is about its output (a number), not its input.
const NumberFromText = new t.Type<number, string, unknown>(
  "NumberFromText",
  (u): u is number => typeof u === "number",
  (u, c) =>
    typeof u === "string" && u.trim() !== "" && !Number.isNaN(Number(u))
      ? t.success(Number(u))
      : t.failure(u, c),
  String,
);

describe("decodeUnchanged", () => {
  it("leaves a codec with a transforming part to io-ts, whose union picks its first member", () => {
    const codec = t.union([t.type({ n: NumberFromText }), t.type({ n: t.string })]);
    // The second member's guard passes, but decoding takes the first member.
    expect(decodeUnchanged(codec, { n: "5" })).toEqual(E.right({ n: 5 }));
  });

  it("returns a value that needs no decoding as it is", () => {
    const codec = t.exact(t.type({ a: t.string, b: t.array(t.keyof({ x: null, y: null })) }));
    const value = { a: "1", b: ["x", "y"] };
    const decoded = decodeUnchanged(codec, value);
    expect(E.isRight(decoded) && decoded.right).toBe(value);
  });

  it("strips what io-ts strips, and refuses what io-ts refuses", () => {
    const codec = t.exact(t.type({ a: t.string }));
    expect(decodeUnchanged(codec, { a: "1", extra: 2 })).toEqual(E.right({ a: "1" }));
    expect(E.isLeft(decodeUnchanged(codec, { a: 1 }))).toBe(true);
    // A hole in an array: the guard skips it, decoding reads it as undefined.
    const list = t.array(t.string);
    const holed = ["a", "b"];
    delete holed[0];
    expect(E.isLeft(decodeUnchanged(list, holed))).toBe(true);
  });

  it("validates a confirmable field's value once: its guard, not again to find its member", () => {
    let validations = 0;
    const Address = t.refinement(t.string, (text) => {
      validations++;
      return text.includes("@");
    });
    const codec = t.strict({ email: t.union([Address, t.strict({ tbc: t.literal(true) })]) });
    const value = { email: "wang@example.cn" };
    const decoded = decodeUnchanged(codec, value);
    expect(E.isRight(decoded) && decoded.right).toBe(value);
    expect(validations).toBe(1);
    // Waiting for its value, it is still decoded as io-ts decodes it: extra keys stripped.
    expect(decodeUnchanged(codec, { email: { tbc: true, note: "x" } })).toEqual(
      E.right({ email: { tbc: true } }),
    );
  });

  it("takes a union's first member the value is, whether or not a later one would strip", () => {
    const keepsAll = t.union([t.type({ a: t.string }), t.exact(t.type({ a: t.string }))]);
    const value = { a: "1", extra: 2 };
    const kept = decodeUnchanged(keepsAll, value);
    expect(E.isRight(kept) && kept.right).toBe(value);
    const strips = t.union([t.exact(t.type({ a: t.string })), t.type({ a: t.string })]);
    expect(decodeUnchanged(strips, value)).toEqual(E.right({ a: "1" }));
    expect(decodeUnchanged(strips, value)).toEqual(strips.decode(value));
  });
});

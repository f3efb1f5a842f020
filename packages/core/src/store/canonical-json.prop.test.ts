import canonicalizeModule from "canonicalize";
import * as fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson } from "./canonical-json.js";

const canonicalize = canonicalizeModule as unknown as (input: unknown) => string | undefined;

describe("canonicalJson", () => {
  it("agrees with the canonicalize package (RFC 8785) on any JSON value", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(canonicalJson(value as never)).toBe(canonicalize(value));
      }),
      { numRuns: 5_000 },
    );
  });
  it("agrees on unicode keys and strings, including Chinese text and escapes", () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ unit: "binary" }), fc.string({ unit: "binary" })),
        (value) => {
          expect(canonicalJson(value)).toBe(canonicalize(value));
        },
      ),
      { numRuns: 2_000 },
    );
    const sample = { 姓名: "王芳", b: [1, 2.5, -0, 1e21], a: { "\u0000": "\n", é: null } };
    expect(canonicalJson(sample)).toBe(canonicalize(sample));
  });
  it("refuses numbers JSON cannot hold", () => {
    expect(() => canonicalJson(Number.NaN)).toThrow(RangeError);
  });
});

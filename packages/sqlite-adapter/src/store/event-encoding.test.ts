import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { encodeEvent } from "./event-encoding.js";

const withData = (data: unknown) =>
  encodeEvent("lead-1", { id: "e-1", type: "T", data, metadata: {} } as never);

describe("encodeEvent", () => {
  it("encodes any JSON object as JSON.stringify does", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (data) => {
        expect(withData(data).data).toBe(JSON.stringify(data));
      }),
    );
  });

  it("accepts objects without a prototype", () => {
    const data = Object.assign(Object.create(null), { a: 1 });
    expect(withData(data).data).toBe('{"a":1}');
  });

  it("refuses what JSON would not give back, naming where it is", () => {
    const cases: [unknown, string][] = [
      [{ a: Number.NaN }, "The data of event e-1.a is NaN, not JSON"],
      [{ a: [1, { b: undefined }] }, "The data of event e-1.a[1].b is undefined, not JSON"],
      [{ ok: "x", at: new Date(0) }, "The data of event e-1.at is a Date, not JSON"],
      [{ a: { b: new Map() } }, "The data of event e-1.a.b is a Map, not JSON"],
      [{ a: [0, 1, Number.POSITIVE_INFINITY] }, "The data of event e-1.a[2] is Infinity, not JSON"],
      [{ f: () => 1 }, "The data of event e-1.f is function, not JSON"],
      [{ n: 10n }, "The data of event e-1.n is bigint, not JSON"],
      [[1], "The data of event e-1 is not a JSON object"],
    ];
    for (const [data, message] of cases) {
      expect(() => withData(data)).toThrow(new TypeError(message));
    }
  });

  it("names the first offender wherever one is put in a JSON object", () => {
    const offender = fc.constantFrom(undefined, Number.NaN, new Date(0), () => 0);
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), fc.jsonValue(), { minKeys: 1 }),
        offender,
        (data, bad) => {
          const key = Object.keys(data)[0] as string;
          const poisoned = { ...data, [key]: { inner: [bad] } };
          expect(() => withData(poisoned)).toThrow(`e-1.${key}.inner[0] is`);
        },
      ),
    );
  });

  it("checks the metadata too", () => {
    expect(() =>
      encodeEvent("lead-1", {
        id: "e-1",
        type: "T",
        data: {},
        metadata: { at: undefined },
      } as never),
    ).toThrow("The metadata of event e-1.at is undefined, not JSON");
  });
});

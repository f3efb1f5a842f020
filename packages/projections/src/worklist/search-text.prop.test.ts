import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { nGramsOf, normaliseSearchText, queryGramsOf } from "./search-text.js";

// The blind index can only narrow a name search down if every lead whose name holds the
// query is among the candidates: the query's n-grams must all be n-grams of such a name.

const characters = fc.constantFrom(
  ..."上海华东投资有限公司杭州味道餐饮管理王芳張偉李ＡＢａｂAb 　\u200b-·𠮷".split(""),
  "𠮷",
);
const nameText = fc.array(characters, { minLength: 0, maxLength: 16 }).map((cs) => cs.join(""));

describe("name n-grams", () => {
  it("give every name that contains a query all of the query's n-grams (candidates ⊇ matches)", () => {
    fc.assert(
      fc.property(nameText, fc.nat(), fc.nat(), (name, a, b) => {
        const normalisedName = normaliseSearchText(name);
        const codePoints = Array.from(normalisedName);
        const from = codePoints.length === 0 ? 0 : a % codePoints.length;
        const to = from + (codePoints.length === 0 ? 0 : b % (codePoints.length - from + 1));
        const query = codePoints.slice(from, to).join("");
        fc.pre(query !== "");
        const held = new Set(nGramsOf(normalisedName));
        for (const gram of queryGramsOf(query)) expect(held.has(gram)).toBe(true);
      }),
    );
  });

  it("give a query written with other spaces and widths the n-grams of its plain form", () => {
    expect(normaliseSearchText(" 上海　华东 ")).toBe("上海华东");
    expect(normaliseSearchText("ＳＨＡＮＧＨＡＩ Hua\u200bdong")).toBe("shanghaihuadong");
    expect(queryGramsOf(normaliseSearchText("华"))).toEqual(["华"]);
    expect(queryGramsOf(normaliseSearchText("华东投"))).toEqual(["华东", "东投"]);
    // A character outside the BMP is one character, not two halves of a surrogate pair.
    expect(nGramsOf("𠮷野")).toEqual(["𠮷", "野", "𠮷野"]);
  });
});

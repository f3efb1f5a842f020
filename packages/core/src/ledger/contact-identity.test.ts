import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EmailAddress, isEmailAddress } from "../lead/email-address.js";
import { normaliseEmail } from "./contact-identity.js";

// One mailbox, however it is written, is one identity for duplicates and the suppression
// list; distinct mailboxes stay distinct (docs/privacy.md, "Duplicates").

describe("normaliseEmail", () => {
  it.each([
    "mailto:wang.fang@example.cn",
    "MAILTO:Wang.Fang@Example.CN",
    "  wang.fang@example.cn\t",
    "wang.fang@example.cn.",
    "wang.fang@example.cn..",
    "\u200bwang.fang@example.cn",
    "wang\u200d.fang@exam\u00adple.cn\ufeff",
    "wang.fang+fair2026@example.cn",
    "WANG.FANG+x+y@EXAMPLE.CN",
    "wаng.fаng@exаmple.cn", // Cyrillic а
    "wang.fang@ехаmрlе.cn", // Cyrillic е, х, а, р
    "ｗａｎｇ.ｆａｎｇ@ｅｘａｍｐｌｅ.ｃｎ", // full-width
    "wang.fang＠example．cn",
  ])("reads %j as wang.fang@example.cn", (variant) => {
    expect(normaliseEmail(variant)).toBe("wang.fang@example.cn");
  });

  it("reads an IDN domain in Punycode as its Unicode form", () => {
    expect(normaliseEmail("张三@xn--fsqu00a.xn--fiqs8s")).toBe(normaliseEmail("张三@例子.中国"));
  });

  it("keeps ASCII look-alikes apart: they are different mailboxes", () => {
    const distinct = ["tom@example.cn", "torn@example.cn", "bob1@example.cn", "bobl@example.cn"];
    expect(new Set(distinct.map(normaliseEmail)).size).toBe(4);
    expect(normaliseEmail("josé@example.cn")).not.toBe(normaliseEmail("jose@example.cn"));
  });

  const LOOK_ALIKES: Readonly<Record<string, string>> = {
    a: "а",
    c: "с",
    e: "е",
    i: "і",
    j: "ј",
    o: "о",
    p: "р",
    s: "ѕ",
    x: "х",
    y: "у",
  };
  const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/);
  const localPart = fc.stringMatching(/^[a-z0-9_-]{1,12}(\.[a-z0-9_-]{1,8}){0,2}$/);
  const address = fc
    .record({
      local: localPart,
      labels: fc.array(label, { minLength: 1, maxLength: 3 }),
      tld: fc.stringMatching(/^[a-z]{2,6}$/),
    })
    .map(({ local, labels, tld }) => `${local}@${[...labels, tld].join(".")}`);
  const invisible = fc.constantFrom("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad");
  // Built once, not per address: building a stringMatching arbitrary (it parses its regular
  // expression) cost some 5 ms, fifty times the rest of a run.
  const hidden = fc.array(fc.tuple(fc.nat(), invisible), { maxLength: 3 });
  const tag = fc.option(fc.stringMatching(/^[a-z0-9.+-]{0,10}$/), { nil: undefined });
  const mailto = fc.constantFrom("", "mailto:", "MailTo:");
  const dots = fc.nat({ max: 2 });
  const space = fc.constantFrom("", " ", "\t", "\u3000");

  /** The same mailbox written some other way. */
  const variantOf = (base: string) =>
    fc
      .record({
        upper: fc.array(fc.boolean(), { minLength: base.length, maxLength: base.length }),
        lookAlike: fc.array(fc.boolean(), { minLength: base.length, maxLength: base.length }),
        fullWidth: fc.array(fc.boolean(), { minLength: base.length, maxLength: base.length }),
        hidden,
        tag,
        mailto,
        dots,
        space,
      })
      .map((v) => {
        const at = base.indexOf("@");
        let chars = [...base].map((char, i) => {
          if (char === "@" || char === ".") return char;
          if (v.lookAlike[i] === true && LOOK_ALIKES[char] !== undefined) {
            const cyrillic = LOOK_ALIKES[char] as string;
            return v.upper[i] === true ? cyrillic.toUpperCase() : cyrillic;
          }
          if (v.fullWidth[i] === true) {
            return String.fromCodePoint((char.codePointAt(0) as number) + 0xfee0);
          }
          return v.upper[i] === true ? char.toUpperCase() : char;
        });
        if (v.tag !== undefined) chars.splice(at, 0, "+", ...v.tag);
        for (const [where, char] of v.hidden) chars.splice(where % (chars.length + 1), 0, char);
        chars = [...v.mailto, ...chars, ...".".repeat(v.dots)];
        return `${v.space}${chars.join("")}${v.space}`;
      });

  it("maps every variant of an address to the address's identity", () => {
    fc.assert(
      fc.property(
        address.chain((base) => fc.tuple(fc.constant(base), variantOf(base))),
        ([base, variant]) => {
          expect(normaliseEmail(variant)).toBe(normaliseEmail(base));
          expect(normaliseEmail(base)).toBe(base);
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it("keeps distinct addresses distinct", () => {
    fc.assert(
      fc.property(address, address, (a, b) => {
        fc.pre(a !== b);
        expect(normaliseEmail(a)).not.toBe(normaliseEmail(b));
      }),
      { numRuns: 2_000 },
    );
  });
});

describe("EmailAddress", () => {
  it.each([
    "wang.fang@example.cn",
    "Wang.Fang+fair@Example.CN",
    "张三@例子.中国",
    "first.last@sub.domain.co.uk",
    "ｗａｎｇ@example.cn",
    " wang@example.cn\t",
  ])("accepts %j", (text) => {
    expect(EmailAddress.is(text)).toBe(true);
  });

  it.each([
    "wang.fang",
    "wang.fang@",
    "@example.cn",
    "wang@fang@example.cn",
    "wang fang@example.cn",
    "wang..fang@example.cn",
    "wang@example",
    "wang@127.0.0.1",
    '"wang"@example.cn',
    "mailto:wang@example.cn",
    "wang@example.cn .",
    "wang@example.cn.",
    "\u200bwang@example.cn",
    "wa\u00adng@example.cn",
    `${"w".repeat(65)}@example.cn`,
    `w@${"e".repeat(250)}.cn`,
    "",
    "   ",
    "\ufeffwang@example.cn",
  ])("refuses %j", (text) => {
    expect(isEmailAddress(text)).toBe(false);
    expect(EmailAddress.is(text)).toBe(false);
  });
});

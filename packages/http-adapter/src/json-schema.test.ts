import { GradeLead, Instant, Money, RecordContact } from "@leadledger/core";
import * as t from "io-ts";
import { describe, expect, it } from "vitest";
import {
  reshapeObjectSchema,
  toAnswerSchema,
  toJsonSchema,
  withJsonSchema,
  withPropertyExamples,
} from "./json-schema.js";

describe("io-ts to JSON Schema", () => {
  it("merges intersections of objects and keeps what is required", () => {
    const schema = toJsonSchema(RecordContact);
    expect(schema.type).toBe("object");
    expect(schema.required).toEqual(
      expect.arrayContaining(["type", "commandId", "leadId", "method", "topics"]),
    );
    expect(schema.required).not.toContain("summary");
    // The ledger defaults the business time to the moment it records the command (issue 12).
    expect(schema.required).not.toContain("occurredAt");
    const properties = schema.properties as Record<string, Record<string, unknown>>;
    expect(properties.method).toEqual({
      type: "string",
      enum: ["phone", "email", "meeting", "messaging", "sms"],
    });
    expect(properties.topics?.type).toBe("array");
  });

  it("describes unions, literals, brands and refinements", () => {
    expect(toJsonSchema(Instant)).toMatchObject({ type: "string", format: "date-time" });
    expect(toJsonSchema(Money)).toMatchObject({
      properties: { amount: { type: "number", minimum: 0 }, currency: { pattern: "^[A-Z]{3}$" } },
    });
    const grade = toJsonSchema(GradeLead);
    expect(grade.oneOf).toHaveLength(2);
    expect(grade.oneOf).toMatchObject([
      { properties: { by: { enum: ["rule"] } } },
      { properties: { by: { enum: ["manual"] } }, required: expect.arrayContaining(["grade"]) },
    ]);
    expect(toJsonSchema(t.literal(true))).toEqual({ type: "boolean", enum: [true] });
    expect(toJsonSchema(t.refinement(t.number, (n) => n > 1, "Big"))).toEqual({
      type: "number",
      description: "must satisfy Big",
    });
  });

  it("drops and relaxes fields, inside oneOf and allOf too", () => {
    const change = { omit: ["type", "commandId", "leadId"], optional: ["occurredAt"] };
    const body = reshapeObjectSchema(toJsonSchema(GradeLead), change);
    const [byRule, byHand] = body.oneOf as Record<string, unknown>[];
    expect(Object.keys(byRule?.properties as object)).toEqual([
      "by",
      "occurredAt",
      "correlationId",
    ]);
    expect(byRule?.required).toEqual(["by"]);
    expect(byHand?.required).toEqual(["by", "grade"]);
    const mixed = t.intersection([
      t.strict({ type: t.literal("X"), occurredAt: t.string }),
      t.union([t.strict({ a: t.string }), t.strict({ b: t.string })]),
    ]);
    const reshaped = reshapeObjectSchema(toJsonSchema(mixed), change);
    const base = (reshaped.allOf as Record<string, unknown>[])[0] ?? {};
    expect(Object.keys(base.properties as object)).toEqual(["occurredAt"]);
    expect(base.required).toBeUndefined();
  });

  it("uses a hand-written codec's own schema and refuses unknown kinds", () => {
    const custom = withJsonSchema(new t.Type("X", t.string.is, t.string.validate, String), {
      type: "string",
      pattern: "^x$",
    });
    expect(toJsonSchema(custom)).toEqual({ type: "string", pattern: "^x$" });
    expect(() => toJsonSchema(t.bigint)).toThrow(/no JSON Schema/);
  });

  it("requires and replaces properties wherever an object has them", () => {
    const reason = { type: "string", minLength: 1 };
    const body = reshapeObjectSchema(toJsonSchema(GradeLead), {
      omit: ["type", "commandId", "leadId"],
      require: ["reason"],
      replace: { reason },
    });
    const [byRule, byHand] = body.oneOf as Record<string, unknown>[];
    expect(byRule?.required).toEqual(["by"]);
    expect(byHand?.required).toEqual(["by", "grade", "reason"]);
    expect(byHand?.properties).toMatchObject({ reason });
  });

  it("closes every object of an answer's schema, merged intersections included", () => {
    const answer = t.type({
      a: t.intersection([t.type({ b: t.string }), t.partial({ c: t.union([t.number, t.null]) })]),
      list: t.readonlyArray(t.type({ d: t.boolean })),
    });
    expect(toAnswerSchema(answer)).toEqual({
      type: "object",
      properties: {
        a: {
          type: "object",
          properties: {
            b: { type: "string" },
            c: { oneOf: [{ type: "number" }, { type: "null" }] },
          },
          required: ["b"],
          additionalProperties: false,
        },
        list: {
          type: "array",
          items: {
            type: "object",
            properties: { d: { type: "boolean" } },
            required: ["d"],
            additionalProperties: false,
          },
        },
      },
      required: ["a", "list"],
      additionalProperties: false,
    });
    // Request schemas stay open: io-ts strips what it does not know instead of refusing it.
    expect(toJsonSchema(answer).additionalProperties).toBeUndefined();
    const unclosable = t.intersection([t.type({ a: t.string }), t.union([t.string, t.number])]);
    expect(() => toAnswerSchema(unclosable)).toThrow(/no closed JSON Schema/);
  });

  it("gives properties examples, and none to a property that is not there", () => {
    const query = toJsonSchema(t.partial({ by: t.string }));
    expect(withPropertyExamples(query, { by: "stage" }).properties).toEqual({
      by: { type: "string", examples: ["stage"] },
    });
    expect(() => withPropertyExamples(query, { stage: "new" })).toThrow(/no property stage/);
  });
});

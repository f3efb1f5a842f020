import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import {
  decodeRequestPart,
  ListLeadsQuery,
  PipelineQueryText,
  RangeReportQueryText,
} from "./query-codecs.js";

const problemsOf = (codec: Parameters<typeof decodeRequestPart>[0], query: unknown) => {
  const decoded = decodeRequestPart(codec, query, "query");
  if (E.isRight(decoded)) throw new Error("the query decodes");
  return decoded.left;
};

// A person reads a query's problems: the bounds and the allowed values, not "Limit".
describe("query problems", () => {
  it("say a page size's bounds and a filter's allowed values", () => {
    const problems = problemsOf(ListLeadsQuery, { limit: "0", grade: "top" });
    expect(problems).toEqual(
      expect.arrayContaining([
        { path: "query.limit", expected: "a whole number from 1 to 500", type: "Limit" },
        {
          path: "query.grade",
          expected: "one of: high, medium, low, ungraded",
          type: expect.any(String),
        },
      ]),
    );
    expect(problems).toHaveLength(2);
  });

  it("say what a list, a position and a period look like", () => {
    const problems = [
      ...problemsOf(PipelineQueryText, { by: "colour", minPosition: "-1" }),
      ...problemsOf(RangeReportQueryText, { from: "monday" }),
    ];
    expect(problems.length).toBeGreaterThanOrEqual(3);
    for (const problem of problems) {
      expect(problem.expected).not.toMatch(/^[A-Z][A-Za-z0-9]*$/);
      expect(problem.expected).not.toBe(problem.type);
    }
    expect(problems).toContainEqual(
      expect.objectContaining({
        path: "query.by",
        expected: expect.stringMatching(
          /^a comma-separated list, each at most once, of: stage, grade/,
        ),
      }),
    );
  });
});

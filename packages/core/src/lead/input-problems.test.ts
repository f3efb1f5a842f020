import {
  amendLead,
  assignLead,
  captureLead,
  clearPurgeFlag,
  convertLead,
  flagForPurge,
  gradeLead,
  purgeLead,
  recordContact,
  recordVisit,
} from "@leadledger/testkit";
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { decodeLeadCommand } from "./commands.js";
import type { InputProblem } from "./errors.js";
import { inputProblemsOf } from "./input-problems.js";
import { ContactMethod } from "./values.js";

const problemsOf = (input: unknown): InputProblem[] => {
  const decoded = decodeLeadCommand(input);
  if (E.isRight(decoded)) throw new Error("the input decodes");
  return inputProblemsOf(decoded.left, "command");
};

/** Every leaf of a JSON value with its dotted path. */
const leavesOf = (value: unknown, path: string[] = []): [string[], unknown][] =>
  typeof value === "object" && value !== null
    ? Object.entries(value).flatMap(([key, inner]) => leavesOf(inner, [...path, key]))
    : [[path, value]];

/** A value of another JSON type than `value`. */
const wrongFor = (value: unknown): unknown => (typeof value === "string" ? 12345 : "wrong");

const withLeaf = (value: unknown, path: readonly string[], leaf: unknown): unknown => {
  if (path.length === 0) return leaf;
  const [key, ...rest] = path as [string, ...string[]];
  const copy = (Array.isArray(value) ? [...value] : { ...(value as object) }) as Record<
    string,
    unknown
  >;
  copy[key] = withLeaf(copy[key], rest, leaf);
  return copy;
};

// The discriminants choose the alternative; they are tested on their own below.
const DISCRIMINANTS = new Set(["type", "kind", "by"]);

const examples = [
  captureLead(),
  recordContact(),
  recordVisit(),
  gradeLead(),
  convertLead(),
  assignLead(),
  amendLead(),
  flagForPurge(),
  clearPurgeFlag(),
  purgeLead(),
];

/** A codec's name, such as `Instant`, `CalendarDate`, `Confirmable<Money>` or `Limit`. */
const BARE_TYPE_NAME = /^[A-Z][A-Za-z0-9]*(<.*>)?$/;

describe("input problems", () => {
  it.each(examples.map((command) => [command.type, command] as const))(
    "%s: every wrong field is listed, in words rather than a codec's name",
    (_type, command) => {
      const leaves = leavesOf(command).filter(
        ([path]) => !DISCRIMINANTS.has(path[path.length - 1] ?? ""),
      );
      let input: unknown = command;
      for (const [path, value] of leaves) input = withLeaf(input, path, wrongFor(value));
      const problems = problemsOf(input);
      const paths = problems.map((problem) => problem.path);
      for (const [path] of leaves) expect(paths).toContain(["command", ...path].join("."));
      for (const problem of problems) {
        expect(problem.expected).not.toMatch(BARE_TYPE_NAME);
        expect(problem.expected).not.toBe(problem.type);
      }
    },
  );

  it("a capture with 30 wrong fields lists 30 problems, none cut", () => {
    const command = captureLead();
    const leaves = leavesOf(command).filter(
      ([path]) => !DISCRIMINANTS.has(path[path.length - 1] ?? "") && path[0] !== "commandId",
    );
    expect(leaves.length).toBeGreaterThanOrEqual(30);
    let input: unknown = command;
    for (const [path, value] of leaves.slice(0, 30)) input = withLeaf(input, path, wrongFor(value));
    expect(problemsOf(input)).toHaveLength(30);
  });

  it("says what a format looks like and which values are allowed, keeping the codec's name", () => {
    const problems = problemsOf({
      ...recordContact(),
      method: "carrier pigeon",
      occurredAt: "2026-02-30T08:00:00Z",
      nextFollowUpOn: "next week",
    });
    expect(problems).toEqual(
      [
        {
          path: "command.method",
          expected: `one of: ${Object.keys(ContactMethod.keys).join(", ")}`,
          type: "ContactMethod",
        },
        {
          path: "command.nextFollowUpOn",
          expected: expect.stringContaining("a calendar date YYYY-MM-DD"),
          type: "CalendarDate",
        },
        {
          path: "command.occurredAt",
          expected: expect.stringContaining("like 2026-11-20T08:00:00Z"),
          type: "Instant",
        },
      ].sort(
        (a, b) =>
          problems.findIndex((p) => p.path === a.path) -
          problems.findIndex((p) => p.path === b.path),
      ),
    );
  });

  it("a grade by hand is reported as a grade by hand, not as a grade by rule", () => {
    const problems = problemsOf({ ...gradeLead(), by: "manual", grade: "excellent" });
    expect(problems).toEqual([
      { path: "command.grade", expected: "one of: high, medium, low", type: "Grade" },
    ]);
  });

  it("an unknown discriminant names the allowed values at its own path", () => {
    expect(problemsOf({ ...gradeLead(), by: "gut feeling" })).toEqual([
      { path: "command.by", expected: "one of: rule, manual", type: "GradeLead.by" },
    ]);
    const capture = captureLead();
    expect(problemsOf({ ...capture, party: { ...capture.party, kind: "corp" } })).toEqual([
      { path: "command.party.kind", expected: "one of: company, individual", type: "Party.kind" },
    ]);
  });

  it("an individual party is reported against the individual's fields", () => {
    const capture = captureLead();
    const problems = problemsOf({
      ...capture,
      party: {
        kind: "individual",
        name: "  ",
        gender: "x",
        age: 200,
        occupation: { tbc: true },
        investmentExperience: { tbc: true },
        availableFunds: { tbc: true },
      },
    });
    expect(problems.map((problem) => problem.path)).toEqual([
      "command.party.name",
      "command.party.gender",
      "command.party.age",
    ]);
  });

  it("a confirmable field reports its value's format and how to leave it to be confirmed", () => {
    const capture = captureLead();
    const problems = problemsOf({
      ...capture,
      party: { ...capture.party, kind: "company", foundedOn: "1999/01/01" },
    });
    expect(problems).toEqual([
      {
        path: "command.party.foundedOn",
        expected: expect.stringMatching(/^a calendar date YYYY-MM-DD.*, or \{"tbc": true\}/),
        type: "CalendarDate",
      },
    ]);
    expect(
      problemsOf({
        ...capture,
        party: { ...capture.party, kind: "company", foundedOn: { tbc: false } },
      }),
    ).toEqual([{ path: "command.party.foundedOn.tbc", expected: "exactly true", type: "true" }]);
  });
});

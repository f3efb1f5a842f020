import { readFileSync } from "node:fs";
import type { LeadError } from "@leadledger/core";
import { describe, expect, it } from "vitest";
import {
  type HttpProblemCode,
  httpProblem,
  PROBLEM_CODES,
  type ProblemCode,
  problemOfLeadError,
} from "./problem.js";

// A client keys on a problem's code and looks it up in the docs: docs/errors.md lists what
// each means, docs/http.md's table which status carries it. Both are written by hand beside
// the tables of problem.ts, so a code added there (auth.unavailable, a 503) must show in both.

const doc = (name: string): string =>
  readFileSync(new URL(`../../../docs/${name}`, import.meta.url), "utf8");

/** The status a code is answered with: the adapter's table, else the domain's. */
const statusOf = (code: ProblemCode): number =>
  (httpProblem(code as HttpProblemCode) as { status?: number }).status ??
  problemOfLeadError({ code } as LeadError).status;

/** docs/http.md's table of statuses: each status with the codes its row names. */
const statusTable = (): Map<number, Set<string>> => {
  const rows = new Map<number, Set<string>>();
  for (const line of doc("http.md").split("\n")) {
    const row = /^\| (\d{3}) \| (.*) \|$/.exec(line);
    if (row === null) continue;
    const named = [...(row[2] ?? "").matchAll(/`([a-z-]+\.[a-z-]+)`/g)].map((m) => m[1] ?? "");
    rows.set(
      Number(row[1]),
      new Set(named.filter((code) => PROBLEM_CODES.includes(code as ProblemCode))),
    );
  }
  return rows;
};

describe("the problem codes in the docs", () => {
  it("lists every code in docs/errors.md, the adapter's own as well as the domain's", () => {
    const errors = doc("errors.md");
    const missing = PROBLEM_CODES.filter((code) => !errors.includes(`\`${code}\``));
    expect(missing).toEqual([]);
  });

  it("names every code in docs/http.md's row of its status, and in no other row", () => {
    const table = statusTable();
    for (const code of PROBLEM_CODES) {
      const rows = [...table].filter(([, codes]) => codes.has(code)).map(([status]) => status);
      // A conflict on a request that carried If-Match is a failed precondition as well.
      const expected = code === "concurrency.conflict" ? [409, 412] : [statusOf(code)];
      expect(rows.sort(), code).toEqual(expected);
    }
  });

  it("has as 503s only the store's, the token store's and the read model's, each retried", () => {
    expect([...(statusTable().get(503) ?? [])].sort()).toEqual(
      PROBLEM_CODES.filter((code) => statusOf(code) === 503).sort(),
    );
  });
});

import type * as t from "io-ts";
import type { InputProblem } from "./errors.js";

/** At most this many problems are reported for one input: enough to fix it, not a flood. */
export const MAX_INPUT_PROBLEMS = 20;

/**
 * What io-ts found wrong with an input, as `{ path, expected }` pairs a caller can act on:
 * dotted paths under `prefix` (array indexes and union branches left out), each reported
 * once, at most {@link MAX_INPUT_PROBLEMS}.
 */
export const inputProblemsOf = (errors: t.Errors, prefix: string): InputProblem[] => {
  const seen = new Set<string>();
  const problems: InputProblem[] = [];
  for (const error of errors) {
    const path = [prefix, ...error.context.map((entry) => entry.key)]
      .filter((key) => key !== "" && !/^\d+$/.test(key))
      .join(".");
    const expected = error.context[error.context.length - 1]?.type.name ?? "unknown";
    const id = `${path}|${expected}`;
    if (!seen.has(id)) {
      seen.add(id);
      problems.push({ path, expected });
    }
  }
  return problems.slice(0, MAX_INPUT_PROBLEMS);
};

import type { LeadSummary } from "../lead-summary.js";

/**
 * The rows as an array, copied only when they are not one. The views loop over it by
 * index: a `for...of` loop allocates an iterator result per row whenever V8 runs it
 * unoptimised or from on-stack replacement, and over 100,000 rows that was a minor
 * garbage collection every few requests for as long as it lasted (docs/benchmarks.md).
 */
export const rowArray = (rows: Iterable<LeadSummary>): readonly LeadSummary[] =>
  Array.isArray(rows) ? rows : [...rows];

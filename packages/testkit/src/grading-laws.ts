import {
  type GradingPolicy,
  gradeRank,
  type LeadFacts,
  leadFacts,
  POSITIVE_SIGNALS,
  withPositiveSignal,
} from "@leadledger/core";
import * as fc from "fast-check";
import { arbLeadFacts, arbLeadHistory } from "./arbitraries.js";

/** The laws every grading policy must obey (docs/domain.md §4). */
export type GradingLaw =
  | "total"
  | "deterministic"
  | "monotone in engagement"
  | "inspection with stated intent is at least medium"
  | "failing the hard requirements is never high";

export interface GradingLawOptions {
  /** Runs per law; at least 1,000 in CI. Defaults to 1,000. */
  readonly numRuns?: number;
  /** A seed to replay a failure that fast-check reported. */
  readonly seed?: number;
}

/** Thrown when a policy breaks a law: names the law and fast-check's counterexample. */
export class GradingLawViolation extends Error {
  constructor(
    readonly law: GradingLaw,
    detail: string,
  ) {
    super(`grading law "${law}" is violated: ${detail}`);
    this.name = "GradingLawViolation";
  }
}

const arbAt = fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2027, 11, 31) });
const GRADES = new Set(["high", "medium", "low"]);

const check = (
  law: GradingLaw,
  property: fc.IProperty<never> | fc.IPropertyWithHooks<never>,
  options: GradingLawOptions,
) => {
  const details = fc.check(property as fc.IProperty<unknown>, {
    numRuns: options.numRuns ?? 1_000,
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
  });
  if (details.failed) {
    throw new GradingLawViolation(
      law,
      `counterexample ${fc.stringify(details.counterexample)} (seed ${details.seed}, path ${details.counterexamplePath})${
        details.errorInstance instanceof Error ? `: ${details.errorInstance.message}` : ""
      }`,
    );
  }
};

/**
 * Checks a grading policy against the five laws of docs/domain.md §4 with fast-check, and
 * throws a {@link GradingLawViolation} naming the first law broken and a counterexample.
 * Run it in your own test suite on the policy you plug into the ledger.
 */
export const assertGradingLaws = (policy: GradingPolicy, options: GradingLawOptions = {}): void => {
  const valid = (facts: LeadFacts, at: number) => {
    const result = policy(facts, at);
    return (
      GRADES.has(result.grade) &&
      Array.isArray(result.reasons) &&
      typeof result.policy === "string" &&
      result.policy.trim().length > 0 &&
      typeof result.version === "string" &&
      result.version.trim().length > 0
    );
  };
  check(
    "total",
    fc.property(arbLeadFacts, arbAt, (facts, at) => valid(facts, at)) as never,
    options,
  );
  // Total on facts that real histories produce, too: every history gets one grade.
  check(
    "total",
    fc.property(arbLeadHistory({ maxCommands: 12 }), arbAt, (history, at) =>
      history.state === undefined ? true : valid(leadFacts(history.state), at),
    ) as never,
    { ...options, numRuns: Math.max(100, Math.floor((options.numRuns ?? 1_000) / 5)) },
  );
  check(
    "deterministic",
    fc.property(arbLeadFacts, arbAt, (facts, at) => {
      const first = policy(facts, at);
      const second = policy({ ...facts }, at);
      return (
        first.grade === second.grade &&
        first.policy === second.policy &&
        first.version === second.version &&
        JSON.stringify(first.reasons) === JSON.stringify(second.reasons)
      );
    }) as never,
    options,
  );
  check(
    "monotone in engagement",
    fc.property(arbLeadFacts, fc.constantFrom(...POSITIVE_SIGNALS), arbAt, (facts, signal, at) => {
      const before = gradeRank(policy(facts, at).grade);
      const after = gradeRank(policy(withPositiveSignal(facts, signal), at).grade);
      return after >= before;
    }) as never,
    options,
  );
  check(
    "inspection with stated intent is at least medium",
    fc.property(arbLeadFacts, arbAt, (facts, at) => {
      const inspected = {
        ...facts,
        inspectionWithStatedIntent: true,
        inspectionCount: Math.max(1, facts.inspectionCount),
      };
      return gradeRank(policy(inspected, at).grade) >= gradeRank("medium");
    }) as never,
    options,
  );
  check(
    "failing the hard requirements is never high",
    fc.property(arbLeadFacts, arbAt, (facts, at) => {
      return policy({ ...facts, requirementsFit: "fails" }, at).grade !== "high";
    }) as never,
    options,
  );
};

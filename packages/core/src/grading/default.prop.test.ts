import { assertGradingLaws, GradingLawViolation } from "@leadledger/testkit";
import { describe, expect, it } from "vitest";
import type { Grade } from "../lead/values.js";
import { createDefaultGradingPolicy, defaultGradingPolicy } from "./default.js";
import type { GradingPolicy } from "./policy.js";

// ≥ 1,000 runs per law, in CI as everywhere.
const RUNS = 1_000;

const lawBroken = (policy: GradingPolicy): string => {
  try {
    assertGradingLaws(policy, { numRuns: RUNS });
  } catch (error) {
    if (error instanceof GradingLawViolation) return error.law;
    throw error;
  }
  return "none";
};

describe("the default grading policy", () => {
  it("obeys every grading law", () => {
    expect(lawBroken(defaultGradingPolicy)).toBe("none");
  });
  it("obeys every grading law with a minimum investment set", () => {
    expect(lawBroken(createDefaultGradingPolicy({ minimumInvestment: 1_000_000 }))).toBe("none");
  });
});

describe("assertGradingLaws catches broken policies", () => {
  const named = (grade: Grade) => ({ grade, reasons: [], policy: "broken", version: "1" });

  it("one that lowers the grade after an extra contact", () => {
    const policy: GradingPolicy = (facts) =>
      named(facts.contactCount >= 5 ? "low" : defaultGradingPolicy(facts, 0).grade);
    expect(lawBroken(policy)).toBe("monotone in engagement");
  });
  it("one that grades an inspection with stated intent low", () => {
    const policy: GradingPolicy = (facts, at) =>
      named(facts.inspectionWithStatedIntent ? "low" : defaultGradingPolicy(facts, at).grade);
    expect([
      "inspection with stated intent is at least medium",
      "monotone in engagement",
    ]).toContain(lawBroken(policy));
  });
  it("one that grades a lead failing the requirements high", () => {
    const policy: GradingPolicy = (facts, at) =>
      named(facts.requirementsFit === "fails" ? "high" : defaultGradingPolicy(facts, at).grade);
    expect(lawBroken(policy)).toBe("failing the hard requirements is never high");
  });
  it("one that is not deterministic", () => {
    let calls = 0;
    const policy: GradingPolicy = () => named(calls++ % 2 === 0 ? "low" : "medium");
    expect(lawBroken(policy)).toBe("deterministic");
  });
  it("one that is not total", () => {
    const policy: GradingPolicy = (facts, at) => {
      if (facts.contactCount === 7) throw new Error("no grade for seven contacts");
      return defaultGradingPolicy(facts, at);
    };
    expect(lawBroken(policy)).toBe("total");
  });
});

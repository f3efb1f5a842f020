import type { Grade } from "../lead/values.js";
import type { LeadFacts } from "./facts.js";

/** A policy's verdict: the grade, the reasons in words a rep can check, and who decided. */
export interface GradeAssessment {
  readonly grade: Grade;
  readonly reasons: readonly string[];
  readonly policy: string;
  readonly version: string;
}

/**
 * A grading policy (合作意向評估): a pure function of a lead's facts and the evaluation
 * time (epoch ms). Whatever a company writes, it must obey the laws that
 * `assertGradingLaws` in `@leadledger/testkit` checks: total, deterministic, monotone in
 * engagement, an inspection with stated intent is at least medium, and a lead that fails
 * the hard requirements is never high.
 */
export type GradingPolicy = (facts: LeadFacts, at: number) => GradeAssessment;

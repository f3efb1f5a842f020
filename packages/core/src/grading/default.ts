import type { Grade } from "../lead/values.js";
import type { LeadFacts } from "./facts.js";
import type { GradeAssessment, GradingPolicy } from "./policy.js";

/** Settings of the default policy. */
export interface DefaultGradingSettings {
  /**
   * A hard requirement: a lead whose named investment amount tops out below this is
   * treated as failing the requirements (never high). No minimum by default.
   */
  readonly minimumInvestment?: number;
}

export const DEFAULT_POLICY_NAME = "leadledger.default";
export const DEFAULT_POLICY_VERSION = "1.0.0";

const rankOf: Readonly<Record<Grade, number>> = { low: 0, medium: 1, high: 2 };
const atLeast = (grade: Grade, floor: Grade): Grade =>
  rankOf[grade] < rankOf[floor] ? floor : grade;
const atMost = (grade: Grade, cap: Grade): Grade => (rankOf[grade] > rankOf[cap] ? cap : grade);

/**
 * The documented default policy (docs/grading.md), after docs/domain.md §4:
 * - high: stated intent, at least two conversations, and either two detailed terms
 *   discussed or an on-site inspection;
 * - medium: a preliminary or stated intent, any detailed term, a request for materials,
 *   an inspection, or three conversations;
 * - low otherwise, and whenever the last voiced intent is a refusal;
 * then an inspection with stated intent lifts to at least medium, and failing the hard
 * requirements caps at medium.
 */
export const createDefaultGradingPolicy = (
  settings: DefaultGradingSettings = {},
): GradingPolicy => {
  const minimum = settings.minimumInvestment;
  const version =
    minimum === undefined ? DEFAULT_POLICY_VERSION : `${DEFAULT_POLICY_VERSION}+min=${minimum}`;
  return (facts: LeadFacts): GradeAssessment => {
    const reasons: string[] = [];
    const statedIntent = facts.intent === "stated";
    const someIntent = statedIntent || facts.intent === "preliminary";
    let grade: Grade = "low";
    if (
      statedIntent &&
      facts.contactCount >= 2 &&
      (facts.detailedTopicCount >= 2 || facts.inspectionCount >= 1)
    ) {
      grade = "high";
      reasons.push(
        "stated intent after repeated conversations about the terms or a site inspection",
      );
    } else if (
      someIntent ||
      facts.detailedTopicCount >= 1 ||
      facts.askedForMaterials ||
      facts.inspectionCount >= 1 ||
      facts.contactCount >= 3
    ) {
      grade = "medium";
      reasons.push("some interest: intent, terms, materials, an inspection or regular contact");
    } else {
      reasons.push("general awareness only");
    }
    if (facts.intent === "declined") {
      grade = "low";
      reasons.push("the lead declined when last asked");
    }
    if (facts.inspectionWithStatedIntent && grade !== atLeast(grade, "medium")) {
      grade = "medium";
      reasons.push("an on-site inspection with stated intent is at least medium");
    }
    const failsAmount =
      minimum !== undefined &&
      facts.investmentAmountMax !== undefined &&
      facts.investmentAmountMax < minimum;
    if ((facts.requirementsFit === "fails" || failsAmount) && grade === "high") {
      grade = atMost(grade, "medium");
      reasons.push("does not meet the hard requirements, so never high");
    }
    return { grade, reasons, policy: DEFAULT_POLICY_NAME, version };
  };
};

/** The default policy with default settings. */
export const defaultGradingPolicy: GradingPolicy = createDefaultGradingPolicy();

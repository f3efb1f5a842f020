import type { LeadState } from "../lead/state.js";
import type { Intent, RequirementsFit } from "../lead/values.js";
import { confirmedValue, DETAILED_TOPICS } from "../lead/values.js";

/**
 * What a grading policy may judge a lead by (docs/domain.md §4): how often it communicates,
 * what it talks about, how much attention it pays to the terms, whether it fits the
 * requirements. Derived from the lead's state; times are epoch milliseconds.
 */
export interface LeadFacts {
  readonly contactCount: number;
  readonly inboundContactCount: number;
  /** How many distinct detailed terms (franchise policy, fees, site, …) were discussed. */
  readonly detailedTopicCount: number;
  /** Asked for general information or materials. */
  readonly askedForMaterials: boolean;
  /** The intent voiced last. */
  readonly intent: Intent;
  readonly inspectionCount: number;
  /** An on-site inspection (实地考察) at which the lead stated its intent. */
  readonly inspectionWithStatedIntent: boolean;
  /** The rep's last definite judgement of the company's hard requirements. */
  readonly requirementsFit: RequirementsFit;
  /** The top of the investment amount the lead named, if known. */
  readonly investmentAmountMax: number | undefined;
  /** When the lead was acquired: epoch milliseconds. */
  readonly acquiredAt: number;
  /** The business time of the latest contact: epoch milliseconds. */
  readonly lastContactAt: number | undefined;
}

/** Derives the grading facts from a lead's state. */
export const leadFacts = (state: LeadState): LeadFacts => ({
  contactCount: state.contactCount,
  inboundContactCount: state.inboundContactCount,
  detailedTopicCount: state.topics.filter((topic) => DETAILED_TOPICS.has(topic)).length,
  askedForMaterials: state.topics.includes("materials") || state.topics.includes("general-info"),
  intent: state.intent,
  inspectionCount: state.inspectionCount,
  inspectionWithStatedIntent: state.inspectionWithStatedIntent,
  requirementsFit: state.requirementsFit,
  investmentAmountMax: confirmedValue(state.needs.investmentAmount)?.max,
  acquiredAt: state.acquiredAt,
  lastContactAt: state.lastContactAt,
});

/** Intents from weakest to strongest: a step up this list is a positive signal. */
export const INTENT_ORDER: readonly Intent[] = ["declined", "none", "preliminary", "stated"];

/**
 * One more positive signal of engagement. The monotonicity law says that adding any of
 * these at the same evaluation time never lowers the grade.
 */
export type PositiveSignal =
  | "contact"
  | "inbound-contact"
  | "detailed-topic"
  | "materials-request"
  | "stronger-intent"
  | "inspection"
  | "inspection-with-stated-intent";

export const POSITIVE_SIGNALS: readonly PositiveSignal[] = [
  "contact",
  "inbound-contact",
  "detailed-topic",
  "materials-request",
  "stronger-intent",
  "inspection",
  "inspection-with-stated-intent",
];

/** The facts with one more positive signal. Signals that are already at their top change nothing. */
export const withPositiveSignal = (facts: LeadFacts, signal: PositiveSignal): LeadFacts => {
  switch (signal) {
    case "contact":
      return { ...facts, contactCount: facts.contactCount + 1 };
    case "inbound-contact":
      return {
        ...facts,
        contactCount: facts.contactCount + 1,
        inboundContactCount: facts.inboundContactCount + 1,
      };
    case "detailed-topic":
      return {
        ...facts,
        detailedTopicCount: Math.min(DETAILED_TOPICS.size, facts.detailedTopicCount + 1),
      };
    case "materials-request":
      return { ...facts, askedForMaterials: true };
    case "stronger-intent": {
      const rank = INTENT_ORDER.indexOf(facts.intent);
      const intent = INTENT_ORDER[Math.min(INTENT_ORDER.length - 1, rank + 1)] ?? facts.intent;
      return { ...facts, intent };
    }
    case "inspection":
      return { ...facts, inspectionCount: facts.inspectionCount + 1 };
    case "inspection-with-stated-intent":
      return {
        ...facts,
        inspectionCount: facts.inspectionCount + 1,
        inspectionWithStatedIntent: true,
      };
  }
};

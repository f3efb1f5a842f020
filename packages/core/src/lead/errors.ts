import type { ExpectedRevision, StoreUnavailable } from "../store/event-store.js";

/**
 * Every expected failure of the lead ledger. `code` is stable: callers, HTTP problem types
 * and docs/errors.md key on it. The union is closed; anything else is a bug and throws.
 */
export type LeadError =
  | { readonly code: "input.invalid"; readonly problems: readonly InputProblem[] }
  | { readonly code: "lead.not-found"; readonly leadId: string }
  | { readonly code: "lead.already-captured"; readonly leadId: string }
  | { readonly code: "lead.purged"; readonly leadId: string }
  | { readonly code: "lead.already-converted"; readonly leadId: string }
  | {
      readonly code: "lead.duplicate";
      /** Only when the actor reaches that lead: otherwise it is someone's, not whose. */
      readonly existingLeadId?: string;
      readonly matchedOn: "phone" | "email";
    }
  /** Told to any capturer, so that they obtain renewed consent; nothing about whose lead it was. */
  | { readonly code: "lead.suppressed"; readonly matchedOn: "phone" | "email" }
  | {
      readonly code: "time.before-acquisition";
      readonly occurredAt: string;
      readonly acquiredAt: string;
    }
  | { readonly code: "time.in-future"; readonly occurredAt: string; readonly now: string }
  | { readonly code: "capture.late-entry-reason-required"; readonly hoursLate: number }
  | {
      readonly code: "follow-up.before-contact";
      readonly nextFollowUpOn: string;
      readonly contactOn: string;
    }
  | {
      readonly code: "conversion.before-follow-up";
      readonly leadId: string;
      readonly occurredAt: string;
      /** The lead's first contact or visit; `null` when it has none. */
      readonly firstFollowUpAt: string | null;
    }
  | { readonly code: "grade.reason-required" }
  | { readonly code: "grade.frozen-after-conversion"; readonly leadId: string }
  | { readonly code: "purge.not-flagged"; readonly leadId: string }
  | { readonly code: "purge.recheck-required"; readonly leadId: string }
  | { readonly code: "flag.already-flagged"; readonly leadId: string }
  | { readonly code: "flag.not-flagged"; readonly leadId: string }
  | { readonly code: "assignment.unchanged"; readonly leadId: string }
  /** The directory knows no person of that id in that department who may own leads. */
  | { readonly code: "owner.unknown"; readonly repId: string; readonly department: string }
  /** The named owner has left the organisation. */
  | { readonly code: "owner.inactive"; readonly repId: string; readonly department: string }
  | { readonly code: "amendment.party-kind-mismatch"; readonly expected: string }
  | { readonly code: "amendment.empty" }
  | { readonly code: "access.denied"; readonly reason: string }
  | {
      readonly code: "concurrency.conflict";
      readonly leadId: string;
      readonly expected: ExpectedRevision;
      readonly actual: bigint | "no_stream";
    }
  | { readonly code: "idempotency.mismatch"; readonly commandId: string }
  | { readonly code: "history.undecodable"; readonly leadId: string; readonly detail: string }
  | StoreUnavailable;

/**
 * One thing wrong with an input: where (a dotted path) and what is expected there, in
 * words a person can act on (the format with an example, or the allowed values).
 */
export interface InputProblem {
  readonly path: string;
  readonly expected: string;
  /** The name of the codec that refused the value (`Instant`, `Channel`), for programs. */
  readonly type?: string;
}

/** Every stable error code, for docs and for exhaustive mapping in adapters. */
export type LeadErrorCode = LeadError["code"];

/** Builds a lead error: a small factory so call sites read like the rule they enforce. */
export const leadError = <C extends LeadErrorCode>(
  code: C,
  detail: Omit<Extract<LeadError, { code: C }>, "code">,
): Extract<LeadError, { code: C }> => ({ code, ...detail }) as Extract<LeadError, { code: C }>;

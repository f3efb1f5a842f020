// The public API of @leadledger/core, for an embedder: the domain's vocabulary (values,
// commands, events, errors, state), decide and evolve, grading, the scope rule, the
// EventStore and KeyStore ports with their in-memory implementations, and the ledger
// service with what it takes and answers. How the ledger seals, chains, reserves and
// erases stays inside; what a store or transport adapter needs beyond this is at
// `@leadledger/core/adapter` (adapter.ts).

export * from "./access/actor.js";
export * from "./grading/cadence.js";
export * from "./grading/default.js";
export * from "./grading/facts.js";
export * from "./grading/policy.js";
export * from "./lead/capture-fields.js";
export { withDefaults } from "./lead/command-defaults.js";
export * from "./lead/command-events.js";
export * from "./lead/commands.js";
export * from "./lead/decide.js";
export * from "./lead/decode-facts.js";
export { EmailAddress } from "./lead/email-address.js";
export * from "./lead/errors.js";
export * from "./lead/events.js";
export * from "./lead/state.js";
export * from "./lead/stream-name.js";
export {
  CAPTURE_FIELDS,
  confirmableFieldsOf,
  toBeConfirmedAfter,
  toBeConfirmedIn,
} from "./lead/to-be-confirmed.js";
export type { EventUpcaster } from "./lead/upcast.js";
export * from "./lead/values.js";
export type { CommandOutcome, CommandOutcomeJson } from "./ledger/command-outcome.js";
export type { ExecuteOptions } from "./ledger/execute.js";
export { leadIdForCapture } from "./ledger/lead-id.js";
export * from "./ledger/ledger.js";
export type { HistoryEntry, LeadHistory, LeadSnapshot } from "./ledger/reading.js";
export { newTimeOrderedId } from "./ledger/time-ordered-id.js";
export * from "./organisation/directory.js";
export * from "./organisation/directory-state.js";
export * from "./organisation/events.js";
export * from "./organisation/organisation.js";
export * from "./organisation/static-directory.js";
export * from "./privacy/key-store.js";
export * from "./store/event-store.js";
export type { HistoryBreak, HistoryVerification } from "./store/hash-chain.js";
export * from "./store/in-memory.js";

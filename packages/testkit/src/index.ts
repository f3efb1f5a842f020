// The vitest suite every EventStore must pass lives apart, in
// "@leadledger/testkit/event-store-contract", so this entry loads outside a test run.

export * from "./arbitraries.js";
export * from "./given-when-then.js";
export * from "./grading-laws.js";
export * from "./lead-commands.js";
export * from "./recorded-history.js";

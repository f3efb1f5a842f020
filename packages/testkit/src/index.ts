export * from "./event-store-contract.js";
export * from "./recorded-history.js";

export * from "./store/event-store.js";
export * from "./store/hash-chain.js";
export * from "./privacy/key-store.js";

// `@leadledger/core/adapter`: what an adapter of the ledger needs beyond the main entry — a
// store (the expected-revision rule, which streams are hash-chained, the chain and the
// log's signed checkpoints for audit and backup), a reader of the raw log (upcasting stored
// events), a transport (decoding input and reporting its problems as the ledger does), and
// a search index beside the ledger (sealing with a lead's key, normalising contacts as
// duplicate detection does).
// An embedder needs none of it; docs/architecture.md, "Entry points".

export { decodeUnchanged } from "./lead/decode-unchanged.js";
export { inputProblemsOf, withExpectation } from "./lead/input-problems.js";
export { CURRENT_SCHEMA_VERSION, type EventUpcaster, upcastStoredEvent } from "./lead/upcast.js";
export { normaliseEmail, normalisePhone } from "./ledger/contact-identity.js";
export { isHashChainedStream } from "./ledger/hash-chained-streams.js";
export { openPersonal, SealedPersonal, sealPersonal } from "./privacy/cipher.js";
export { expectedRevisionConflict } from "./store/expected-revision.js";
export {
  CHAIN_HASH_KEY,
  chainHash,
  chainKeyOf,
  GENESIS_HASH,
  type VerifyHistoryOptions,
  verifyHistory,
} from "./store/hash-chain.js";
export * from "./store/log-checkpoint.js";

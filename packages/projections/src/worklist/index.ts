// The worklist's public face: the store port an adapter implements, the in-memory store,
// the indexer that follows the log and the read side the HTTP adapter opens cards and
// searches with. How cards are sealed, how names are cut into n-grams and how terms are
// keyed stay inside.
export * from "./in-memory-worklist-store.js";
export type { LeadCard, MainContact, MainContactChannel } from "./lead-card.js";
export {
  type NormalisedSearch,
  type PhoneRegion,
  type SearchKey,
  searchKeyOf,
  type WorklistSearch,
} from "./search-terms.js";
export { normaliseSearchText } from "./search-text.js";
export {
  createWorklist,
  type OpenedCard,
  type Worklist,
  type WorklistDeps,
  type WorklistFailure,
} from "./worklist.js";
export * from "./worklist-indexer.js";
export * from "./worklist-store.js";

export type { EsdbClient } from "./client-lease.js";
export { DEFAULT_STREAM_PREFIXES, UnreadableEventError } from "./event-mapping.js";
export {
  createEventStoreDbEventStore,
  DEFAULT_TIMEOUT_MS,
  type EventStoreDbClientOptions,
  type EventStoreDbOptions,
  type EventStoreDbSettings,
  openEventStoreDbEventStore,
} from "./eventstoredb-event-store.js";
export type { ReconnectPolicy } from "./subscription.js";

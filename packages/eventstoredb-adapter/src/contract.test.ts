import { eventStoreContract } from "@leadledger/testkit/event-store-contract";
import { describe } from "vitest";
import { DEFAULT_STREAM_PREFIXES } from "./event-mapping.js";
import { openEventStoreDbEventStore } from "./eventstoredb-event-store.js";

const connectionString = process.env.EVENTSTORE_CONNECTION_STRING;

if (connectionString === undefined || connectionString === "") {
  console.warn(
    "EventStoreDB contract tests skipped: EVENTSTORE_CONNECTION_STRING is not set " +
      "(e.g. EVENTSTORE_CONNECTION_STRING='esdb://localhost:2113?tls=false')",
  );
}

describe.skipIf(!connectionString)("EventStoreDB (EVENTSTORE_CONNECTION_STRING)", () => {
  eventStoreContract("EventStoreDB", async () => ({
    store: openEventStoreDbEventStore({
      connectionString: connectionString ?? "",
      // The suite names its streams `contract<random>-…`; leadledger's own stay visible too.
      streamPrefixes: [...DEFAULT_STREAM_PREFIXES, "contract"],
    }),
  }));
});

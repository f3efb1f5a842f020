import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eventStoreContract } from "@leadledger/testkit/event-store-contract";
import { openSqliteEventStore } from "./sqlite-event-store.js";

eventStoreContract("SQLite file", async () => {
  const directory = await mkdtemp(join(tmpdir(), "leadledger-contract-"));
  return {
    // A short poll interval keeps the live tests quick; the default is for production.
    store: openSqliteEventStore({ path: join(directory, "events.sqlite"), pollIntervalMs: 20 }),
    cleanup: () => rm(directory, { recursive: true, force: true }),
  };
});

import {
  createLeadLedger,
  type EventStore,
  type KeyStore,
  type LeadLedger,
} from "@leadledger/core";
import {
  createWorklist,
  createWorklistIndexer,
  searchKeyOf,
  type Worklist,
} from "@leadledger/projections";
import { openSqliteWorklistStore } from "@leadledger/sqlite-adapter";
import * as E from "fp-ts/lib/Either.js";
import { dataDirectoryFiles } from "./data-directory.js";

/** The worklist of a running server, and how to stop it. */
export interface RunningWorklist {
  readonly worklist: Worklist;
  stop(): Promise<void>;
}

/**
 * Opens the worklist's file in the data directory and starts its indexer, caught up before
 * the server answers (docs/architecture.md, "The worklist"). Catching up, the indexer reads
 * leads through a ledger of its own with a small cache, so that a catch-up over every lead
 * does not push the server's working set out of the ledger's cache. Following the log, it
 * reads each lead through the server's ledger (`deps.ledger`), which holds the lead loaded
 * from the command that just changed it, key included: one read of what its stream gained
 * instead of the whole stream, a key from keys.sqlite and every part decrypted again
 * (issue 21). The chain is verified on every read either way.
 */
export const startWorklist = async (deps: {
  readonly dataDir: string;
  readonly eventStore: EventStore;
  readonly keyStore: KeyStore;
  readonly secret: Uint8Array;
  /** The server's ledger, read through once the indexer follows the log. */
  readonly ledger: Pick<LeadLedger, "getLead">;
}): Promise<RunningWorklist> => {
  const store = openSqliteWorklistStore({ path: dataDirectoryFiles(deps.dataDir).worklist });
  const searchKey = searchKeyOf(deps.secret);
  const reader = createLeadLedger({
    eventStore: deps.eventStore,
    keyStore: deps.keyStore,
    secret: deps.secret,
    cacheSize: 100,
  });
  const leads: Pick<LeadLedger, "getLead"> = {
    getLead: (actor, leadId, options) =>
      (indexer.status().phase === "live" ? deps.ledger : reader).getLead(actor, leadId, options),
  };
  const indexer = createWorklistIndexer({
    events: deps.eventStore,
    store,
    ledger: leads,
    keyStore: deps.keyStore,
    searchKey,
  });
  const started = await indexer.start();
  if (E.isLeft(started)) {
    // The indexer retries by itself; lists answer meanwhile, names of new leads follow.
    process.emitWarning(`the worklist is not caught up yet: ${started.left.code}`);
  }
  return {
    worklist: createWorklist({ store, keyStore: deps.keyStore, searchKey, indexer }),
    async stop() {
      await indexer.stop();
      await store.close();
    },
  };
};

import type { GlobalPosition } from "@leadledger/core";
import * as E from "fp-ts/lib/Either.js";
import type { LeadSummary } from "./lead-summary.js";
import type { ReadModelRebuild, ReadModelStore, SummaryCommit } from "./read-model-store.js";

interface Model {
  rows: Map<string, LeadSummary>;
  checkpoint: GlobalPosition | undefined;
}

const apply = (model: Model, batch: SummaryCommit): void => {
  for (const row of batch.summaries) model.rows.set(row.leadId, row);
  model.checkpoint = batch.checkpoint;
};

/**
 * A {@link ReadModelStore} in memory: for tests, examples and an embedder that rebuilds
 * on every start. A commit replaces rows and checkpoint together, synchronously, so no
 * reader ever sees one without the other. The store can be handed to a new runner to
 * resume where the previous one stopped.
 */
export const createInMemoryReadModelStore = (): ReadModelStore => {
  let live: Model = { rows: new Map(), checkpoint: undefined };
  return {
    async load() {
      return E.right({ checkpoint: live.checkpoint, summaries: [...live.rows.values()] });
    },
    async commit(batch) {
      apply(live, batch);
      return E.right(undefined);
    },
    async startRebuild() {
      let fresh: Model | undefined = { rows: new Map(), checkpoint: undefined };
      const rebuild: ReadModelRebuild = {
        async commit(batch) {
          if (fresh === undefined) throw new Error("This rebuild was already swapped or discarded");
          apply(fresh, batch);
          return E.right(undefined);
        },
        async swap() {
          if (fresh === undefined) throw new Error("This rebuild was already swapped or discarded");
          live = fresh;
          fresh = undefined;
          return E.right(undefined);
        },
        async discard() {
          fresh = undefined;
        },
      };
      return E.right(rebuild);
    },
    async close() {},
  };
};

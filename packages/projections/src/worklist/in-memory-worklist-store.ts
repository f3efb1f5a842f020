import type { GlobalPosition } from "@leadledger/core";
import * as E from "fp-ts/lib/Either.js";
import type { WorklistStore } from "./worklist-store.js";

/** What an in-memory worklist store holds, for tests that look inside. */
export interface InMemoryWorklistContents {
  /** The position of the last event indexed. */
  readonly checkpoint: GlobalPosition | undefined;
  /** Sealed cards by lead. */
  readonly cards: ReadonlyMap<string, string>;
  /** Terms by lead. */
  readonly terms: ReadonlyMap<string, readonly string[]>;
}

/** A {@link WorklistStore} in memory: for tests and embedders that rebuild on every start. */
export const createInMemoryWorklistStore = (): WorklistStore & {
  contents(): InMemoryWorklistContents;
} => {
  let checkpoint: GlobalPosition | undefined;
  const cards = new Map<string, string>();
  const termsOfLead = new Map<string, readonly string[]>();
  const postings = new Map<string, Set<string>>();
  const unindex = (leadId: string): void => {
    for (const term of termsOfLead.get(leadId) ?? []) {
      const leads = postings.get(term);
      leads?.delete(leadId);
      if (leads?.size === 0) postings.delete(term);
    }
    termsOfLead.delete(leadId);
    cards.delete(leadId);
  };
  return {
    checkpoint: async () => E.right(checkpoint),
    commit: async (batch) => {
      for (const leadId of batch.removed) unindex(leadId);
      for (const entry of batch.entries) {
        unindex(entry.leadId);
        cards.set(entry.leadId, entry.sealedCard);
        termsOfLead.set(entry.leadId, [...entry.terms]);
        for (const term of entry.terms) {
          let leads = postings.get(term);
          if (leads === undefined) {
            leads = new Set();
            postings.set(term, leads);
          }
          leads.add(entry.leadId);
        }
      }
      checkpoint = batch.checkpoint;
      return E.right(undefined);
    },
    sealedCards: async (leadIds) => {
      const found = new Map<string, string>();
      for (const leadId of leadIds) {
        const card = cards.get(leadId);
        if (card !== undefined) found.set(leadId, card);
      }
      return E.right(found);
    },
    leadsWithTerm: async (term) => E.right([...(postings.get(term) ?? [])]),
    close: async () => {},
    contents: () => ({ checkpoint, cards: new Map(cards), terms: new Map(termsOfLead) }),
  };
};

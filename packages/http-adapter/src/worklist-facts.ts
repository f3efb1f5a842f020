import type { LeadSummary, OpenedCard } from "@leadledger/projections";
import * as E from "fp-ts/lib/Either.js";
import { type ProblemDetails, problemOfLeadError } from "./problem.js";
import type { RouteContext } from "./route-context.js";
import type { WorklistFactsAnswer } from "./worklist-answer.js";

// What a worklist row adds to the read model's plain facts: whom to call and how, and
// whose lead it is by name. The personal parts come from the lead's sealed card, opened
// only for rows the caller may see (docs/privacy.md, "Search").

/**
 * The worklist's fields of a lead, from its opened card (if any) and its owner's name.
 * @param purged the read model has the lead purged
 */
export const worklistFactsOf = (
  purged: boolean,
  card: OpenedCard | undefined,
  ownerName: string | null,
): WorklistFactsAnswer => {
  // The read model may not have seen a purge yet whose key is already destroyed.
  const redacted = purged || card?.status === "redacted";
  const open = !redacted && card?.status === "open" ? card.card : undefined;
  return {
    displayName: open?.displayName ?? null,
    mainContact: open?.mainContact ?? null,
    ownerName,
    redacted,
  };
};

/**
 * The display names of the owners of these rows, by owner id, from the organisation the
 * embedder gave; none without one.
 */
export const ownerNamesOf = async (
  context: Pick<RouteContext, "directory">,
  rows: readonly Pick<LeadSummary, "ownerId">[],
): Promise<E.Either<ProblemDetails, ReadonlyMap<string, string>>> => {
  const names = new Map<string, string>();
  const directory = context.directory;
  if (directory === undefined) return E.right(names);
  for (const ownerId of new Set(rows.map((row) => row.ownerId))) {
    const person = await directory.findPerson(ownerId);
    if (E.isLeft(person)) return E.left(problemOfLeadError(person.left));
    if (person.right !== undefined) names.set(ownerId, person.right.displayName);
  }
  return E.right(names);
};

/**
 * The cards of rows the caller may see, opened; none without a worklist. The caller
 * passes only rows in the actor's scope: this is where personal data is decrypted.
 */
export const cardsOfScopedRows = async (
  context: Pick<RouteContext, "worklist">,
  rows: readonly Pick<LeadSummary, "leadId">[],
): Promise<E.Either<ProblemDetails, ReadonlyMap<string, OpenedCard>>> => {
  if (context.worklist === undefined || rows.length === 0) return E.right(new Map());
  const opened = await context.worklist.openCards(rows.map((row) => row.leadId));
  return E.isLeft(opened) ? E.left(worklistUnavailable(opened.left)) : opened;
};

/** The worklist's store or the key store failed: 503 `store.unavailable`, to be retried. */
export const worklistUnavailable = (failure: { readonly message: string }): ProblemDetails =>
  problemOfLeadError({ code: "store.unavailable", message: failure.message });

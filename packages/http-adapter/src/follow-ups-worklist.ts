import * as E from "fp-ts/lib/Either.js";
import type * as t from "io-ts";
import type { ProblemDetails } from "./problem.js";
import type { RouteContext } from "./route-context.js";
import type { FollowUpsAnswer, FollowUpsViewAnswer } from "./view-representations.js";
import { cardsOfScopedRows, ownerNamesOf, worklistFactsOf } from "./worklist-facts.js";

/**
 * The follow-ups view with each lead's display name, main contact and owner's name. Added
 * to the computed view on every request, never kept with it: a purge must show at once.
 * The view lists only leads in the viewer's scope, so only their cards are opened.
 */
export const followUpsWithNames = async (
  context: Pick<RouteContext, "worklist" | "directory">,
  view: t.TypeOf<typeof FollowUpsViewAnswer>,
): Promise<E.Either<ProblemDetails, t.TypeOf<typeof FollowUpsAnswer>>> => {
  const leads = view.owners.flatMap((owner) => owner.leads);
  const cards = await cardsOfScopedRows(context, leads);
  if (E.isLeft(cards)) return cards;
  const names = await ownerNamesOf(context, view.owners);
  if (E.isLeft(names)) return names;
  return E.right({
    ...view,
    owners: view.owners.map((owner) => {
      const ownerName = names.right.get(owner.ownerId) ?? null;
      return {
        ...owner,
        ownerName,
        leads: owner.leads.map((lead) => ({
          ...lead,
          // The view lists active leads only: a lead reads redacted here when its key was
          // destroyed before the read model saw the purge.
          ...worklistFactsOf(false, cards.right.get(lead.leadId), ownerName),
        })),
      };
    }),
  });
};

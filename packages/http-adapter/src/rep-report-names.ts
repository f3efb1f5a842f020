import * as E from "fp-ts/lib/Either.js";
import type * as t from "io-ts";
import type { ProblemDetails } from "./problem.js";
import type { RouteContext } from "./route-context.js";
import type { RepReportAnswer, RepReportViewAnswer } from "./view-representations.js";
import { ownerNamesOf } from "./worklist-facts.js";

/**
 * The rep report with each rep's display name from the organisation, `null` for a rep it
 * does not know (or without one). Added on every request, never kept with the computed
 * report: the report is kept until the read model changes, a name may change before that.
 */
export const repReportWithNames = async (
  context: Pick<RouteContext, "directory">,
  view: t.TypeOf<typeof RepReportViewAnswer>,
): Promise<E.Either<ProblemDetails, t.TypeOf<typeof RepReportAnswer>>> => {
  const names = await ownerNamesOf(context, view.reps);
  if (E.isLeft(names)) return names;
  return E.right({
    ...view,
    reps: view.reps.map((rep) => ({ ...rep, ownerName: names.right.get(rep.ownerId) ?? null })),
  });
};

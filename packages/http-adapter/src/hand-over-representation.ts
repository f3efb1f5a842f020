import { Count, type HandOverReport, Owner, positionToString } from "@leadledger/core";
import * as t from "io-ts";
import { LeadIdText, PositionText } from "./representation-codecs.js";

// What `POST /people/{personId}/hand-over` answers, as an io-ts codec (see
// representation-codecs.ts for the conventions: positions as decimal text, revisions as
// numbers, `null` where a field does not apply so that every field is always present).

/** One lead of a hand-over: moved to its target, or not and why. */
const HandedOverLeadAnswer = t.type({
  leadId: LeadIdText,
  /** The target the plan gave it. */
  to: Owner,
  outcome: t.keyof({ moved: null, "not-moved": null }),
  /** Its revision after the assignment, when moved. */
  revision: t.union([Count, t.null]),
  /** The global position of its `LeadAssigned`, when moved. */
  position: t.union([PositionText, t.null]),
  /** Why it did not move: `owner.changed`, `assignment.unchanged`, or the ledger's refusal. */
  code: t.union([t.string, t.null]),
  /** Who owns it now, for `owner.changed`. */
  owner: t.union([Owner, t.null]),
});

/** What a hand-over answers: the counts, each target's share, and every lead. */
export const HandOverAnswer = t.type({
  handOverId: t.string,
  from: Owner,
  to: t.readonlyArray(t.type({ repId: t.string, department: t.string, moved: Count })),
  planned: Count,
  moved: Count,
  notMoved: Count,
  position: PositionText,
  leads: t.readonlyArray(HandedOverLeadAnswer),
});
export type HandOverAnswer = t.TypeOf<typeof HandOverAnswer>;

/** A hand-over's report as JSON. */
export const handOverRepresentation = (report: HandOverReport): HandOverAnswer => ({
  handOverId: report.handOverId,
  from: report.from,
  to: report.to.map(({ repId, department, moved }) => ({ repId, department, moved })),
  planned: report.planned,
  moved: report.moved,
  notMoved: report.notMoved,
  position: positionToString(report.position),
  leads: report.leads.map((row) =>
    row.outcome === "moved"
      ? {
          leadId: row.leadId,
          to: row.to,
          outcome: row.outcome,
          revision: Number(row.revision),
          position: positionToString(row.position),
          code: null,
          owner: null,
        }
      : {
          leadId: row.leadId,
          to: row.to,
          outcome: row.outcome,
          revision: null,
          position: null,
          code: row.code,
          owner: row.owner ?? null,
        },
  ),
});

import {
  DEFAULT_FOLLOW_UP_CADENCE,
  type FollowUpCadence,
  leadIdOfStream,
  type RecordedEvent,
} from "@leadledger/core";
import * as E from "fp-ts/lib/Either.js";
import type { LeadSummary } from "./lead-summary.js";
import { applyToDraft, capturedSummary, type DraftSummary, draftOf } from "./summary-fold.js";
import { decodeSummaryInput, type ProjectionProblem } from "./summary-input.js";

/** What a run of the log did to the summaries. */
export interface ProjectedBatch {
  /** The rows that changed, by lead id, as they stand after the batch. */
  readonly changed: ReadonlyMap<string, LeadSummary>;
  /** Events that could not be used: skipped, in log order. */
  readonly problems: readonly ProjectionProblem[];
}

/**
 * Folds a run of the global log into the summaries that `current` looks up, without
 * changing them: the caller stores `changed` (with the checkpoint) and only then makes
 * the rows visible. Events of other streams (`contact-reservation-*`, system streams) are
 * passed over. Pure, given a pure `current`.
 */
export const projectEvents = (
  current: (leadId: string) => LeadSummary | undefined,
  events: readonly RecordedEvent[],
  cadence: FollowUpCadence = DEFAULT_FOLLOW_UP_CADENCE,
): ProjectedBatch => {
  // Each row touched is copied once, on its first event of the batch, and then changed
  // in place: the caller's rows are never touched, and a lead with ten events in the
  // batch costs one copy, not ten.
  const changed = new Map<string, DraftSummary>();
  const problems: ProjectionProblem[] = [];
  for (const recorded of events) {
    const leadId = leadIdOfStream(recorded.stream);
    if (leadId === undefined) continue;
    const draft = changed.get(leadId);
    const row = draft ?? current(leadId);
    const revision = Number(recorded.revision);
    // A redelivered event is known by its revision before it is decoded.
    if (row !== undefined && revision <= row.revision) continue;
    const input = decodeSummaryInput(recorded);
    if (E.isLeft(input)) {
      problems.push(input.left);
      continue;
    }
    if (row === undefined) {
      if (input.right.type === "LeadCaptured") {
        changed.set(leadId, capturedSummary(input.right, revision, cadence));
        continue;
      }
      problems.push({
        code: "projection.lead-not-captured",
        stream: recorded.stream,
        revision: recorded.revision,
        position: recorded.position,
        type: recorded.type,
        paths: [],
      });
      continue;
    }
    const target = draft ?? draftOf(row);
    if (draft === undefined) changed.set(leadId, target);
    applyToDraft(target, input.right, revision, cadence);
  }
  return { changed, problems };
};

/** The summaries of a whole log, folded from nothing: what a rebuild arrives at. */
export const summarizeLog = (
  events: readonly RecordedEvent[],
  cadence: FollowUpCadence = DEFAULT_FOLLOW_UP_CADENCE,
): ReadonlyMap<string, LeadSummary> => projectEvents(() => undefined, events, cadence).changed;

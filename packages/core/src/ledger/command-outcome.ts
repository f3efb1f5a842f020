import type { LeadEvent } from "../lead/events.js";
import type { LeadId } from "../lead/values.js";

/** What a command did: where its events stand, and whether this was a retry of one done before. */
export interface CommandOutcome {
  readonly leadId: LeadId;
  /** The stream revision after the command: what `If-Match` expects next. */
  readonly revision: bigint;
  /** The global position of the command's last event: read your writes up to here. */
  readonly position: bigint;
  readonly events: readonly LeadEvent[];
  /** True when the command id was already recorded and nothing new was written. */
  readonly replayed: boolean;
}

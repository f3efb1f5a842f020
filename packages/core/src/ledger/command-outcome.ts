import type { EventOfCommand } from "../lead/command-events.js";
import type { LeadCommandType } from "../lead/commands.js";
import type { LeadId } from "../lead/values.js";

/**
 * What a command did: where its events stand, and whether this was a retry of one done
 * before. Typed by the command: the outcome of a `RecordContact` holds the events a contact
 * may record ({@link EventOfCommand}).
 */
export interface CommandOutcome<T extends LeadCommandType = LeadCommandType> {
  readonly leadId: LeadId;
  /** The stream revision after the command: what `If-Match` expects next. */
  readonly revision: bigint;
  /** The global position of the command's last event: read your writes up to here. */
  readonly position: bigint;
  /** The command's events, personal parts opened: their times are ISO-8601 instants. */
  readonly events: readonly EventOfCommand<T>[];
  /** True when the command id was already recorded and nothing new was written. */
  readonly replayed: boolean;
}

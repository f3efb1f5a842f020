import type { EventOfCommand } from "../lead/command-events.js";
import type { LeadCommandType } from "../lead/commands.js";
import type { LeadId } from "../lead/values.js";
import { positionToString } from "../store/event-store.js";

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
  /**
   * The outcome as JSON, which `JSON.stringify(outcome)` calls: see
   * {@link CommandOutcomeJson}. A copy made by spreading the outcome has no `toJSON`, and
   * its bigints do not serialise.
   */
  toJSON(): CommandOutcomeJson<T>;
}

/**
 * The JSON form of a {@link CommandOutcome}, as the HTTP API answers a command: `revision`
 * a number (a stream's revisions stay far below 2^53), `position` a decimal string
 * (`positionToString`; `BigInt(position)` reads it back), the events as they are. The
 * events carry the personal data the command brought: keep a serialised outcome, or log
 * it, only where the command itself may go.
 */
export interface CommandOutcomeJson<T extends LeadCommandType = LeadCommandType> {
  readonly leadId: string;
  readonly revision: number;
  readonly position: string;
  readonly events: readonly EventOfCommand<T>[];
  readonly replayed: boolean;
}

/** The outcome of a command, with its JSON form. */
export const commandOutcome = <T extends LeadCommandType = LeadCommandType>(
  fields: Omit<CommandOutcome<T>, "toJSON">,
): CommandOutcome<T> => new Outcome(fields);

/** An outcome's fields are its own, enumerable as before; `toJSON` is on the prototype. */
class Outcome<T extends LeadCommandType> implements CommandOutcome<T> {
  readonly leadId: LeadId;
  readonly revision: bigint;
  readonly position: bigint;
  readonly events: readonly EventOfCommand<T>[];
  readonly replayed: boolean;

  constructor(fields: Omit<CommandOutcome<T>, "toJSON">) {
    this.leadId = fields.leadId;
    this.revision = fields.revision;
    this.position = fields.position;
    this.events = fields.events;
    this.replayed = fields.replayed;
  }

  toJSON(): CommandOutcomeJson<T> {
    return {
      leadId: this.leadId,
      revision: Number(this.revision),
      position: positionToString(this.position),
      events: this.events,
      replayed: this.replayed,
    };
  }
}

import type { LeadCommandType } from "./commands.js";
import type { LeadEventOf, LeadEventType } from "./events.js";

/**
 * The events each command may record: its own, and what it brings with it — a capture's
 * first grade by rule and its duplicate flag (rule 9), a contact's or a visit's cleared
 * purge flag and re-grade. `decide` never records any other for the command (a test holds
 * it to this), so the ledger's outcome of a command is typed by it.
 */
export const EVENTS_OF_COMMAND = {
  CaptureLead: ["LeadCaptured", "LeadGraded", "LeadFlaggedForPurge"],
  RecordContact: ["LeadContacted", "PurgeFlagCleared", "LeadGraded"],
  GradeLead: ["LeadGraded"],
  RecordVisit: ["LeadVisited", "PurgeFlagCleared", "LeadGraded"],
  ConvertLead: ["LeadConverted"],
  AssignLead: ["LeadAssigned"],
  AmendLead: ["LeadAmended"],
  FlagForPurge: ["LeadFlaggedForPurge"],
  ClearPurgeFlag: ["PurgeFlagCleared"],
  PurgeLead: ["LeadPurged"],
} as const satisfies Record<LeadCommandType, readonly LeadEventType[]>;

/** An event that a command of type `T` may record. */
export type EventOfCommand<T extends LeadCommandType> =
  EventsByType[(typeof EVENTS_OF_COMMAND)[T][number]];

// A lookup rather than an Extract, so that an outcome of one command is an outcome of any.
type EventsByType = { readonly [K in LeadEventType]: LeadEventOf<K> };

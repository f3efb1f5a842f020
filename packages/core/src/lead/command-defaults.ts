import * as E from "fp-ts/lib/Either.js";
import type { Actor } from "../access/actor.js";
import type {
  CaptureLead,
  CompleteCapture,
  LeadCommand,
  SubmittedLeadCommand,
} from "./commands.js";
import type { LeadError } from "./errors.js";
import { leadError } from "./errors.js";
import { CAPTURE_FIELDS, valueAt } from "./to-be-confirmed.js";
import type { Instant } from "./values.js";
import { Owner, TBC } from "./values.js";

// The ledger fills these in after it has compared a retry with the command as first sent
// (issue 12), so that a retry that leaves out the same fields replays instead of differing
// by a default.

/**
 * The command with what the caller left out filled in: `occurredAt` (a capture's
 * `acquiredAt`) is `now`, the moment the ledger records it; a capture's owner is the
 * caller, a rep or a head (both may own leads, docs/organisation.md), and each capture
 * field it left out is to be confirmed (`{ "tbc": true }`). An executive owns no leads:
 * a capture of theirs without an owner is refused (`input.invalid` at `owner`).
 */
export const withDefaults = (
  command: SubmittedLeadCommand,
  now: Instant,
  actor: Actor,
): E.Either<LeadError, LeadCommand> => {
  if (command.type === "CaptureLead") return completeCapture(command, now, actor);
  return E.right(
    command.occurredAt !== undefined
      ? (command as LeadCommand)
      : ({ ...command, occurredAt: now } as LeadCommand),
  );
};

const EXECUTIVE_OWNS_NONE =
  'the rep who will follow the lead up, like {"repId": "rep-1", "department": "east"}: an executive owns no leads, so a capture by an executive names its owner';

/** A capture with every field of docs/domain.md §1.1, its time and its owner. */
const completeCapture = (
  command: CaptureLead,
  now: Instant,
  actor: Actor,
): E.Either<LeadError, CompleteCapture> => {
  let owner = command.owner;
  if (owner === undefined) {
    if (actor.role === "executive") {
      return E.left(
        leadError("input.invalid", {
          problems: [{ path: "command.owner", expected: EXECUTIVE_OWNS_NONE, type: Owner.name }],
        }),
      );
    }
    owner = { repId: actor.id, department: actor.department };
  }
  const complete: Record<string, unknown> = {
    ...command,
    acquiredAt: command.acquiredAt ?? now,
    owner,
  };
  for (const path of CAPTURE_FIELDS[command.party.kind]) {
    if (valueAt(complete, path) === undefined) setAt(complete, path);
  }
  return E.right(complete as unknown as CompleteCapture);
};

/**
 * Marks the field at a dotted path to be confirmed, copying each object on the way, so
 * that the command as sent (kept for retries) is never changed.
 */
const setAt = (root: Record<string, unknown>, path: string): void => {
  const keys = path.split(".");
  let parent = root;
  for (const key of keys.slice(0, -1)) {
    const child = { ...(parent[key] as Record<string, unknown> | undefined) };
    parent[key] = child;
    parent = child;
  }
  parent[keys[keys.length - 1] as string] = TBC;
};

import { createHmac } from "node:crypto";
import * as E from "fp-ts/lib/Either.js";
import type { Actor } from "../access/actor.js";
import type { SubmittedLeadCommand } from "../lead/commands.js";
import type { LeadError } from "../lead/errors.js";
import { leadError } from "../lead/errors.js";
import { canonicalJson } from "../store/canonical-json.js";
import type { JsonValue } from "../store/event-store.js";
import type { CommandRecord } from "./command-index.js";
import type { CommandOutcome } from "./command-outcome.js";
import { commandOutcome } from "./command-outcome.js";
import type { LoadedLead } from "./loaded-lead.js";
import { commandKey, findCommand } from "./loaded-lead.js";
import type { LeadSources } from "./opened-lead.js";
import { openEvents } from "./opened-lead.js";
import { fromStoreError } from "./store-failure.js";

// Idempotency: a command id is the actor's own on a lead. The lead's events carry each
// command's id and a digest of the command; a command id seen before is answered from
// them, and never decided twice.

/**
 * What a retry is compared by: the command as its actor sent it, before any default is
 * filled in (a retry without `occurredAt` is the same request), and the actor, whose
 * command ids are their own. An HMAC under the lead's data key, so that nobody without the
 * key can test guesses of a command against it.
 */
export const commandDigest = (
  key: Uint8Array,
  actor: Actor,
  submitted: SubmittedLeadCommand,
): string =>
  createHmac("sha256", key)
    .update(canonicalJson({ actor, command: submitted } as unknown as JsonValue))
    .digest("base64url");

/**
 * The record of the actor's command id on the loaded lead: `undefined` for a new command.
 * Costs nothing but for an old command's retry, which reads the lead's stream.
 */
export const recordedCommand = (
  sources: LeadSources,
  lead: LoadedLead,
  actorId: string,
  commandId: string,
): Promise<E.Either<LeadError, CommandRecord | undefined>> =>
  findCommand(sources.store, lead, commandKey(actorId, commandId));

/**
 * The answer to a command id the lead has recorded before: its first outcome when the
 * command is the same (`replayed`, nothing written), `idempotency.mismatch` when it is not.
 */
export const answerRetry = async (
  sources: LeadSources,
  actor: Actor,
  submitted: SubmittedLeadCommand,
  lead: LoadedLead,
  known: CommandRecord,
): Promise<E.Either<LeadError, CommandOutcome>> => {
  const leadId = lead.leadId;
  if (lead.state?.stage === "purged") {
    // The purge itself destroyed the key its digest was made with: a retried purge gets
    // its outcome back; any other command on a purged lead is refused as usual.
    return known.lastRevision === lead.revision
      ? replay(sources, lead, known)
      : E.left(leadError("lead.purged", { leadId }));
  }
  const key = await sources.keys.lookup(leadId, false);
  if (E.isLeft(key)) return key;
  const matches =
    key.right.status === "active" &&
    commandDigest(key.right.key, actor, submitted) === known.digest;
  if (!matches)
    return E.left(leadError("idempotency.mismatch", { commandId: submitted.commandId }));
  return replay(sources, lead, known);
};

/** The first outcome of a recorded command, read back from the lead's stream. */
const replay = async (
  { store, keys }: LeadSources,
  lead: LoadedLead,
  record: CommandRecord,
): Promise<E.Either<LeadError, CommandOutcome>> => {
  const read = await store.readStream(lead.stream, {
    from: record.firstRevision,
    maxCount: Number(record.lastRevision - record.firstRevision + 1n),
  });
  if (E.isLeft(read)) return E.left(fromStoreError(lead.leadId, read.left));
  const key = await keys.lookup(lead.leadId, false);
  if (E.isLeft(key)) return key;
  const events = openEvents(lead.leadId, read.right, key.right, () => true);
  if (E.isLeft(events)) return events;
  return E.right(
    commandOutcome({
      leadId: lead.leadId,
      revision: record.lastRevision,
      position: record.position,
      events: events.right,
      replayed: true,
    }),
  );
};

import * as E from "fp-ts/lib/Either.js";
import type { Actor } from "../access/actor.js";
import { canReach } from "../access/actor.js";
import type { GradingPolicy } from "../grading/policy.js";
import { withDefaults } from "../lead/command-defaults.js";
import type { SubmittedLeadCommand } from "../lead/commands.js";
import { decodeLeadCommand } from "../lead/commands.js";
import type { DecisionContext, DuplicateFound } from "../lead/decide.js";
import { decide } from "../lead/decide.js";
import type { LeadError } from "../lead/errors.js";
import { leadError } from "../lead/errors.js";
import type { LeadEvent } from "../lead/events.js";
import type { LeadId } from "../lead/values.js";
import { ActorRecord, millisToInstant } from "../lead/values.js";
import type { Directory, OwnerStanding } from "../organisation/directory.js";
import { newDataKey } from "../privacy/cipher.js";
import type { KeyLookup } from "../privacy/key-store.js";
import { NO_STREAM } from "../store/event-store.js";
import type { CommandOutcome } from "./command-outcome.js";
import { commandOutcome } from "./command-outcome.js";
import type { ContactIdentity } from "./contact-identity.js";
import type { Reservation, ReservationToGiveUp } from "./contact-reservations.js";
import { decodeInput } from "./decoded-input.js";
import type { DuplicateReservations } from "./duplicate-reservations.js";
import type { Erasure } from "./erasure.js";
import { answerRetry, commandDigest, recordedCommand } from "./idempotency.js";
import type { LeadCache } from "./lead-cache.js";
import { leadIdForCapture } from "./lead-id.js";
import type { LeadQueue } from "./lead-queue.js";
import type { LoadedLead } from "./loaded-lead.js";
import { catchUpLoadedLead, NO_REVISION, recordOnLoadedLead } from "./loaded-lead.js";
import type { LeadSources } from "./opened-lead.js";
import { currentPersonal } from "./opened-lead.js";
import { salvageLoadedLead } from "./salvaged-lead.js";
import { fromStoreError } from "./store-failure.js";
import { toStoredEvents } from "./stored-event.js";

/** How a command is run, besides the command itself. */
export interface ExecuteOptions {
  /** Refuse with `concurrency.conflict` unless the lead's stream is at this revision. */
  readonly expectedRevision?: bigint;
}

/** The ledger's settings a command is run with (see `LeadLedgerDeps` for each). */
export interface ExecutionSettings {
  readonly gradingPolicy: GradingPolicy;
  /** The recording clock, epoch milliseconds. */
  readonly clock: () => number;
  readonly clockToleranceMs: number;
  readonly maxAttempts: number;
  readonly duplicatePolicy: DuplicateFound["policy"];
  /** The key of the streams' hash chains. */
  readonly chainKey: Uint8Array;
  readonly newId: () => string;
  /** The sub-key of the ledger's secret that derives lead ids from captures' command ids. */
  readonly captureIdSecret: Uint8Array;
  /** Who may own leads; without one, any owner in the actor's reach is taken. */
  readonly directory: Directory | undefined;
}

/** What commands are run with: the other steps of the ledger, and its settings. */
export interface ExecutionDeps {
  readonly sources: LeadSources;
  readonly leads: LeadCache;
  readonly newLoadedLead: (leadId: LeadId) => LoadedLead;
  readonly queue: LeadQueue;
  readonly reservations: DuplicateReservations;
  readonly erasure: Erasure;
  readonly settings: ExecutionSettings;
}

/** A capture decides at least one event; only a capture reserves, other commands hold none. */
const NOTHING_HELD: readonly E.Either<LeadError, Reservation>[] = [];

/**
 * Running a command: load → decide → append, in the lead's turn, again on a concurrent
 * write. Around that core: the scope check, idempotency (a command id seen before is
 * answered from the lead's events), the duplicate reservations of rule 9 and the erasure
 * bookkeeping of a purge.
 */
export class Execution {
  readonly #deps: ExecutionDeps;

  constructor(deps: ExecutionDeps) {
    this.#deps = deps;
  }

  /**
   * Runs a command for an actor: decodes both, checks scope, decides, and appends with
   * the expected revision, re-deciding on a concurrent write. A command id seen before
   * returns its first outcome with the same payload, `idempotency.mismatch` with another.
   */
  async execute(
    rawActor: unknown,
    rawCommand: unknown,
    options: ExecuteOptions = {},
  ): Promise<E.Either<LeadError, CommandOutcome>> {
    const actor = decodeInput(ActorRecord, rawActor, "actor");
    if (E.isLeft(actor)) return actor;
    const decoded = decodeInput({ decode: decodeLeadCommand }, rawCommand, "command");
    if (E.isLeft(decoded)) return decoded;
    const command = decoded.right;
    let leadId: LeadId;
    if (command.type === "CaptureLead") {
      if (command.leadId !== undefined && !reachesEveryLead(actor.right)) {
        // Whether or not that lead exists: answering otherwise would tell a rep which ids
        // are taken, and If-Match their revisions (issue 12).
        return E.left(
          leadError("access.denied", {
            reason: "only an executive may name the lead id of a capture (imports, migrations)",
          }),
        );
      }
      leadId =
        command.leadId ??
        leadIdForCapture(this.#deps.settings.captureIdSecret, actor.right.id, command.commandId);
    } else {
      leadId = command.leadId;
    }
    const { queue, leads, settings } = this.#deps;
    return queue.run(leadId, async () => {
      for (let tries = 0; tries < settings.maxAttempts; tries++) {
        const outcome = await this.#attempt(actor.right, command, leadId, options, tries === 0);
        if (E.isLeft(outcome) || outcome.right !== "retry") {
          return outcome as E.Either<LeadError, CommandOutcome>;
        }
        // Another writer got in first: give it room before reading again.
        if (tries > 0)
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 2 ** tries));
      }
      return E.left(
        leadError("concurrency.conflict", {
          leadId,
          expected: "any",
          actual: leads.get(leadId)?.revision ?? NO_STREAM,
        }),
      );
    });
  }

  /** One attempt: the outcome, a refusal, or "retry" when another writer got the stream first. */
  async #attempt(
    actor: Actor,
    submitted: SubmittedLeadCommand,
    leadId: LeadId,
    options: ExecuteOptions,
    firstTry: boolean,
  ): Promise<E.Either<LeadError, CommandOutcome | "retry">> {
    const { sources, leads, newLoadedLead, reservations, erasure, settings } = this.#deps;
    const { store, keys } = sources;
    // A capture without a lead id gets the derived one; the digest keeps the command as sent.
    const command: SubmittedLeadCommand =
      submitted.type === "CaptureLead" && submitted.leadId === undefined
        ? { ...submitted, leadId }
        : submitted;
    const cached = leads.get(leadId);
    let lead: LoadedLead;
    // Loaded past an event that does not decode, for an erasure only: never cached.
    let salvaged = false;
    if (
      cached === undefined &&
      firstTry &&
      command.type === "CaptureLead" &&
      options.expectedRevision === undefined
    ) {
      // A capture is nearly always of a lead nobody has written: rather than read its empty
      // stream, append as to a new one. The store refuses that append if the stream exists,
      // and the retry reads it and decides again (a replay, or lead.already-captured).
      lead = newLoadedLead(leadId);
    } else {
      const loading = cached ?? newLoadedLead(leadId);
      const caught = await catchUpLoadedLead(store, loading);
      if (E.isRight(caught)) {
        lead = caught.right;
      } else {
        leads.forget(leadId);
        if (caught.left.code !== "history.undecodable") return caught;
        // A damaged event stops the catch-up; the facts before it still say whose lead it
        // is, and only those who reach it learn that it is damaged.
        const partial = loading.state;
        if (
          command.type !== "CaptureLead" &&
          (partial === undefined || !canReach(actor, partial.owner))
        ) {
          return E.left(leadError("lead.not-found", { leadId }));
        }
        // Nothing is decided on a history that cannot be read in full, but an erasure
        // request must not wait for the damage to be mended (issue 12).
        if (command.type !== "PurgeLead" || command.erasureRequest !== true) return caught;
        const loaded = await salvageLoadedLead(store, newLoadedLead(leadId));
        if (E.isLeft(loaded)) return loaded;
        lead = loaded.right;
        salvaged = true;
      }
    }
    if (!salvaged) leads.remember(lead);
    const state = lead.state;
    // Leads outside the actor's reach do not exist for the actor (docs/domain.md §7): a command on
    // one is answered as on a lead never captured, before any revision or idempotency check
    // could tell them apart (If-Match would otherwise answer 412 with the revision).
    if (command.type !== "CaptureLead" && (state === undefined || !canReach(actor, state.owner))) {
      return E.left(leadError("lead.not-found", { leadId }));
    }
    // Only an executive names a capture's lead id, and reaches every lead; anyone else's
    // capture lands on a lead derived from their own key, which they may since have lost
    // to a reassignment: then it says no more than that the lead exists (no revision).
    if (command.type === "CaptureLead" && state !== undefined && !canReach(actor, state.owner)) {
      return E.left(leadError("lead.already-captured", { leadId }));
    }

    const found = await recordedCommand(sources, lead, actor.id, command.commandId);
    if (E.isLeft(found)) return found;
    if (found.right !== undefined) return answerRetry(sources, actor, submitted, lead, found.right);
    if (state?.stage === "purged") return E.left(leadError("lead.purged", { leadId }));
    if (options.expectedRevision !== undefined && options.expectedRevision !== lead.revision) {
      return E.left(
        leadError("concurrency.conflict", {
          leadId,
          expected: options.expectedRevision,
          actual: lead.revision === NO_REVISION ? NO_STREAM : lead.revision,
        }),
      );
    }

    const now = settings.clock();
    const defaulted = withDefaults(command, millisToInstant(now), actor);
    if (E.isLeft(defaulted)) return defaulted;
    const decided = defaulted.right;
    // The owner a command names is looked up here, so that decide stays pure (like rule 9).
    const namedOwner =
      decided.type === "CaptureLead"
        ? decided.owner
        : decided.type === "AssignLead"
          ? decided.to
          : undefined;
    let ownerStanding: OwnerStanding | undefined;
    if (settings.directory !== undefined && namedOwner !== undefined) {
      const standing = await settings.directory.canOwnLeads(namedOwner, now);
      if (E.isLeft(standing)) return E.left(standing.left);
      ownerStanding = standing.right;
    }
    const context: DecisionContext = {
      actor,
      now,
      gradingPolicy: settings.gradingPolicy,
      clockToleranceMs: settings.clockToleranceMs,
      ...(ownerStanding === undefined ? {} : { ownerStanding }),
    };
    const decision = decide(decided, state, context);
    if (E.isLeft(decision)) return decision;
    let events = decision.right as LeadEvent[];

    // Rule 9 and the erasure bookkeeping need the identities before and after the command.
    const reserved = reservations.forAttempt(command.commandId, now, leadId);
    const capturing = command.type === "CaptureLead";
    const captured =
      decided.type === "CaptureLead" ? reservations.identitiesOf(decided.contact) : [];
    // A capture's key and its reservations do not depend on each other: asked for together,
    // they share the stores' group commits instead of waiting on one commit each. Any other
    // command finds its key cached: it skips the promise round trips of Promise.all.
    const cachedKey = capturing ? undefined : keys.cached(leadId);
    const [key, holds] =
      cachedKey !== undefined
        ? [E.right<LeadError, KeyLookup>({ status: "active", key: cachedKey }), NOTHING_HELD]
        : await Promise.all([
            keys.lookup(leadId, capturing),
            reserved.reserveAll(captured, capturing && command.renewedConsent !== undefined),
          ]);
    let toRelease: readonly ContactIdentity[] = [];
    let purge: { held: readonly ReservationToGiveUp[]; erasure: boolean } | undefined;
    if (E.isLeft(key)) {
      await reserved.undo();
      return key;
    }
    // An erasure request must succeed even when the lead's key is lost (issue 12). Nothing
    // can be sealed for the lead then: its purge is recorded without a personal part (the
    // re-check note and tracing ids are not kept), and its reservations are found in the log.
    const keyLost =
      key.right.status === "missing" &&
      command.type === "PurgeLead" &&
      command.erasureRequest === true;
    if (key.right.status !== "active" && !keyLost) {
      await reserved.undo();
      // A purged lead was refused above; a lost key for a live lead is not recoverable here.
      return E.left(leadError("lead.purged", { leadId }));
    }
    const sealingKey = key.right.status === "active" ? key.right.key : undefined;
    if (holds.length > 0) {
      // Rule 9: decided again with what the capture's reservations found, if a duplicate.
      const duplicate = await reservations.duplicateAmong(actor, holds, settings.duplicatePolicy);
      if (E.isLeft(duplicate)) {
        await reserved.undo();
        return duplicate;
      }
      if (duplicate.right !== undefined) {
        const redecided = decide(decided, state, { ...context, duplicate: duplicate.right });
        if (E.isLeft(redecided)) {
          await reserved.undo();
          return redecided;
        }
        events = redecided.right as LeadEvent[];
      }
    }
    if (sealingKey === undefined) events = events.map(factsOnly);
    if (command.type === "AmendLead" && command.contact !== undefined) {
      const personal = await currentPersonal(sources, leadId);
      if (E.isLeft(personal)) return personal;
      const moved = await reserved.moveForAmendment(
        actor,
        personal.right?.contact,
        command.contact,
      );
      if (E.isLeft(moved)) return moved;
      toRelease = moved.right;
    } else if (command.type === "PurgeLead") {
      const held = await erasure.heldReservations(leadId, key.right.status);
      if (E.isLeft(held)) return held;
      purge = { held: held.right, erasure: command.erasureRequest === true };
    }

    const stored = toStoredEvents(events, {
      key: sealingKey,
      previousHash: lead.lastHash,
      // Without the lead's key, the digest is keyed by one used once and forgotten: no
      // retry compares it (a retried purge replays unchecked), and nobody can test guesses
      // of the command against it.
      commandDigest: commandDigest(sealingKey ?? newDataKey(), actor, submitted),
      chainKey: settings.chainKey,
      newId: settings.newId,
    });
    const appended = await store.appendToStream(lead.stream, stored, {
      expectedRevision: lead.revision === NO_REVISION ? NO_STREAM : lead.revision,
    });
    if (E.isLeft(appended)) {
      if (appended.left.code === "concurrency.conflict" && options.expectedRevision === undefined) {
        // Another writer got the stream first: the retry decides again on what it wrote and
        // may well refuse (a capture of a lead just captured), so what this attempt reserved
        // goes back now. A retry that still wants an identity reserves it again.
        await reserved.undo();
        return E.right("retry");
      }
      await reserved.undo();
      return E.left(fromStoreError(leadId, appended.left));
    }
    reserved.keep();

    const firstRevision = appended.right.nextExpectedRevision - BigInt(stored.length) + 1n;
    for (let index = 0; index < stored.length; index++) {
      const decidedEvent = events[index];
      const event = stored[index];
      if (decidedEvent === undefined || event === undefined) continue;
      recordOnLoadedLead(lead, factsOnly(decidedEvent), {
        revision: firstRevision + BigInt(index),
        // Only the last event's position is known; the others lie before it.
        position: appended.right.position,
        metadata: event.metadata,
      });
    }
    // Weighed again with its new command: the cache's bound counts what it holds now.
    if (!salvaged) leads.remember(lead);

    if (toRelease.length > 0) {
      const released = await reserved.release(toRelease);
      if (E.isLeft(released)) return released;
    }
    if (purge !== undefined) {
      const completed = await erasure.completePurge(
        leadId,
        purge.held,
        purge.erasure,
        command.commandId,
      );
      if (E.isLeft(completed)) return completed;
    }
    return E.right(
      commandOutcome({
        leadId,
        revision: appended.right.nextExpectedRevision,
        position: appended.right.position,
        events,
        replayed: false,
      }),
    );
  }
}

/** An actor who reaches every lead whoever owns it: an executive. */
const reachesEveryLead = (actor: Actor): boolean => actor.role === "executive";

/** The event as the loaded lead keeps it: without its personal part. */
const factsOnly = (event: LeadEvent): LeadEvent => {
  if (!("personal" in event.data)) return event;
  const { personal: _personal, ...data } = event.data as { personal?: unknown };
  return { ...event, data } as LeadEvent;
};

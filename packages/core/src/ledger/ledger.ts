import { createHmac, hkdfSync } from "node:crypto";
import * as E from "fp-ts/lib/Either.js";
import type * as t from "io-ts";
import type { CountryCode } from "libphonenumber-js";
import type { Actor } from "../access/actor.js";
import { canReach } from "../access/actor.js";
import { defaultGradingPolicy } from "../grading/default.js";
import type { GradingPolicy } from "../grading/policy.js";
import type { SubmittedLeadCommand } from "../lead/commands.js";
import { decodeLeadCommand, withBusinessTime } from "../lead/commands.js";
import type { DecisionContext, DuplicateFound } from "../lead/decide.js";
import { DEFAULT_CLOCK_TOLERANCE_MS, decide } from "../lead/decide.js";
import { decodeLeadEventFacts } from "../lead/decode-facts.js";
import type { LeadError } from "../lead/errors.js";
import { leadError } from "../lead/errors.js";
import type { CapturedPersonal, LeadEvent } from "../lead/events.js";
import { isRedacted } from "../lead/events.js";
import { inputProblemsOf } from "../lead/input-problems.js";
import type { LeadState } from "../lead/state.js";
import { foldLead, asOf as stateAsOf } from "../lead/state.js";
import { leadStreamName } from "../lead/stream-name.js";
import type { LeadId } from "../lead/values.js";
import {
  ActorRecord,
  Instant,
  instantToMillis,
  LeadId as LeadIdCodec,
  millisToInstant,
} from "../lead/values.js";
import { DATA_KEY_BYTES, newDataKey } from "../privacy/cipher.js";
import type { KeyLookup, KeyStore } from "../privacy/key-store.js";
import { canonicalJson } from "../store/canonical-json.js";
import type { EventStore, GlobalPosition, JsonValue, RecordedEvent } from "../store/event-store.js";
import { NO_STREAM } from "../store/event-store.js";
import type { HistoryVerification } from "../store/hash-chain.js";
import { chainKeyOf, verifyHistory } from "../store/hash-chain.js";
import type { CommandIndexOptions } from "./command-index.js";
import type { ContactIdentity } from "./contact-identity.js";
import { contactIdentities } from "./contact-identity.js";
import type {
  HolderStatus,
  Reservation,
  ReservationContext,
  ReservationToGiveUp,
} from "./contact-reservations.js";
import {
  releaseIdentity,
  releaseReservation,
  reservationsToGiveUp,
  reserveIdentity,
  undoReservation,
} from "./contact-reservations.js";
import { reservationsHeldBy } from "./held-reservations.js";
import { LeadCache } from "./lead-cache.js";
import { leadIdForCapture } from "./lead-id.js";
import type { LoadedLead } from "./loaded-lead.js";
import {
  catchUpLoadedLead,
  commandKey,
  DEFAULT_COMMAND_INDEX,
  emptyLoadedLead,
  findCommand,
  NO_REVISION,
  recordOnLoadedLead,
} from "./loaded-lead.js";
import { salvageLoadedLead } from "./salvaged-lead.js";
import { fromStoreError } from "./store-failure.js";
import { fromStoredEvent, toStoredEvents } from "./stored-event.js";
import { newTimeOrderedId } from "./time-ordered-id.js";

/** What a ledger is built from. Only the stores and the secret are required. */
export interface LeadLedgerDeps {
  readonly eventStore: EventStore;
  readonly keyStore: KeyStore;
  /**
   * The ledger's secret, at least 32 bytes: keyed hashes of phone numbers and e-mail
   * addresses (duplicate reservations, the suppression list) are derived from it. Keep it
   * as safe as the data keys; the same secret must be given to every ledger on one store.
   */
  readonly secret: Uint8Array;
  /** Defaults to the documented default policy. */
  readonly gradingPolicy?: GradingPolicy;
  /** The recording clock, epoch milliseconds. Defaults to `Date.now`. */
  readonly clock?: () => number;
  /** How far business times may lie in the future. Defaults to 5 minutes. */
  readonly clockToleranceMs?: number;
  /** Attempts at a command that meets concurrent writers before `concurrency.conflict`. Defaults to 10. */
  readonly maxAttempts?: number;
  /** Rule 9: refuse a duplicate capture (default), or capture it flagged as a duplicate. */
  readonly duplicatePolicy?: "refuse" | "flag";
  /** Region for phone numbers written without a country code. Defaults to CN. */
  readonly defaultPhoneRegion?: CountryCode;
  /** At most how many leads (and data keys) the ledger keeps loaded. Defaults to 10,000. */
  readonly cacheSize?: number;
  /**
   * How many bytes the leads kept loaded may weigh together, by an estimate of each one's
   * size; the least recently used go first. Defaults to 64 MiB.
   */
  readonly cacheBytes?: number;
  /**
   * How many of a loaded lead's latest commands keep their exact record for retries; an
   * older command keeps a 32-bit fingerprint, and its retry reads the lead's stream.
   * Defaults to 16.
   */
  readonly recentCommands?: number;
  /** The fingerprint of a command key (tests force collisions with it). Defaults to FNV-1a. */
  readonly commandFingerprint?: (key: string) => number;
  /** Event ids. Defaults to {@link newTimeOrderedId}: UUIDs version 7. */
  readonly newId?: () => string;
  /**
   * The global position from which every chain link in the store is keyed (the first
   * event, for a store begun with keyed chains): an unkeyed link there is a break, left by
   * someone who rewrote a stream without the key. Unknown for a store that holds events
   * from before keyed chains until its checkpoints say (docs/operations.md, "Tamper
   * evidence"); left out, an unkeyed link is accepted before a stream's first keyed one.
   */
  readonly keyedChainFrom?: GlobalPosition;
}

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

export interface ExecuteOptions {
  /** Refuse with `concurrency.conflict` unless the lead's stream is at this revision. */
  readonly expectedRevision?: bigint;
}

/** A lead as read: its state (personal data opened, or redacted) and its stream revision. */
export interface LeadSnapshot {
  readonly state: LeadState;
  readonly revision: bigint;
  /** The verdict on the whole stream's hash chain: a state read from a broken one is suspect. */
  readonly verification: HistoryVerification;
}

/** One event of a lead's audit trail. */
export interface HistoryEntry {
  readonly revision: bigint;
  readonly position: bigint;
  readonly event: LeadEvent;
  readonly hash: string | undefined;
}

/** The full, ordered audit of one lead, with the verdict on its hash chain. */
export interface LeadHistory {
  readonly leadId: LeadId;
  readonly entries: readonly HistoryEntry[];
  readonly verification: HistoryVerification;
}

/** The lead ledger: every command and read goes through here. */
export interface LeadLedger {
  /**
   * Runs a command for an actor: decodes both, checks scope, decides, and appends with
   * the expected revision, re-deciding on a concurrent write. A command id seen before
   * returns its first outcome with the same payload, `idempotency.mismatch` with another.
   */
  execute(
    actor: unknown,
    command: unknown,
    options?: ExecuteOptions,
  ): Promise<E.Either<LeadError, CommandOutcome>>;
  /** The lead now, or as the ledger knew it at `asOf` (an instant). */
  getLead(
    actor: unknown,
    leadId: unknown,
    options?: { readonly asOf?: unknown },
  ): Promise<E.Either<LeadError, LeadSnapshot>>;
  /** The lead's full history, personal data opened (or redacted after a purge). */
  getHistory(actor: unknown, leadId: unknown): Promise<E.Either<LeadError, LeadHistory>>;
}

const decodeInput = <A>(
  codec: { readonly decode: (input: unknown) => t.Validation<A> },
  input: unknown,
  prefix: string,
) => {
  const result = codec.decode(input);
  return E.isLeft(result)
    ? E.left<LeadError, A>(
        leadError("input.invalid", { problems: inputProblemsOf(result.left, prefix) }),
      )
    : E.right<LeadError, A>(result.right);
};

/**
 * Builds a lead ledger over an event store and a key store (docs/architecture.md).
 */
export const createLeadLedger = (deps: LeadLedgerDeps): LeadLedger => {
  if (deps.secret.length < 32) throw new RangeError("the ledger secret must be at least 32 bytes");
  const store = deps.eventStore;
  const keyStore = deps.keyStore;
  const policy = deps.gradingPolicy ?? defaultGradingPolicy;
  const clock = deps.clock ?? Date.now;
  const tolerance = deps.clockToleranceMs ?? DEFAULT_CLOCK_TOLERANCE_MS;
  const maxAttempts = deps.maxAttempts ?? 10;
  const duplicatePolicy = deps.duplicatePolicy ?? "refuse";
  const region = deps.defaultPhoneRegion ?? "CN";
  const cacheSize = deps.cacheSize ?? 10_000;
  const commandIndex: CommandIndexOptions = {
    recent: deps.recentCommands ?? DEFAULT_COMMAND_INDEX.recent,
    fingerprint: deps.commandFingerprint ?? DEFAULT_COMMAND_INDEX.fingerprint,
  };
  const newLoadedLead = (leadId: LeadId) => emptyLoadedLead(leadId, commandIndex);
  const newId = deps.newId ?? newTimeOrderedId;
  const contactSecret = new Uint8Array(
    hkdfSync("sha256", deps.secret, "leadledger", "contact-identity", 32),
  );
  const chainKey = chainKeyOf(deps.secret);
  const verifyChain = (recorded: readonly RecordedEvent[]): HistoryVerification =>
    verifyHistory(
      recorded,
      deps.keyedChainFrom === undefined
        ? { chainKey }
        : { chainKey, keyedFrom: deps.keyedChainFrom },
    );
  // Lead ids derived from Idempotency-Keys: keyed, so that nobody can foretell them.
  const captureIdSecret = new Uint8Array(
    hkdfSync("sha256", deps.secret, "leadledger", "capture-lead-id", 32),
  );

  // Bounded by memory: a lead's command index grows with its history (issue 12, item 17).
  const leads = new LeadCache({ maxBytes: deps.cacheBytes ?? 64 * 2 ** 20, maxLeads: cacheSize });
  const keys = new Map<string, Uint8Array>();
  const queues = new Map<string, Promise<unknown>>();

  /** The data keys' cache: 32 bytes a lead, bounded by count. */
  const remember = <V>(cache: Map<string, V>, id: string, value: V): void => {
    cache.delete(id);
    cache.set(id, value);
    if (cache.size > cacheSize) {
      const oldest = cache.keys().next();
      if (!oldest.done) cache.delete(oldest.value);
    }
  };

  /** One command per lead at a time in this process; other processes meet the revision check. */
  const serialised = <T>(leadId: string, work: () => Promise<T>): Promise<T> => {
    const before = queues.get(leadId);
    // Nothing queued on this lead (the usual case): start at once rather than a tick later.
    const run = before === undefined ? work() : before.then(work, work);
    const tail: Promise<void> = run.then(
      () => {
        if (queues.get(leadId) === tail) queues.delete(leadId);
      },
      () => {
        if (queues.get(leadId) === tail) queues.delete(leadId);
      },
    );
    queues.set(leadId, tail);
    return run;
  };

  const keyOf = async (
    leadId: LeadId,
    create: boolean,
  ): Promise<E.Either<LeadError, KeyLookup>> => {
    const cached = keys.get(leadId);
    if (cached !== undefined) return E.right({ status: "active", key: cached });
    const found = create
      ? await keyStore.ensureKey(leadId, newDataKey())
      : await keyStore.getKey(leadId);
    if (E.isLeft(found)) return found;
    if (found.right.status === "active") {
      if (found.right.key.length !== DATA_KEY_BYTES) {
        throw new Error(`the key store returned a ${found.right.key.length}-byte key`);
      }
      remember(keys, leadId, found.right.key);
    }
    return E.right(found.right);
  };

  /**
   * What a retry is compared by: the command as its actor sent it, before any default is
   * filled in (a retry without `occurredAt` is the same request), and the actor, whose
   * command ids are their own.
   */
  const digestOf = (key: Uint8Array, actor: Actor, submitted: SubmittedLeadCommand): string =>
    createHmac("sha256", key)
      .update(canonicalJson({ actor, command: submitted } as unknown as JsonValue))
      .digest("base64url");

  interface FullLead {
    readonly recorded: readonly RecordedEvent[];
    readonly events: LeadEvent[];
    readonly keyStatus: KeyLookup["status"];
  }
  /**
   * Reads a whole lead with its key. `opened` says which events' personal parts to
   * decrypt: all for a history; for the lead's state only those it shows
   * ({@link stateNeedsPersonal}).
   */
  const readFull = async (
    leadId: LeadId,
    opened: (type: string) => boolean = () => true,
  ): Promise<E.Either<LeadError, FullLead>> => {
    const read = await store.readStream(leadStreamName(leadId));
    if (E.isLeft(read)) return E.left(fromStoreError(leadId, read.left));
    if (read.right.length === 0) return E.right({ recorded: [], events: [], keyStatus: "missing" });
    const key = await keyOf(leadId, false);
    if (E.isLeft(key)) return key;
    const events = openEvents(leadId, read.right, key.right, opened);
    if (E.isLeft(events)) return events;
    return E.right({ recorded: read.right, events: events.right, keyStatus: key.right.status });
  };

  /**
   * The personal data a lead holds now, or held when it was purged: needed to find its
   * reservations, also by an erasure that a crash interrupted after its `LeadPurged`
   * (which redacts the folded state, and is the last event of a purged lead).
   */
  const currentPersonal = async (
    leadId: LeadId,
  ): Promise<E.Either<LeadError, CapturedPersonal | undefined>> => {
    const full = await readFull(leadId, stateNeedsPersonal);
    if (E.isLeft(full)) return full;
    const events = full.right.events;
    const purged = events[events.length - 1]?.type === "LeadPurged";
    const personal = foldLead(purged ? events.slice(0, -1) : events)?.personal;
    return E.right(personal === undefined || isRedacted(personal) ? undefined : personal);
  };

  const holderStatus = async (holder: string): Promise<E.Either<LeadError, HolderStatus>> => {
    if (!LeadIdCodec.is(holder)) return E.right("absent");
    const loaded = leads.get(holder) ?? newLoadedLead(holder);
    const caught = await catchUpLoadedLead(store, loaded);
    if (E.isLeft(caught)) return caught;
    leads.remember(caught.right);
    const state = caught.right.state;
    if (state === undefined) return E.right("absent");
    return E.right(state.stage === "purged" ? "purged" : "active");
  };

  /**
   * Rule 9 as the actor may hear it: that the person is already someone's active lead, and
   * whose only when the actor reaches that lead (docs/privacy.md, "What each role learns").
   */
  const duplicateAsSeenBy = async (actor: Actor, error: LeadError): Promise<LeadError> => {
    if (error.code !== "lead.duplicate" || error.existingLeadId === undefined) return error;
    const holder = error.existingLeadId;
    const unnamed = leadError("lead.duplicate", { matchedOn: error.matchedOn });
    if (!LeadIdCodec.is(holder)) return unnamed;
    // holderStatus has just caught the holder up and cached it; if it has left the cache
    // since, it is read afresh (never into the cached object: its own commands own that).
    let owner = leads.get(holder)?.state?.owner;
    if (owner === undefined) {
      const fresh = await catchUpLoadedLead(store, newLoadedLead(holder));
      owner = E.isRight(fresh) ? fresh.right.state?.owner : undefined;
    }
    return owner !== undefined && canReach(actor, owner) ? error : unnamed;
  };

  /**
   * The reservation streams a lead holds: found from its personal data now, or, when that
   * does not open (a damaged ciphertext, an event that does not decode, a key that is
   * missing), by a scan of the log for the reservations naming the lead, so that a damaged
   * lead can still be erased.
   */
  const heldReservations = async (
    leadId: LeadId,
    keyStatus: KeyLookup["status"],
  ): Promise<E.Either<LeadError, readonly ReservationToGiveUp[]>> => {
    // Without its key nothing personal of the lead opens: no use reading it to learn that.
    if (keyStatus !== "missing") {
      const personal = await currentPersonal(leadId);
      if (E.isRight(personal)) {
        return E.right(
          contactIdentities(personal.right?.contact, region).flatMap((identity) =>
            reservationsToGiveUp(contactSecret, identity),
          ),
        );
      }
      if (personal.left.code !== "history.undecodable") return personal;
    }
    const found = await reservationsHeldBy(store, leadId);
    return E.map((streams: readonly string[]) =>
      streams.map((stream) => ({ stream, onlyIfHeld: false })),
    )(found);
  };

  const reservationContext = (commandId: string, now: number): ReservationContext => ({
    store,
    secret: contactSecret,
    commandId,
    now,
    newId,
    holderStatus,
    abandonedAfterMs: 60_000,
  });

  const sameIdentity = (a: ContactIdentity, b: ContactIdentity) =>
    a.kind === b.kind && a.normalised === b.normalised;

  /**
   * Erasure, in the order that survives a crash at any step: the purge event is already
   * committed, then the reservations go (they need the personal data to be found), then
   * the key. A read of a purged lead whose key still exists runs this again.
   */
  const completePurge = async (
    leadId: LeadId,
    held: readonly ReservationToGiveUp[],
    erasureRequest: boolean,
    commandId: string,
  ): Promise<E.Either<LeadError, void>> => {
    const context = reservationContext(commandId, clock());
    for (const { stream, onlyIfHeld } of held) {
      const released = await releaseReservation(
        context,
        stream,
        leadId,
        erasureRequest,
        onlyIfHeld,
      );
      if (E.isLeft(released)) return released;
    }
    keys.delete(leadId);
    const destroyed = await keyStore.destroyKey(leadId);
    return E.isLeft(destroyed) ? destroyed : E.right(undefined);
  };

  const replay = async (
    lead: LoadedLead,
    record: {
      readonly firstRevision: bigint;
      readonly lastRevision: bigint;
      readonly position: bigint;
    },
  ): Promise<E.Either<LeadError, CommandOutcome>> => {
    const read = await store.readStream(lead.stream, {
      from: record.firstRevision,
      maxCount: Number(record.lastRevision - record.firstRevision + 1n),
    });
    if (E.isLeft(read)) return E.left(fromStoreError(lead.leadId, read.left));
    const key = await keyOf(lead.leadId, false);
    if (E.isLeft(key)) return key;
    const events = openEvents(lead.leadId, read.right, key.right, () => true);
    if (E.isLeft(events)) return events;
    return E.right({
      leadId: lead.leadId,
      revision: record.lastRevision,
      position: record.position,
      events: events.right,
      replayed: true,
    });
  };

  const attempt = async (
    actor: Actor,
    submitted: SubmittedLeadCommand,
    leadId: LeadId,
    options: ExecuteOptions,
    firstTry: boolean,
  ): Promise<E.Either<LeadError, CommandOutcome | "retry">> => {
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

    const found = await findCommand(store, lead, commandKey(actor.id, command.commandId));
    if (E.isLeft(found)) return found;
    const known = found.right;
    if (known !== undefined) {
      // The purge itself destroyed the key its digest was made with: a retried purge gets
      // its outcome back; any other command on a purged lead is refused below as usual.
      if (state?.stage === "purged" && known.lastRevision === lead.revision) {
        return replay(lead, known);
      }
      if (state?.stage === "purged") return E.left(leadError("lead.purged", { leadId }));
      const key = await keyOf(leadId, false);
      if (E.isLeft(key)) return key;
      const matches =
        key.right.status === "active" && digestOf(key.right.key, actor, submitted) === known.digest;
      if (!matches)
        return E.left(leadError("idempotency.mismatch", { commandId: command.commandId }));
      return replay(lead, known);
    }
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

    const now = clock();
    const decided = withBusinessTime(command, millisToInstant(now));
    const context: DecisionContext = {
      actor,
      now,
      gradingPolicy: policy,
      clockToleranceMs: tolerance,
    };
    const decision = decide(decided, state, context);
    if (E.isLeft(decision)) return decision;
    let events = decision.right as LeadEvent[];

    // Rule 9 and the erasure bookkeeping need the identities before and after the command.
    const reservations = reservationContext(command.commandId, now);
    const capturing = command.type === "CaptureLead";
    const captured = capturing ? contactIdentities(command.contact, region) : [];
    // A capture's key and its reservations do not depend on each other: asked for together,
    // they share the stores' group commits instead of waiting on one commit each. Any other
    // command finds its key cached: it skips the promise round trips of Promise.all.
    const cachedKey = capturing ? undefined : keys.get(leadId);
    const [key, holds] =
      cachedKey !== undefined
        ? [E.right<LeadError, KeyLookup>({ status: "active", key: cachedKey }), NOTHING_HELD]
        : await Promise.all([
            keyOf(leadId, capturing),
            Promise.all(
              captured.map((identity) =>
                reserveIdentity(
                  reservations,
                  identity,
                  leadId,
                  capturing && command.renewedConsent !== undefined,
                ),
              ),
            ),
          ]);
    // Only what this attempt reserved is its to give back; an identity the lead held
    // already (a retried command) stays the lead's whatever happens to this attempt.
    let reserved: Reservation[] = [];
    for (const held of holds) {
      if (E.isRight(held) && held.right.outcome === "reserved") reserved.push(held.right);
    }
    let toRelease: ContactIdentity[] = [];
    let purge: { held: readonly ReservationToGiveUp[]; erasure: boolean } | undefined;
    if (E.isLeft(key)) {
      await undoAll(reservations, reserved, leadId);
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
      await undoAll(reservations, reserved, leadId);
      // A purged lead was refused above; a lost key for a live lead is not recoverable here.
      return E.left(leadError("lead.purged", { leadId }));
    }
    const sealingKey = key.right.status === "active" ? key.right.key : undefined;
    // Rule 9: the first identity another active lead holds is the duplicate `decide` is told
    // of, as the actor may know it; any other refusal (a suppression) stands as it is.
    let duplicate: DuplicateFound | undefined;
    for (const held of holds) {
      if (E.isRight(held)) continue;
      const refusal = await duplicateAsSeenBy(actor, held.left);
      if (refusal.code !== "lead.duplicate") {
        await undoAll(reservations, reserved, leadId);
        return E.left(refusal);
      }
      duplicate ??= {
        matchedOn: refusal.matchedOn,
        // Named only when the actor reaches it, and then a lead id (duplicateAsSeenBy).
        ...(refusal.existingLeadId === undefined
          ? {}
          : { existingLeadId: refusal.existingLeadId as LeadId }),
        policy: duplicatePolicy,
      };
      if (duplicatePolicy === "refuse") break;
    }
    if (duplicate !== undefined) {
      const redecided = decide(decided, state, { ...context, duplicate });
      if (E.isLeft(redecided)) {
        await undoAll(reservations, reserved, leadId);
        return redecided;
      }
      events = redecided.right as LeadEvent[];
    }
    if (sealingKey === undefined) events = events.map(factsOnly);
    if (command.type === "AmendLead" && command.contact !== undefined) {
      const personal = await currentPersonal(leadId);
      if (E.isLeft(personal)) return personal;
      const before = contactIdentities(personal.right?.contact, region);
      const after = contactIdentities({ ...personal.right?.contact, ...command.contact }, region);
      for (const identity of after.filter((a) => !before.some((b) => sameIdentity(a, b)))) {
        const held = await reserveIdentity(reservations, identity, leadId, false);
        if (E.isLeft(held)) {
          await undoAll(reservations, reserved, leadId);
          return E.left(await duplicateAsSeenBy(actor, held.left));
        }
        if (held.right.outcome === "reserved") reserved.push(held.right);
      }
      toRelease = before.filter((b) => !after.some((a) => sameIdentity(a, b)));
    } else if (command.type === "PurgeLead") {
      const held = await heldReservations(leadId, key.right.status);
      if (E.isLeft(held)) return held;
      purge = { held: held.right, erasure: command.erasureRequest === true };
    }

    const stored = toStoredEvents(events, {
      key: sealingKey,
      previousHash: lead.lastHash,
      // Without the lead's key, the digest is keyed by one used once and forgotten: no
      // retry compares it (a retried purge replays unchecked), and nobody can test guesses
      // of the command against it.
      commandDigest: digestOf(sealingKey ?? newDataKey(), actor, submitted),
      chainKey,
      newId,
    });
    const appended = await store.appendToStream(lead.stream, stored, {
      expectedRevision: lead.revision === NO_REVISION ? NO_STREAM : lead.revision,
    });
    if (E.isLeft(appended)) {
      if (appended.left.code === "concurrency.conflict" && options.expectedRevision === undefined) {
        // Another writer got the stream first: the retry decides again on what it wrote and
        // may well refuse (a capture of a lead just captured), so what this attempt reserved
        // goes back now. A retry that still wants an identity reserves it again.
        await undoAll(reservations, reserved, leadId);
        return E.right("retry");
      }
      await undoAll(reservations, reserved, leadId);
      return E.left(fromStoreError(leadId, appended.left));
    }
    reserved = [];

    const firstRevision = appended.right.nextExpectedRevision - BigInt(stored.length) + 1n;
    for (let index = 0; index < stored.length; index++) {
      const decided = events[index];
      const event = stored[index];
      if (decided === undefined || event === undefined) continue;
      recordOnLoadedLead(lead, factsOnly(decided), {
        revision: firstRevision + BigInt(index),
        // Only the last event's position is known; the others lie before it.
        position: appended.right.position,
        metadata: event.metadata,
      });
    }
    // Weighed again with its new command: the cache's bound counts what it holds now.
    if (!salvaged) leads.remember(lead);

    for (const identity of toRelease) {
      const released = await releaseIdentity(reservations, identity, leadId, false);
      if (E.isLeft(released)) return released;
    }
    if (purge !== undefined) {
      const completed = await completePurge(leadId, purge.held, purge.erasure, command.commandId);
      if (E.isLeft(completed)) return completed;
    }
    return E.right({
      leadId,
      revision: appended.right.nextExpectedRevision,
      position: appended.right.position,
      events,
      replayed: false,
    });
  };

  /** Gives back what a failed attempt reserved, as it found it (a suppression stays one). */
  const undoAll = async (
    context: ReservationContext,
    made: readonly Reservation[],
    leadId: LeadId,
  ): Promise<void> => {
    for (const reservation of made) await undoReservation(context, reservation, leadId);
  };

  const execute: LeadLedger["execute"] = async (rawActor, rawCommand, options = {}) => {
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
        command.leadId ?? leadIdForCapture(captureIdSecret, actor.right.id, command.commandId);
    } else {
      leadId = command.leadId;
    }
    return serialised(leadId, async () => {
      for (let tries = 0; tries < maxAttempts; tries++) {
        const outcome = await attempt(actor.right, command, leadId, options, tries === 0);
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
  };

  const readable = async (
    rawActor: unknown,
    rawLeadId: unknown,
    opened: (type: string) => boolean,
  ): Promise<
    E.Either<
      LeadError,
      {
        readonly leadId: LeadId;
        readonly recorded: readonly RecordedEvent[];
        readonly events: LeadEvent[];
        readonly now: LeadState;
      }
    >
  > => {
    const actor = decodeInput(ActorRecord, rawActor, "actor");
    if (E.isLeft(actor)) return actor;
    const leadId = decodeInput(LeadIdCodec, rawLeadId, "leadId");
    if (E.isLeft(leadId)) return leadId;
    const loaded = await leadInReach(actor.right, leadId.right);
    if (E.isLeft(loaded)) return loaded;
    if (loaded.right.state?.stage === "purged") {
      const finished = await finishErasure(leadId.right);
      if (E.isLeft(finished)) return finished;
    }
    const full = await readFull(leadId.right, opened);
    if (E.isLeft(full)) return full;
    const now = foldLead(full.right.events);
    // Read after the reach was decided: a reassignment in between is not shown either.
    if (now === undefined || !canReach(actor.right, now.owner)) {
      return E.left(leadError("lead.not-found", { leadId: leadId.right }));
    }
    return E.right({ leadId: leadId.right, ...full.right, now });
  };

  /**
   * The lead as far as the actor may know of it, decided from its facts alone (the loaded
   * lead, caught up in its turn between the commands on it) before any key is fetched or
   * anything decrypted: a lead out of reach and a lead never captured take the same path,
   * one read of the stream, to the same answer (issue 12).
   */
  const leadInReach = (actor: Actor, leadId: LeadId): Promise<E.Either<LeadError, LoadedLead>> =>
    serialised(leadId, async () => {
      const lead = leads.get(leadId) ?? newLoadedLead(leadId);
      const caught = await catchUpLoadedLead(store, lead);
      if (E.isLeft(caught) && caught.left.code !== "history.undecodable") return caught;
      // Kept loaded whoever asked: the next read of a hidden lead then costs one read of what
      // its stream gained, as a read of a lead that does not exist does. A lead that does not
      // exist is not kept: reads of made-up ids must not push real leads out.
      if (E.isLeft(caught)) leads.forget(leadId);
      else if (lead.state !== undefined) leads.remember(lead);
      // An event that does not decode stops the catch-up; the facts before it still say
      // whose the lead is, and only those who reach it learn that it is damaged.
      const state = lead.state;
      if (state === undefined || !canReach(actor, state.owner)) {
        return E.left(leadError("lead.not-found", { leadId }));
      }
      return E.isLeft(caught) ? caught : E.right(lead);
    });

  /**
   * Finishes an erasure that a crash interrupted: the purge is committed (its last event)
   * but the key is still there, or still recorded missing rather than destroyed. Done again
   * with the purge's own command id.
   */
  const finishErasure = async (leadId: LeadId): Promise<E.Either<LeadError, void>> => {
    const key = await keyOf(leadId, false);
    if (E.isLeft(key)) return key;
    // A missing key is finished too: recorded destroyed, the lead reads as redacted.
    if (key.right.status === "destroyed") return E.right(undefined);
    const last = await store.readStream(leadStreamName(leadId), {
      direction: "backwards",
      maxCount: 1,
    });
    if (E.isLeft(last)) return E.left(fromStoreError(leadId, last.left));
    const stored = last.right[0];
    const purged = stored === undefined ? undefined : decodeLeadEventFacts(stored);
    const event = purged !== undefined && E.isRight(purged) ? purged.right : undefined;
    const held = await heldReservations(leadId, key.right.status);
    if (E.isLeft(held)) return held;
    return completePurge(
      leadId,
      held.right,
      event?.type === "LeadPurged" && event.data.erasureRequest,
      event?.metadata.commandId ?? "purge-completion",
    );
  };

  return {
    execute,
    getLead: async (rawActor, rawLeadId, options = {}) => {
      let at: number | undefined;
      if (options.asOf !== undefined) {
        const instant = decodeInput(Instant, options.asOf, "asOf");
        if (E.isLeft(instant)) return instant;
        at = instantToMillis(instant.right);
      }
      const found = await readable(rawActor, rawLeadId, stateNeedsPersonal);
      if (E.isLeft(found)) return found;
      const { leadId, recorded, events, now } = found.right;
      const state: LeadState | undefined = at === undefined ? now : stateAsOf(events, at);
      // Before its capture was recorded, the lead did not exist for the ledger.
      if (state === undefined) return E.left(leadError("lead.not-found", { leadId }));
      const revision = recorded[state.eventCount - 1]?.revision ?? BigInt(state.eventCount - 1);
      // Verified on every read, not cached: a stream changed under a running ledger must
      // show as broken on the very read that serves the change.
      return E.right({ state, revision, verification: verifyChain(recorded) });
    },
    getHistory: async (rawActor, rawLeadId) => {
      const found = await readable(rawActor, rawLeadId, () => true);
      if (E.isLeft(found)) return found;
      const { leadId, recorded, events } = found.right;
      return E.right({
        leadId,
        entries: events.map((event, index) => {
          const stored = recorded[index];
          const hash = stored?.metadata.hash;
          return {
            revision: stored?.revision ?? BigInt(index),
            position: stored?.position ?? 0n,
            event,
            hash: typeof hash === "string" ? hash : undefined,
          };
        }),
        verification: verifyChain(recorded),
      });
    },
  };
};

/** Reads stored events in full; `opened` says whose personal parts to decrypt. */
const openEvents = (
  leadId: LeadId,
  recorded: readonly RecordedEvent[],
  key: KeyLookup,
  opened: (type: string) => boolean,
): E.Either<LeadError, LeadEvent[]> => {
  const events: LeadEvent[] = [];
  for (const stored of recorded) {
    const event = fromStoredEvent(stored, key, opened(stored.type));
    if (E.isLeft(event)) {
      return E.left(leadError("history.undecodable", { leadId, detail: event.left }));
    }
    events.push(event.right);
  }
  return E.right(events);
};

const NOTHING_HELD: readonly E.Either<LeadError, Reservation>[] = [];

/** An actor who reaches every lead whoever owns it: an executive. */
const reachesEveryLead = (actor: Actor): boolean => actor.role === "executive";

/**
 * The events whose personal parts make up a lead's state: its personal data now, the
 * manual grade's reason and the contract reference.
 */
const stateNeedsPersonal = (type: string): boolean =>
  type === "LeadCaptured" ||
  type === "LeadAmended" ||
  type === "LeadGraded" ||
  type === "LeadConverted";

/** The event as the loaded lead keeps it: without its personal part. */
const factsOnly = (event: LeadEvent): LeadEvent => {
  if (!("personal" in event.data)) return event;
  const { personal: _personal, ...data } = event.data as { personal?: unknown };
  return { ...event, data } as LeadEvent;
};

import { createHmac, hkdfSync } from "node:crypto";
import * as E from "fp-ts/lib/Either.js";
import type * as t from "io-ts";
import type { CountryCode } from "libphonenumber-js";
import type { Actor } from "../access/actor.js";
import { canReach } from "../access/actor.js";
import { defaultGradingPolicy } from "../grading/default.js";
import type { GradingPolicy } from "../grading/policy.js";
import type { LeadCommand } from "../lead/commands.js";
import { decodeLeadCommand } from "../lead/commands.js";
import { DEFAULT_CLOCK_TOLERANCE_MS, decide } from "../lead/decide.js";
import type { LeadError } from "../lead/errors.js";
import { leadError } from "../lead/errors.js";
import type { CapturedPersonal, LeadEvent } from "../lead/events.js";
import { isRedacted } from "../lead/events.js";
import { inputProblemsOf } from "../lead/input-problems.js";
import type { LeadState } from "../lead/state.js";
import { foldLead, asOf as stateAsOf } from "../lead/state.js";
import { leadStreamName } from "../lead/stream-name.js";
import type { LeadId } from "../lead/values.js";
import { ActorRecord, Instant, instantToMillis, LeadId as LeadIdCodec } from "../lead/values.js";
import { DATA_KEY_BYTES, newDataKey } from "../privacy/cipher.js";
import type { KeyLookup, KeyStore } from "../privacy/key-store.js";
import { canonicalJson } from "../store/canonical-json.js";
import type { EventStore, JsonValue, RecordedEvent } from "../store/event-store.js";
import { NO_STREAM } from "../store/event-store.js";
import type { HistoryVerification } from "../store/hash-chain.js";
import { verifyHistory } from "../store/hash-chain.js";
import type { ContactIdentity } from "./contact-identity.js";
import { contactIdentities } from "./contact-identity.js";
import type { HolderStatus, Reservation, ReservationContext } from "./contact-reservations.js";
import { releaseIdentity, reserveIdentity } from "./contact-reservations.js";
import { leadIdForCapture } from "./lead-id.js";
import type { LoadedLead } from "./loaded-lead.js";
import {
  catchUpLoadedLead,
  emptyLoadedLead,
  NO_REVISION,
  recordOnLoadedLead,
} from "./loaded-lead.js";
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
  /** How many leads the ledger keeps loaded between commands. Defaults to 10,000. */
  readonly cacheSize?: number;
  /** Event ids. Defaults to {@link newTimeOrderedId}: UUIDs version 7. */
  readonly newId?: () => string;
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
 * Builds a lead ledger over an event store and a key store (ARCHITECTURE.md §2).
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
  const newId = deps.newId ?? newTimeOrderedId;
  const contactSecret = new Uint8Array(
    hkdfSync("sha256", deps.secret, "leadledger", "contact-identity", 32),
  );

  const leads = new Map<string, LoadedLead>();
  const keys = new Map<string, Uint8Array>();
  const queues = new Map<string, Promise<unknown>>();

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

  const digestOf = (key: Uint8Array, command: LeadCommand): string =>
    createHmac("sha256", key)
      .update(canonicalJson(command as JsonValue))
      .digest("base64url");

  interface FullLead {
    readonly recorded: readonly RecordedEvent[];
    readonly events: LeadEvent[];
    readonly keyStatus: KeyLookup["status"];
  }
  /**
   * Reads a whole lead with its key. `opened` says which events' personal parts to
   * decrypt: all for a history; for the lead's state only the capture and amendments,
   * which are all its personal data is made of.
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

  /** The personal data a lead holds now: needed to find its reservations. */
  const currentPersonal = async (
    leadId: LeadId,
  ): Promise<E.Either<LeadError, CapturedPersonal | undefined>> => {
    const full = await readFull(leadId, stateNeedsPersonal);
    if (E.isLeft(full)) return full;
    const personal = foldLead(full.right.events)?.personal;
    return E.right(personal === undefined || isRedacted(personal) ? undefined : personal);
  };

  const holderStatus = async (holder: string): Promise<E.Either<LeadError, HolderStatus>> => {
    if (!LeadIdCodec.is(holder)) return E.right("absent");
    const loaded = leads.get(holder) ?? emptyLoadedLead(holder);
    const caught = await catchUpLoadedLead(store, loaded);
    if (E.isLeft(caught)) return caught;
    remember(leads, holder, caught.right);
    const state = caught.right.state;
    if (state === undefined) return E.right("absent");
    return E.right(state.stage === "purged" ? "purged" : "active");
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
    personal: CapturedPersonal | undefined,
    erasureRequest: boolean,
    commandId: string,
  ): Promise<E.Either<LeadError, void>> => {
    const context = reservationContext(commandId, clock());
    for (const identity of contactIdentities(personal?.contact, region)) {
      const released = await releaseIdentity(context, identity, leadId, erasureRequest);
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
    command: LeadCommand,
    leadId: LeadId,
    options: ExecuteOptions,
    firstTry: boolean,
  ): Promise<E.Either<LeadError, CommandOutcome | "retry">> => {
    const cached = leads.get(leadId);
    let lead: LoadedLead;
    if (
      cached === undefined &&
      firstTry &&
      command.type === "CaptureLead" &&
      options.expectedRevision === undefined
    ) {
      // A capture is nearly always of a lead nobody has written: rather than read its empty
      // stream, append as to a new one. The store refuses that append if the stream exists,
      // and the retry reads it and decides again (a replay, or lead.already-captured).
      lead = emptyLoadedLead(leadId);
    } else {
      const caught = await catchUpLoadedLead(store, cached ?? emptyLoadedLead(leadId));
      if (E.isLeft(caught)) {
        leads.delete(leadId);
        return caught;
      }
      lead = caught.right;
    }
    remember(leads, leadId, lead);
    const state = lead.state;
    // Leads outside the actor's reach do not exist for the actor (DOMAIN.md §7).
    if (state !== undefined && !canReach(actor, state.owner) && command.type !== "CaptureLead") {
      return E.left(leadError("lead.not-found", { leadId }));
    }

    const known = lead.commands.get(command.commandId);
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
        key.right.status === "active" && digestOf(key.right.key, command) === known.digest;
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
    const decision = decide(command, state, {
      actor,
      now,
      gradingPolicy: policy,
      clockToleranceMs: tolerance,
    });
    if (E.isLeft(decision)) return decision;
    // Copied only if a duplicate flag is added to it below.
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
    let reserved: ContactIdentity[] = captured.filter((_, index) => {
      const held = holds[index];
      return held !== undefined && E.isRight(held) && held.right === "reserved";
    });
    let toRelease: ContactIdentity[] = [];
    let purge: { personal: CapturedPersonal | undefined; erasure: boolean } | undefined;
    if (E.isLeft(key) || key.right.status !== "active") {
      await releaseAll(reservations, reserved, leadId);
      // A purged lead was refused above; a lost key for a live lead is not recoverable here.
      return E.isLeft(key) ? key : E.left(leadError("lead.purged", { leadId }));
    }
    for (const held of holds) {
      if (E.isRight(held)) continue;
      if (held.left.code === "lead.duplicate" && duplicatePolicy === "flag") {
        if (!events.some((event) => event.type === "LeadFlaggedForPurge")) {
          const capture = events[0];
          if (capture === undefined) throw new Error("a capture decides at least one event");
          events = [...events];
          events.push({
            type: "LeadFlaggedForPurge",
            data: { reason: "duplicate", duplicateOf: held.left.existingLeadId as LeadId },
            metadata: capture.metadata,
          });
        }
        continue;
      }
      await releaseAll(reservations, reserved, leadId);
      return held;
    }
    if (command.type === "AmendLead" && command.contact !== undefined) {
      const personal = await currentPersonal(leadId);
      if (E.isLeft(personal)) return personal;
      const before = contactIdentities(personal.right?.contact, region);
      const after = contactIdentities({ ...personal.right?.contact, ...command.contact }, region);
      for (const identity of after.filter((a) => !before.some((b) => sameIdentity(a, b)))) {
        const held = await reserveIdentity(reservations, identity, leadId, false);
        if (E.isLeft(held)) {
          await releaseAll(reservations, reserved, leadId);
          return held;
        }
        if (held.right === "reserved") reserved.push(identity);
      }
      toRelease = before.filter((b) => !after.some((a) => sameIdentity(a, b)));
    } else if (command.type === "PurgeLead") {
      const personal = await currentPersonal(leadId);
      if (E.isLeft(personal)) return personal;
      purge = { personal: personal.right, erasure: command.erasureRequest === true };
    }

    const stored = toStoredEvents(events, {
      key: key.right.key,
      previousHash: lead.lastHash,
      commandDigest: digestOf(key.right.key, command),
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
        await releaseAll(reservations, reserved, leadId);
        return E.right("retry");
      }
      await releaseAll(reservations, reserved, leadId);
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

    for (const identity of toRelease) {
      const released = await releaseIdentity(reservations, identity, leadId, false);
      if (E.isLeft(released)) return released;
    }
    if (purge !== undefined) {
      const completed = await completePurge(
        leadId,
        purge.personal,
        purge.erasure,
        command.commandId,
      );
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

  const releaseAll = async (
    context: ReservationContext,
    identities: readonly ContactIdentity[],
    leadId: LeadId,
  ): Promise<void> => {
    for (const identity of identities) await releaseIdentity(context, identity, leadId, false);
  };

  const execute: LeadLedger["execute"] = async (rawActor, rawCommand, options = {}) => {
    const actor = decodeInput(ActorRecord, rawActor, "actor");
    if (E.isLeft(actor)) return actor;
    const decoded = decodeInput({ decode: decodeLeadCommand }, rawCommand, "command");
    if (E.isLeft(decoded)) return decoded;
    let command = decoded.right;
    let leadId: LeadId;
    if (command.type === "CaptureLead") {
      leadId = command.leadId ?? leadIdForCapture(command.commandId);
      command = { ...command, leadId };
    } else {
      leadId = command.leadId;
    }
    const settled = command;
    return serialised(leadId, async () => {
      for (let tries = 0; tries < maxAttempts; tries++) {
        const outcome = await attempt(actor.right, settled, leadId, options, tries === 0);
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
    const full = await readFull(leadId.right, opened);
    if (E.isLeft(full)) return full;
    const now = foldLead(full.right.events);
    if (now === undefined || !canReach(actor.right, now.owner)) {
      return E.left(leadError("lead.not-found", { leadId: leadId.right }));
    }
    if (now.stage === "purged" && full.right.keyStatus === "active") {
      // The purge was committed but its erasure did not finish: finish it now, with the
      // personal data as it stood just before the purge (the purge is the last event).
      const events = full.right.events;
      const purged = events[events.length - 1];
      // Every reader opens at least the capture and amendments: the personal data now.
      const personal = foldLead(events.slice(0, -1))?.personal;
      const finished = await completePurge(
        leadId.right,
        personal === undefined || isRedacted(personal) ? undefined : personal,
        purged?.type === "LeadPurged" && purged.data.erasureRequest,
        purged?.metadata.commandId ?? "purge-completion",
      );
      if (E.isLeft(finished)) return finished;
      return readable(rawActor, rawLeadId, opened);
    }
    return E.right({ leadId: leadId.right, ...full.right, now });
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
      return E.right({ state, revision });
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
        verification: verifyHistory(recorded),
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

/** The events whose personal parts make up a lead's state (its personal data now). */
const stateNeedsPersonal = (type: string): boolean =>
  type === "LeadCaptured" || type === "LeadAmended";

/** The event as the loaded lead keeps it: without its personal part. */
const factsOnly = (event: LeadEvent): LeadEvent => {
  if (!("personal" in event.data)) return event;
  const { personal: _personal, ...data } = event.data as { personal?: unknown };
  return { ...event, data } as LeadEvent;
};

import { hkdfSync } from "node:crypto";
import type * as E from "fp-ts/lib/Either.js";
import type { CountryCode } from "libphonenumber-js";
import type { ActorInput } from "../access/actor.js";
import { defaultGradingPolicy } from "../grading/default.js";
import type { GradingPolicy } from "../grading/policy.js";
import type { LeadCommandInput, LeadCommandType } from "../lead/commands.js";
import { DEFAULT_CLOCK_TOLERANCE_MS } from "../lead/decide.js";
import type { LeadError } from "../lead/errors.js";
import type { LeadState } from "../lead/state.js";
import type { LeadId } from "../lead/values.js";
import type { Directory } from "../organisation/directory.js";
import type { KeyStore } from "../privacy/key-store.js";
import type { EventStore, GlobalPosition, RecordedEvent } from "../store/event-store.js";
import type { HistoryVerification } from "../store/hash-chain.js";
import { chainKeyOf, verifyHistory } from "../store/hash-chain.js";
import type { CommandOutcome } from "./command-outcome.js";
import { DataKeyCache } from "./data-key-cache.js";
import { DuplicateReservations } from "./duplicate-reservations.js";
import { Erasure } from "./erasure.js";
import type { ExecuteOptions } from "./execute.js";
import { Execution } from "./execute.js";
import type { HandOverLeads, HandOverReport } from "./hand-over.js";
import { HandOver } from "./hand-over.js";
import { HandOverRecords } from "./hand-over-record.js";
import { LeadCache } from "./lead-cache.js";
import { LeadQueue } from "./lead-queue.js";
import { DEFAULT_COMMAND_INDEX, emptyLoadedLead } from "./loaded-lead.js";
import type { LeadHistory, LeadSnapshot } from "./reading.js";
import { Reading } from "./reading.js";
import { newTimeOrderedId } from "./time-ordered-id.js";

export type { CommandOutcome, CommandOutcomeJson } from "./command-outcome.js";
export type { ExecuteOptions } from "./execute.js";
export type {
  HandedOverLead,
  HandOverLeads,
  HandOverReport,
  HandOverRequestInput,
  HandOverSkip,
  HandOverTarget,
} from "./hand-over.js";
export { HandOverRequest } from "./hand-over.js";
export type { HistoryEntry, LeadHistory, LeadSnapshot } from "./reading.js";

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
  /**
   * Who may own leads (docs/organisation.md). When given, every owner a command names (a
   * capture's owner, an assignment's target) must be able to own leads at the moment the
   * command is recorded, or the command is refused with `owner.unknown` or `owner.inactive`
   * and nothing is appended. Without one, any owner within the actor's reach is taken.
   */
  readonly directory?: Directory;
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

/** The lead ledger: every command and read goes through here. */
export interface LeadLedger {
  /**
   * Runs a command for an actor: decodes both, checks scope, decides, and appends with
   * the expected revision, re-deciding on a concurrent write. A command id seen before
   * returns its first outcome with the same payload, `idempotency.mismatch` with another.
   *
   * Typed: a command written as a {@link LeadCommandInput} gets completion and
   * compile-time errors, and the outcome's events are those its type may record. It is
   * decoded all the same (formats such as ids and instants are checked only then). The
   * actor is an {@link ActorInput}, or a value of type `unknown` that the ledger decodes.
   */
  execute<T extends LeadCommandType, A = ActorInput>(
    actor: ActorInput | (unknown extends A ? A : never),
    command: LeadCommandInput & { readonly type: T },
    options?: ExecuteOptions,
  ): Promise<E.Either<LeadError, CommandOutcome<T>>>;
  /**
   * The same for input the caller has not typed as one command (a request body, a message,
   * a record built from one): it is decoded, and refused as `input.invalid` if it is no
   * command. A value whose `type` names one command is held to that command's type instead
   * ({@link UntypedCommand}): its mistakes are compile errors.
   */
  execute<const U>(
    actor: unknown,
    command: UntypedCommand<U>,
    options?: ExecuteOptions,
  ): Promise<E.Either<LeadError, CommandOutcome>>;
  /**
   * The lead now, or as the ledger knew it at `asOf`: an ISO-8601 instant (text). The
   * snapshot's state gives its times in epoch milliseconds ({@link LeadState}).
   */
  getLead(
    actor: unknown,
    leadId: unknown,
    options?: { readonly asOf?: unknown },
  ): Promise<E.Either<LeadError, LeadSnapshot>>;
  /** The lead's full history, personal data opened (or redacted after a purge). */
  getHistory(actor: unknown, leadId: unknown): Promise<E.Either<LeadError, LeadHistory>>;
  /**
   * Hands all of a rep's leads over to one rep or several (docs/organisation.md,
   * "Hand-over"): a department head within their department, an executive anywhere. The
   * request is a {@link HandOverRequestInput}; `leadsOf` lists the leads `from` owns. The
   * targets are checked with the directory first (a refusal records nothing); then the
   * plan (each lead and its target, round robin) is recorded once, and each lead gets an
   * `AssignLead` of its own. A retry with the same command id goes on with the plan first
   * recorded and answers the same report; another request under it is
   * `idempotency.mismatch`.
   */
  handOver(
    actor: unknown,
    request: unknown,
    leadsOf: HandOverLeads,
  ): Promise<E.Either<LeadError, HandOverReport>>;
}

/**
 * What the untyped `execute` takes: `unknown`, or any value whose `type` is not typed as
 * one command (it is `string`, or any command type, or missing). A value whose `type` is a
 * literal — a command literal — must be a {@link LeadCommandInput} of that type instead, so
 * that its mistakes are compile errors rather than an `input.invalid` at run time, or a
 * misspelt optional field that the decoder drops unseen.
 */
export type UntypedCommand<U> = [U] extends [{ readonly type: infer K }]
  ? string extends K
    ? U
    : [LeadCommandType] extends [K]
      ? U
      : never
  : U;

/**
 * Builds a lead ledger over an event store and a key store (docs/architecture.md): the
 * named steps of docs/ledger.md, composed. Each keeps its own state — the loaded leads and
 * data keys, the per-lead queue — for as long as the ledger lives.
 */
export const createLeadLedger = (deps: LeadLedgerDeps): LeadLedger => {
  if (deps.secret.length < 32) throw new RangeError("the ledger secret must be at least 32 bytes");
  const cacheSize = deps.cacheSize ?? 10_000;
  const commandIndex = {
    recent: deps.recentCommands ?? DEFAULT_COMMAND_INDEX.recent,
    fingerprint: deps.commandFingerprint ?? DEFAULT_COMMAND_INDEX.fingerprint,
  };
  const newLoadedLead = (leadId: LeadId) => emptyLoadedLead(leadId, commandIndex);
  const newId = deps.newId ?? newTimeOrderedId;
  const clock = deps.clock ?? Date.now;
  const chainKey = chainKeyOf(deps.secret);
  const verifyChain = (recorded: readonly RecordedEvent[]): HistoryVerification =>
    verifyHistory(
      recorded,
      deps.keyedChainFrom === undefined
        ? { chainKey }
        : { chainKey, keyedFrom: deps.keyedChainFrom },
    );

  // Bounded by memory: a lead's command index grows with its history (issue 12, item 17).
  const leads = new LeadCache({ maxBytes: deps.cacheBytes ?? 64 * 2 ** 20, maxLeads: cacheSize });
  const queue = new LeadQueue();
  const sources = { store: deps.eventStore, keys: new DataKeyCache(deps.keyStore, cacheSize) };
  const reservations = new DuplicateReservations({
    store: deps.eventStore,
    secret: subKey(deps.secret, "contact-identity"),
    newId,
    region: deps.defaultPhoneRegion ?? "CN",
    leads,
    newLoadedLead,
  });
  const erasure = new Erasure({ sources, keyStore: deps.keyStore, reservations, clock });
  const reading = new Reading({ sources, leads, newLoadedLead, queue, erasure, verifyChain });
  const execution = new Execution({
    sources,
    leads,
    newLoadedLead,
    queue,
    reservations,
    erasure,
    settings: {
      gradingPolicy: deps.gradingPolicy ?? defaultGradingPolicy,
      clock,
      clockToleranceMs: deps.clockToleranceMs ?? DEFAULT_CLOCK_TOLERANCE_MS,
      maxAttempts: deps.maxAttempts ?? 10,
      duplicatePolicy: deps.duplicatePolicy ?? "refuse",
      chainKey,
      newId,
      // Lead ids derived from Idempotency-Keys: keyed, so that nobody can foretell them.
      captureIdSecret: subKey(deps.secret, "capture-lead-id"),
      directory: deps.directory,
    },
  });

  const handOver = new HandOver({
    records: new HandOverRecords({
      store: deps.eventStore,
      secret: subKey(deps.secret, "hand-over"),
      newId,
    }),
    execute: (actor, command, options) => execution.execute(actor, command, options),
    getLead: (actor, leadId) => reading.getLead(actor, leadId),
    getHistory: (actor, leadId) => reading.getHistory(actor, leadId),
    directory: deps.directory,
    clock,
    maxAttempts: deps.maxAttempts ?? 10,
  });

  return {
    // One implementation for both overloads: typed or not, the command is decoded.
    execute: ((actor: unknown, command: unknown, options?: ExecuteOptions) =>
      execution.execute(actor, command, options)) as LeadLedger["execute"],
    getLead: (actor, leadId, options) => reading.getLead(actor, leadId, options),
    getHistory: (actor, leadId) => reading.getHistory(actor, leadId),
    handOver: (actor, request, leadsOf) => handOver.run(actor, request, leadsOf),
  };
};

/** A key of its own for one use of the ledger's secret (HKDF-SHA-256). */
const subKey = (secret: Uint8Array, use: string): Uint8Array =>
  new Uint8Array(hkdfSync("sha256", secret, "leadledger", use, 32));

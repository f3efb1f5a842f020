import * as E from "fp-ts/lib/Either.js";
import * as t from "io-ts";
import type { Actor } from "../access/actor.js";
import type { LeadError, LeadErrorCode } from "../lead/errors.js";
import { leadError } from "../lead/errors.js";
import type { LeadId, Owner } from "../lead/values.js";
import {
  ActorRecord,
  CommandId,
  LeadId as LeadIdCodec,
  millisToInstant,
  NonEmptyString,
  Owner as OwnerCodec,
} from "../lead/values.js";
import type { Directory } from "../organisation/directory.js";
import type { GlobalPosition } from "../store/event-store.js";
import type { CommandOutcome } from "./command-outcome.js";
import { decodeInput } from "./decoded-input.js";
import type { ExecuteOptions } from "./execute.js";
import { planHandOver } from "./hand-over-plan.js";
import type { HandOverPlanned, HandOverRecords, RecordedHandOver } from "./hand-over-record.js";
import type { LeadHistory, LeadSnapshot } from "./reading.js";

/**
 * A hand-over as a caller asks for it: all of `from`'s leads, spread over `to` (one rep or
 * several), each lead getting an assignment of its own with `reason`.
 */
export const HandOverRequest = t.exact(
  t.intersection([
    t.type({ commandId: CommandId, from: OwnerCodec, to: t.array(OwnerCodec) }),
    t.partial({ reason: NonEmptyString }),
  ]),
  "HandOverRequest",
);
export type HandOverRequest = t.TypeOf<typeof HandOverRequest>;
/** A hand-over request as a caller writes it, with plain strings. */
export type HandOverRequestInput = t.OutputOf<typeof HandOverRequest>;

/**
 * The leads to hand over: the ids of the leads `from` owns, as the caller knows them
 * (a read model). Asked only when the hand-over is planned, never on a retry of one that
 * was: a retry goes on with the leads first planned.
 */
export type HandOverLeads = () => Promise<readonly string[]>;

/** Why a planned lead did not move to its target. */
export type HandOverSkip = LeadErrorCode | "owner.changed";

/** One lead of a hand-over's report: moved to its target, or not, and why. */
export type HandedOverLead =
  | {
      readonly leadId: LeadId;
      readonly to: Owner;
      readonly outcome: "moved";
      /** The lead's stream revision after its assignment. */
      readonly revision: bigint;
      /** The global position of its `LeadAssigned`. */
      readonly position: GlobalPosition;
    }
  | {
      readonly leadId: LeadId;
      readonly to: Owner;
      readonly outcome: "not-moved";
      /**
       * `owner.changed` (someone else owns it now: `owner`), `assignment.unchanged` (its
       * target owns it already), or the code the ledger refused the assignment with
       * (`lead.not-found`, `lead.purged`, `owner.inactive`, `concurrency.conflict`, …).
       */
      readonly code: HandOverSkip;
      /** Who owns it now, for `owner.changed`. */
      readonly owner?: Owner;
    };

/** A target of a hand-over and how many leads moved to it. */
export interface HandOverTarget extends Owner {
  /** How many leads moved to this target. */
  readonly moved: number;
}

/** What a hand-over did: every planned lead, in the plan's order. */
export interface HandOverReport {
  /** The hand-over's own stream, where its plan is recorded. */
  readonly handOverId: string;
  /** The rep whose leads were handed over. */
  readonly from: Owner;
  /** The targets, in the order the request named them. */
  readonly to: readonly HandOverTarget[];
  /** How many leads the plan holds: the leads `from` owned when the hand-over was planned. */
  readonly planned: number;
  /** How many of them are with their target by this hand-over. */
  readonly moved: number;
  /** How many are not, each with its reason in `leads`. */
  readonly notMoved: number;
  /** The global position of the hand-over's last event: read your writes up to here. */
  readonly position: GlobalPosition;
  /** Every planned lead, in the plan's order (by lead id). */
  readonly leads: readonly HandedOverLead[];
}

/** What a hand-over runs with: the ledger's own commands and reads, and its settings. */
export interface HandOverDeps {
  readonly records: HandOverRecords;
  readonly execute: (
    actor: unknown,
    command: unknown,
    options?: ExecuteOptions,
  ) => Promise<E.Either<LeadError, CommandOutcome>>;
  readonly getLead: (actor: unknown, leadId: unknown) => Promise<E.Either<LeadError, LeadSnapshot>>;
  readonly getHistory: (
    actor: unknown,
    leadId: unknown,
  ) => Promise<E.Either<LeadError, LeadHistory>>;
  readonly directory: Directory | undefined;
  readonly clock: () => number;
  readonly maxAttempts: number;
}

/**
 * How many leads move at once: their assignments are on leads of their own, so a store that
 * commits concurrent appends together (SQLite's group commit) commits them in one go; and
 * between two such groups the event loop gets a turn, so that other requests get theirs.
 */
const LEADS_AT_ONCE = 16;

/**
 * Handing a rep's leads over (docs/organisation.md, "Hand-over"): planned once and recorded,
 * then one `AssignLead` per lead through the ledger under the caller's actor, each with a
 * command id derived from the hand-over's, so that a retry replays what was done and does
 * the rest. A department head hands over within their department, an executive anywhere.
 */
export class HandOver {
  readonly #deps: HandOverDeps;

  constructor(deps: HandOverDeps) {
    this.#deps = deps;
  }

  async run(
    rawActor: unknown,
    rawRequest: unknown,
    leadsOf: HandOverLeads,
  ): Promise<E.Either<LeadError, HandOverReport>> {
    const actor = decodeInput(ActorRecord, rawActor, "actor");
    if (E.isLeft(actor)) return actor;
    const request = decodeInput(HandOverRequest, rawRequest, "request");
    if (E.isLeft(request)) return request;
    const refused = refusalOf(actor.right, request.right);
    if (refused !== undefined) return E.left(refused);

    const { records } = this.#deps;
    const stream = records.streamOf(actor.right.id, request.right.commandId);
    const digest = records.digestOf(request.right);
    const found = await records.read(stream);
    if (E.isLeft(found)) return found;
    let plan = found.right;
    if (plan === undefined) {
      const planned = await this.#plan(actor.right, request.right, digest, leadsOf);
      if (E.isLeft(planned)) return planned;
      // Undefined when a concurrent run of the same hand-over recorded its plan first.
      const recorded = await records.record(stream, planned.right);
      if (E.isLeft(recorded)) return recorded;
      plan = recorded.right;
      if (plan === undefined) {
        const theirs = await records.read(stream);
        if (E.isLeft(theirs)) return theirs;
        plan = theirs.right;
      }
    }
    if (plan === undefined) throw new Error(`hand-over ${stream} was recorded and is gone`);
    if (plan.planned.requestDigest !== digest) {
      return E.left(leadError("idempotency.mismatch", { commandId: request.right.commandId }));
    }
    return this.#carryOut(actor.right, request.right, stream, plan);
  }

  /** The plan of a hand-over not yet recorded, its targets checked first: a refusal plans nothing. */
  async #plan(
    actor: Actor,
    request: HandOverRequest,
    requestDigest: string,
    leadsOf: HandOverLeads,
  ): Promise<E.Either<LeadError, HandOverPlanned["data"]>> {
    const now = this.#deps.clock();
    const directory = this.#deps.directory;
    if (directory !== undefined) {
      for (const target of request.to) {
        const standing = await directory.canOwnLeads(target, now);
        if (E.isLeft(standing)) return standing;
        if (standing.right !== "ok") return E.left(leadError(standing.right, target));
      }
    }
    const listed = decodeInput(t.array(LeadIdCodec), await leadsOf(), "leads");
    if (E.isLeft(listed)) return listed;
    return E.right({
      actorId: actor.id,
      commandId: request.commandId,
      from: request.from,
      to: request.to,
      requestDigest,
      plannedAt: millisToInstant(now),
      leads: planHandOver(listed.right, request.to).map(({ leadId, target }) => ({
        leadId,
        target,
      })),
    });
  }

  /** Every planned lead, in order; a store out of reach stops the run (a retry goes on). */
  async #carryOut(
    actor: Actor,
    request: HandOverRequest,
    stream: string,
    plan: RecordedHandOver,
  ): Promise<E.Either<LeadError, HandOverReport>> {
    const { from, to } = plan.planned;
    const rows: HandedOverLead[] = [];
    let position = plan.position;
    const planned = plan.planned.leads;
    for (let start = 0; start < planned.length; start += LEADS_AT_ONCE) {
      // A store that answers at once resolves every await as a microtask: without a turn of
      // the event loop now and then, a thousand leads would hold every other request up.
      if (start > 0) await nextTurn();
      const group = await Promise.all(
        planned.slice(start, start + LEADS_AT_ONCE).map(({ leadId, target }) => {
          const owner = to[target];
          if (owner === undefined) throw new Error(`hand-over ${stream} plans a target it has not`);
          return this.#moveOne(actor, request, { leadId, from, to: owner });
        }),
      );
      for (const row of group) {
        // A store out of reach stops the run where it is; a retry goes on from there.
        if (E.isLeft(row)) return row;
        rows.push(row.right);
        if (row.right.outcome === "moved" && row.right.position > position) {
          position = row.right.position;
        }
      }
    }
    const moved = rows.filter((row) => row.outcome === "moved");
    return E.right({
      handOverId: stream,
      from,
      to: to.map((owner) => ({
        ...owner,
        moved: moved.filter((row) => sameOwner(row.to, owner)).length,
      })),
      planned: rows.length,
      moved: moved.length,
      notMoved: rows.length - moved.length,
      position,
      leads: rows,
    });
  }

  /**
   * One lead to its target, if `from` still owns it. The assignment expects the revision at
   * which it was seen owned by `from`, so a reassignment in between is not overwritten; a
   * lead its target owns already is assigned all the same, which the ledger answers as
   * recorded if this hand-over moved it, and refuses as `assignment.unchanged` otherwise.
   */
  async #moveOne(
    actor: Actor,
    request: HandOverRequest,
    lead: { leadId: LeadId; from: Owner; to: Owner },
  ): Promise<E.Either<LeadError, HandedOverLead>> {
    const { leadId, from, to } = lead;
    const commandId = this.#deps.records.assignmentCommandId(request.commandId, leadId);
    const notMoved = (code: HandOverSkip, owner?: Owner): HandedOverLead =>
      owner === undefined
        ? { leadId, to, outcome: "not-moved", code }
        : { leadId, to, outcome: "not-moved", code, owner };
    for (let attempt = 0; ; attempt++) {
      const snapshot = await this.#deps.getLead(actor, leadId);
      if (E.isLeft(snapshot)) {
        return snapshot.left.code === "store.unavailable"
          ? snapshot
          : E.right(notMoved(snapshot.left.code));
      }
      const owner = snapshot.right.state.owner;
      if (!sameOwner(owner, from) && !sameOwner(owner, to)) {
        return this.#movedBefore(actor, lead, commandId, owner);
      }
      const assigned = await this.#deps.execute(
        actor,
        {
          type: "AssignLead",
          commandId,
          leadId,
          to,
          ...(request.reason === undefined ? {} : { reason: request.reason }),
        },
        { expectedRevision: snapshot.right.revision },
      );
      if (E.isRight(assigned)) {
        const { revision, position } = assigned.right;
        return E.right({ leadId, to, outcome: "moved", revision, position });
      }
      const code = assigned.left.code;
      if (code === "store.unavailable") return assigned;
      // Someone wrote to the lead since it was read: read it again, whose it is may have changed.
      if (code === "concurrency.conflict" && attempt + 1 < this.#deps.maxAttempts) continue;
      return E.right(notMoved(code));
    }
  }

  /**
   * A lead that neither `from` nor its target owns: moved by this hand-over and on again
   * since (its history holds the assignment), or never by it.
   */
  async #movedBefore(
    actor: Actor,
    lead: { leadId: LeadId; to: Owner },
    commandId: string,
    owner: Owner,
  ): Promise<E.Either<LeadError, HandedOverLead>> {
    const { leadId, to } = lead;
    const history = await this.#deps.getHistory(actor, leadId);
    if (E.isLeft(history)) {
      return history.left.code === "store.unavailable"
        ? history
        : E.right({ leadId, to, outcome: "not-moved", code: history.left.code });
    }
    const assignment = history.right.entries.find(
      ({ event }) =>
        event.type === "LeadAssigned" &&
        event.metadata.commandId === commandId &&
        event.metadata.actor.id === actor.id,
    );
    return E.right(
      assignment === undefined
        ? { leadId, to, outcome: "not-moved", code: "owner.changed", owner }
        : {
            leadId,
            to,
            outcome: "moved",
            revision: assignment.revision,
            position: assignment.position,
          },
    );
  }
}

/** Who may hand over, and between whom: the refusal, or `undefined` when the request may go on. */
const refusalOf = (actor: Actor, request: HandOverRequest): LeadError | undefined => {
  if (actor.role === "rep") {
    return leadError("access.denied", {
      reason: "only a department head or an executive hands a rep's leads over",
    });
  }
  const departments = [request.from, ...request.to].map((owner) => owner.department);
  if (actor.role === "head" && departments.some((department) => department !== actor.department)) {
    return leadError("access.denied", {
      reason: "a department head hands leads over within their own department only",
    });
  }
  if (request.to.length === 0) {
    return invalidTargets("at least one rep to hand the leads over to");
  }
  const keys = request.to.map((owner) => `${owner.department}\u001f${owner.repId}`);
  if (new Set(keys).size !== keys.length) {
    return invalidTargets("each rep to hand the leads over to named once");
  }
  if (request.to.some((owner) => sameOwner(owner, request.from))) {
    return invalidTargets("reps other than the one whose leads are handed over");
  }
  return undefined;
};

const invalidTargets = (expected: string): LeadError =>
  leadError("input.invalid", { problems: [{ path: "request.to", expected }] });

const sameOwner = (a: Owner, b: Owner): boolean =>
  a.repId === b.repId && a.department === b.department;

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

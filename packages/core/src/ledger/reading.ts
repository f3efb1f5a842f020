import * as E from "fp-ts/lib/Either.js";
import type { Actor } from "../access/actor.js";
import { canReach } from "../access/actor.js";
import type { LeadError } from "../lead/errors.js";
import { leadError } from "../lead/errors.js";
import type { LeadEvent } from "../lead/events.js";
import type { LeadState } from "../lead/state.js";
import { foldLead, asOf as stateAsOf } from "../lead/state.js";
import type { LeadId } from "../lead/values.js";
import { ActorRecord, Instant, instantToMillis, LeadId as LeadIdCodec } from "../lead/values.js";
import type { RecordedEvent } from "../store/event-store.js";
import type { HistoryVerification } from "../store/hash-chain.js";
import { decodeInput } from "./decoded-input.js";
import type { Erasure } from "./erasure.js";
import type { LeadCache } from "./lead-cache.js";
import type { LeadQueue } from "./lead-queue.js";
import type { LoadedLead } from "./loaded-lead.js";
import { catchUpLoadedLead } from "./loaded-lead.js";
import type { LeadSources } from "./opened-lead.js";
import { readOpenedLead, stateNeedsPersonal } from "./opened-lead.js";

/** A lead as read: its state (personal data opened, or redacted) and its stream revision. */
export interface LeadSnapshot {
  /** Its times are epoch milliseconds; its events' (and the HTTP API's) ISO-8601 instants. */
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

/** What reads are made with. */
export interface ReadingDeps {
  readonly sources: LeadSources;
  readonly leads: LeadCache;
  readonly newLoadedLead: (leadId: LeadId) => LoadedLead;
  readonly queue: LeadQueue;
  readonly erasure: Erasure;
  /** The verdict on a stream's hash chain, under the ledger's chain key. */
  readonly verifyChain: (recorded: readonly RecordedEvent[]) => HistoryVerification;
}

/** A lead the actor may read, read in full. */
interface ReadableLead {
  readonly leadId: LeadId;
  readonly recorded: readonly RecordedEvent[];
  readonly events: LeadEvent[];
  readonly now: LeadState;
}

/**
 * Reading a lead: its state now or at a moment, and its history, for an actor who reaches
 * it. Reach is decided from the facts the ledger keeps loaded before any key is fetched or
 * anything decrypted, so that a lead out of reach and a lead never captured cost the same
 * and answer the same (`lead.not-found`).
 */
export class Reading {
  readonly #deps: ReadingDeps;

  constructor(deps: ReadingDeps) {
    this.#deps = deps;
  }

  /** The lead now, or as the ledger knew it at `asOf` (an ISO-8601 instant). */
  async getLead(
    rawActor: unknown,
    rawLeadId: unknown,
    options: { readonly asOf?: unknown } = {},
  ): Promise<E.Either<LeadError, LeadSnapshot>> {
    let at: number | undefined;
    if (options.asOf !== undefined) {
      const instant = decodeInput(Instant, options.asOf, "asOf");
      if (E.isLeft(instant)) return instant;
      at = instantToMillis(instant.right);
    }
    const found = await this.#readable(rawActor, rawLeadId, stateNeedsPersonal);
    if (E.isLeft(found)) return found;
    const { leadId, recorded, events, now } = found.right;
    const state: LeadState | undefined = at === undefined ? now : stateAsOf(events, at);
    // Before its capture was recorded, the lead did not exist for the ledger.
    if (state === undefined) return E.left(leadError("lead.not-found", { leadId }));
    const revision = recorded[state.eventCount - 1]?.revision ?? BigInt(state.eventCount - 1);
    // Verified on every read, not cached: a stream changed under a running ledger must
    // show as broken on the very read that serves the change.
    return E.right({ state, revision, verification: this.#deps.verifyChain(recorded) });
  }

  /** The lead's full history, personal data opened (or redacted after a purge). */
  async getHistory(
    rawActor: unknown,
    rawLeadId: unknown,
  ): Promise<E.Either<LeadError, LeadHistory>> {
    const found = await this.#readable(rawActor, rawLeadId, () => true);
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
      verification: this.#deps.verifyChain(recorded),
    });
  }

  /**
   * The lead as far as the actor may know of it, decided from its facts alone (the loaded
   * lead, caught up in its turn between the commands on it) before any key is fetched or
   * anything decrypted: a lead out of reach and a lead never captured take the same path,
   * one read of the stream, to the same answer (issue 12).
   */
  leadInReach(actor: Actor, leadId: LeadId): Promise<E.Either<LeadError, LoadedLead>> {
    const { queue, leads, newLoadedLead, sources } = this.#deps;
    return queue.run(leadId, async () => {
      const lead = leads.get(leadId) ?? newLoadedLead(leadId);
      const caught = await catchUpLoadedLead(sources.store, lead);
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
  }

  async #readable(
    rawActor: unknown,
    rawLeadId: unknown,
    opened: (type: string) => boolean,
  ): Promise<E.Either<LeadError, ReadableLead>> {
    const actor = decodeInput(ActorRecord, rawActor, "actor");
    if (E.isLeft(actor)) return actor;
    const leadId = decodeInput(LeadIdCodec, rawLeadId, "leadId");
    if (E.isLeft(leadId)) return leadId;
    const loaded = await this.leadInReach(actor.right, leadId.right);
    if (E.isLeft(loaded)) return loaded;
    if (loaded.right.state?.stage === "purged") {
      const finished = await this.#deps.erasure.finish(leadId.right);
      if (E.isLeft(finished)) return finished;
    }
    const full = await readOpenedLead(this.#deps.sources, leadId.right, opened);
    if (E.isLeft(full)) return full;
    const now = foldLead(full.right.events);
    // Read after the reach was decided: a reassignment in between is not shown either.
    if (now === undefined || !canReach(actor.right, now.owner)) {
      return E.left(leadError("lead.not-found", { leadId: leadId.right }));
    }
    return E.right({ leadId: leadId.right, ...full.right, now });
  }
}

import type { Actor, Directory, GlobalPosition, LeadLedger } from "@leadledger/core";
import type { LeadSummary, ProjectionRunner, Worklist } from "@leadledger/projections";
import type { FastifyReply, FastifyRequest } from "fastify";
import * as E from "fp-ts/lib/Either.js";
import { httpProblem, type ProblemDetails } from "./problem.js";
import "./request-actor.js";
import { createTurnQueue, type TurnQueue } from "./turn-queue.js";

/** What the views read: a projection runner, or anything with its two read methods. */
export type ReadModelSource = Pick<ProjectionRunner, "summaries" | "waitFor">;

/** What every route handler works with. */
export interface RouteContext {
  readonly ledger: LeadLedger;
  readonly readModel: ReadModelSource;
  /**
   * The organisation, when the embedder gives one: lists and reports name people by their
   * display name from it. Without it they carry ids only.
   */
  readonly directory: Directory | undefined;
  /**
   * The leads' sealed cards and search index, when the embedder gives them: lists then
   * carry names and main contacts, and `GET /leads` searches. Without it, those are `null`
   * and a search is answered `search.unavailable`.
   */
  readonly worklist: Worklist | undefined;
  /** Epoch milliseconds: defaults for business times and "now" of the views. */
  readonly clock: () => number;
  /** Calendar of the views' periods when a query names none, minutes east of UTC. */
  readonly utcOffsetMinutes: number;
  /** The actor the authentication hook found for this request (`request.leadLedgerActor`). */
  actorOf(request: FastifyRequest): Actor;
  /**
   * Waits until the read model (and the worklist, when there is one) includes
   * `minPosition`; a problem if it does not in time.
   */
  readYourWrites(minPosition: GlobalPosition | undefined): Promise<E.Either<ProblemDetails, void>>;
  /**
   * Runs work over every row of the read model in its turn (see turn-queue.ts): the views
   * and the lead list share one queue, as they share the one event loop.
   */
  readonly inTurn: TurnQueue;
}

/** Builds the actor lookup and the read-your-writes wait of a {@link RouteContext}. */
export const routeContext = (deps: {
  readonly ledger: LeadLedger;
  readonly readModel: ReadModelSource;
  readonly directory?: Directory | undefined;
  readonly worklist?: Worklist | undefined;
  readonly clock: () => number;
  readonly utcOffsetMinutes: number;
  readonly readYourWritesTimeoutMs: number;
}): RouteContext => ({
  ledger: deps.ledger,
  readModel: deps.readModel,
  directory: deps.directory,
  worklist: deps.worklist,
  clock: deps.clock,
  utcOffsetMinutes: deps.utcOffsetMinutes,
  inTurn: createTurnQueue(),
  actorOf(request) {
    const actor = request.leadLedgerActor;
    // Every route of the plugin sits behind the authentication hook, which sets it.
    if (actor === null) throw new Error(`no actor for ${request.method} ${request.url}`);
    return actor;
  },
  async readYourWrites(minPosition) {
    if (minPosition === undefined) return E.right(undefined);
    const waited = await deps.readModel.waitFor(minPosition, {
      timeoutMs: deps.readYourWritesTimeoutMs,
    });
    // The names and the search index of a write just made, as its rows.
    if (E.isRight(waited)) {
      const indexed =
        deps.worklist === undefined ||
        (await deps.worklist.waitFor(minPosition, deps.readYourWritesTimeoutMs));
      return indexed
        ? waited
        : E.left(
            httpProblem("projection.wait-timed-out", {
              minPosition: minPosition.toString(10),
              checkpoint: null,
            }),
          );
    }
    return E.left(
      waited.left.code === "projection.stopped"
        ? httpProblem("projection.stopped")
        : httpProblem("projection.wait-timed-out", {
            minPosition: minPosition.toString(10),
            checkpoint: waited.left.checkpoint?.toString(10) ?? null,
          }),
    );
  },
});

/** Rows of the read model, as the views and the lead list read them. */
export type SummaryRows = readonly LeadSummary[];

/** Sends JSON with a status. */
export const sendJson = (reply: FastifyReply, status: number, body: unknown): FastifyReply =>
  reply.code(status).type("application/json; charset=utf-8").send(body);

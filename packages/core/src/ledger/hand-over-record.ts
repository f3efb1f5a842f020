import { createHmac } from "node:crypto";
import * as E from "fp-ts/lib/Either.js";
import * as t from "io-ts";
import { PathReporter } from "io-ts/lib/PathReporter.js";
import type { LeadError } from "../lead/errors.js";
import { CommandId, Identifier, Instant, LeadId, Owner } from "../lead/values.js";
import type { EventStore, GlobalPosition } from "../store/event-store.js";
import { NO_STREAM } from "../store/event-store.js";

/** Every hand-over's stream starts with this: readers of lead streams pass them by. */
export const HAND_OVER_STREAM_PREFIX = "hand-over-";

/**
 * A hand-over as planned, recorded once in a stream of its own before any lead moves, so
 * that a retry finds the same leads and targets although the first run has since moved
 * them out of the leaving rep's list. The reason is not kept here: it is personal data
 * (sealed in each lead's `LeadAssigned`), and a keyed digest of the request is enough to
 * tell a retry from another request under the same command id.
 */
export const HandOverPlanned = t.strict(
  {
    type: t.literal("HandOverPlanned"),
    data: t.strict({
      actorId: Identifier,
      commandId: CommandId,
      from: Owner,
      to: t.array(Owner),
      /** HMAC-SHA-256 of the request (from, to, reason) under the ledger's secret, in hex. */
      requestDigest: t.string,
      /** When it was planned (the ledger's clock). */
      plannedAt: Instant,
      /** Each lead, and its target: an index into `to`. */
      leads: t.array(t.strict({ leadId: LeadId, target: t.number })),
    }),
  },
  "HandOverPlanned",
);
export type HandOverPlanned = t.TypeOf<typeof HandOverPlanned>;

/** A plan as read back from its stream, with where it stands in the log. */
export interface RecordedHandOver {
  readonly planned: HandOverPlanned["data"];
  readonly position: GlobalPosition;
}

/** Where hand-overs are recorded, under a sub-key of the ledger's secret. */
export class HandOverRecords {
  readonly #store: EventStore;
  readonly #secret: Uint8Array;
  readonly #newId: () => string;

  constructor(deps: { store: EventStore; secret: Uint8Array; newId: () => string }) {
    this.#store = deps.store;
    this.#secret = deps.secret;
    this.#newId = deps.newId;
  }

  /**
   * The stream of one actor's hand-over under one command id: keyed, like a capture's lead
   * id, so that another actor's command id names another hand-over and nobody without
   * the secret can tell which command a stream holds.
   */
  streamOf(actorId: string, commandId: string): string {
    const hex = this.#hash(["leadledger:hand-over", actorId, commandId]);
    return `${HAND_OVER_STREAM_PREFIX}${hex.slice(0, 32)}`;
  }

  /** The keyed digest a retry's request is compared by. */
  digestOf(request: { from: Owner; to: readonly Owner[]; reason?: string | undefined }): string {
    return this.#hash([
      "leadledger:hand-over-request",
      [request.from.repId, request.from.department],
      request.to.map((owner) => [owner.repId, owner.department]),
      request.reason ?? null,
    ]);
  }

  /**
   * The command id of one lead's assignment in a hand-over: derived from the hand-over's,
   * so that a retried hand-over retries each assignment (the ledger answers it as recorded)
   * instead of assigning twice, and never the same as a command id of the caller's own.
   */
  assignmentCommandId(handOverCommandId: string, leadId: LeadId): string {
    return `hand-over-${this.#hash(["leadledger:hand-over-lead", handOverCommandId, leadId]).slice(0, 40)}`;
  }

  /** The plan recorded in `stream`, if any. */
  async read(stream: string): Promise<E.Either<LeadError, RecordedHandOver | undefined>> {
    const read = await this.#store.readStream(stream, { maxCount: 1 });
    if (E.isLeft(read)) {
      return E.left(
        read.left.code === "store.unavailable"
          ? read.left
          : { code: "store.unavailable", message: "the hand-over could not be read" },
      );
    }
    const first = read.right[0];
    if (first === undefined) return E.right(undefined);
    const decoded = HandOverPlanned.decode({ type: first.type, data: first.data });
    if (E.isLeft(decoded)) {
      return E.left({
        code: "history.undecodable",
        leadId: stream,
        detail: PathReporter.report(decoded).join("; "),
      });
    }
    return E.right({ planned: decoded.right.data, position: first.position });
  }

  /**
   * Records a plan as the stream's first event. `undefined` when another run of the same
   * hand-over recorded its plan first: read that one.
   */
  async record(
    stream: string,
    planned: HandOverPlanned["data"],
  ): Promise<E.Either<LeadError, RecordedHandOver | undefined>> {
    const data = HandOverPlanned.encode({ type: "HandOverPlanned", data: planned }).data;
    const appended = await this.#store.appendToStream(
      stream,
      [{ id: this.#newId(), type: "HandOverPlanned", data, metadata: {} }],
      { expectedRevision: NO_STREAM },
    );
    if (E.isRight(appended)) return E.right({ planned, position: appended.right.position });
    return appended.left.code === "concurrency.conflict"
      ? E.right(undefined)
      : E.left(appended.left);
  }

  #hash(parts: unknown): string {
    // JSON keeps the parts apart: ("a", "b:c") and ("a:b", "c") hash differently.
    return createHmac("sha256", this.#secret).update(JSON.stringify(parts)).digest("hex");
  }
}

import { createHmac, hkdfSync, timingSafeEqual } from "node:crypto";
import * as E from "fp-ts/lib/Either.js";
import * as t from "io-ts";
import { Instant, millisToInstant } from "../lead/values.js";
import { canonicalJson } from "./canonical-json.js";
import {
  type GlobalPosition,
  positionFromString,
  positionToString,
  type RecordedEvent,
} from "./event-store.js";
import { CHAIN_HASH_KEY, isKeyedChainHash } from "./hash-chain.js";

// A stream's chain cannot show that its last events were deleted, nor that a whole stream
// or another stream's events went missing. A checkpoint vouches for the whole global log up
// to a position: how many events it held and a keyed hash folded over all of them, signed.
// Kept outside the store (and shipped off the machine), it lets a later replay of the log
// find any event deleted, inserted or changed before it.

/** The whole log up to a position, folded: what a checkpoint records. */
export interface LogHead {
  /** The position of the last event folded; 0n before the first. */
  readonly position: GlobalPosition;
  readonly count: number;
  /** The keyed hash folded over every event up to `position`; "" before the first. */
  readonly headHash: string;
  /**
   * The position of the first event whose chain hash is keyed: from there on every chained
   * event of the log must be keyed. `undefined` while no keyed event has been folded.
   */
  readonly keyedFrom: GlobalPosition | undefined;
}

/** The head of an empty log. */
export const EMPTY_LOG_HEAD: LogHead = {
  position: 0n,
  count: 0,
  headHash: "",
  keyedFrom: undefined,
};

/** The two keys of the checkpoints, derived from the ledger's secret with HKDF. */
export interface LogCheckpointKeys {
  /** Keys the running head hash, so a head reveals nothing of the events it folds. */
  readonly head: Uint8Array;
  /** Signs each checkpoint. */
  readonly signature: Uint8Array;
}

/** Derives the checkpoint keys from the ledger's secret. */
export const logCheckpointKeysOf = (secret: Uint8Array): LogCheckpointKeys => ({
  head: new Uint8Array(hkdfSync("sha256", secret, "leadledger", "log-head", 32)),
  signature: new Uint8Array(
    hkdfSync("sha256", secret, "leadledger", "log-checkpoint-signature", 32),
  ),
});

/**
 * Folds one more event of the global log into the head. The events must come in position
 * order. The hash covers where the event stands (position, stream, revision), its id, type,
 * and the canonical JSON of its data and metadata, chain hash included. Pure.
 */
export const foldLogHead = (
  keys: LogCheckpointKeys,
  head: LogHead,
  event: RecordedEvent,
): LogHead => {
  const folded =
    `${head.headHash}\n${positionToString(event.position)}\n${event.stream}\n` +
    `${event.revision.toString(10)}\n${event.id}\n${event.type}\n` +
    `${canonicalJson(event.data)}\n${canonicalJson(event.metadata)}`;
  const stored = event.metadata[CHAIN_HASH_KEY];
  return {
    position: event.position,
    count: head.count + 1,
    headHash: createHmac("sha256", keys.head).update(folded).digest("hex"),
    keyedFrom:
      head.keyedFrom === undefined && typeof stored === "string" && isKeyedChainHash(stored)
        ? event.position
        : head.keyedFrom,
  };
};

/**
 * True when an event carries an unkeyed chain hash although the log already holds a keyed
 * one: the ledger keys every link once it has begun to, so this is a link rewritten by
 * someone without the key.
 */
export const isUnkeyedAfterKeyed = (head: LogHead, event: RecordedEvent): boolean => {
  const stored = event.metadata[CHAIN_HASH_KEY];
  return head.keyedFrom !== undefined && typeof stored === "string" && !isKeyedChainHash(stored);
};

const PositionText = new t.Type<string, string, unknown>(
  "Position",
  (input): input is string => typeof input === "string" && positionFromString(input) !== undefined,
  (input, context) =>
    typeof input === "string" && positionFromString(input) !== undefined
      ? t.success(input)
      : t.failure(input, context),
  t.identity,
);

const Count = new t.Type<number, number, unknown>(
  "Count",
  (input): input is number => Number.isSafeInteger(input) && (input as number) >= 0,
  (input, context) =>
    Number.isSafeInteger(input) && (input as number) >= 0
      ? t.success(input as number)
      : t.failure(input, context),
  t.identity,
);

/** One checkpoint as it is recorded: one line of JSON. Positions are decimal text. */
export const LogCheckpoint = t.strict(
  {
    position: PositionText,
    count: Count,
    headHash: t.string,
    keyedFrom: t.union([PositionText, t.null]),
    at: Instant,
    signature: t.string,
  },
  "LogCheckpoint",
);
export type LogCheckpoint = t.TypeOf<typeof LogCheckpoint>;

const signatureOf = (keys: LogCheckpointKeys, checkpoint: Omit<LogCheckpoint, "signature">) =>
  createHmac("sha256", keys.signature)
    .update(
      canonicalJson({
        position: checkpoint.position,
        count: checkpoint.count,
        headHash: checkpoint.headHash,
        keyedFrom: checkpoint.keyedFrom,
        at: checkpoint.at,
      }),
    )
    .digest("base64url");

/** The signed checkpoint of a head, recorded at `at` (epoch milliseconds). */
export const signLogCheckpoint = (
  keys: LogCheckpointKeys,
  head: LogHead,
  at: number,
): LogCheckpoint => {
  const unsigned = {
    position: positionToString(head.position),
    count: head.count,
    headHash: head.headHash,
    keyedFrom: head.keyedFrom === undefined ? null : positionToString(head.keyedFrom),
    at: millisToInstant(at),
  };
  return { ...unsigned, signature: signatureOf(keys, unsigned) };
};

/** True when the checkpoint was signed with these keys and not changed since. */
export const isLogCheckpointSigned = (
  keys: LogCheckpointKeys,
  checkpoint: LogCheckpoint,
): boolean => {
  const expected = Buffer.from(signatureOf(keys, checkpoint));
  const actual = Buffer.from(checkpoint.signature);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
};

/** Decodes one recorded checkpoint; the reason as text when it is not one. */
export const decodeLogCheckpoint = (input: unknown): E.Either<string, LogCheckpoint> => {
  const decoded = LogCheckpoint.decode(input);
  return E.isRight(decoded)
    ? decoded
    : E.left(
        `not a log checkpoint (${decoded.left
          .map((error) => error.context.map((entry) => entry.key).join("."))
          .filter((path) => path !== "")
          .join(", ")})`,
      );
};

/** The head a checkpoint records. */
export const headOfLogCheckpoint = (checkpoint: LogCheckpoint): LogHead => ({
  position: BigInt(checkpoint.position),
  count: checkpoint.count,
  headHash: checkpoint.headHash,
  keyedFrom: checkpoint.keyedFrom === null ? undefined : BigInt(checkpoint.keyedFrom),
});

/** True when the log, folded up to the checkpoint's position, is what the checkpoint says. */
export const logHeadMatches = (head: LogHead, checkpoint: LogCheckpoint): boolean => {
  const recorded = headOfLogCheckpoint(checkpoint);
  return (
    head.count === recorded.count &&
    head.headHash === recorded.headHash &&
    head.keyedFrom === recorded.keyedFrom
  );
};

import * as E from "fp-ts/lib/Either.js";
import type * as t from "io-ts";
import type { RecordedEvent } from "../store/event-store.js";
import {
  isLeadEventType,
  LEAD_EVENT_SCHEMAS,
  type LeadEventFactsOnly,
  LeadEventMetadata,
} from "./events.js";
import { type EventUpcaster, LEAD_EVENT_UPCASTERS, upcastStoredEvent } from "./upcast.js";

/** Why a stored event could not be read as a lead event. */
export interface EventDecodeFailure {
  readonly code: "event.undecodable";
  readonly stream: string;
  readonly revision: bigint;
  readonly type: string;
  readonly paths: readonly string[];
}

const pathsOf = (errors: t.Errors): string[] =>
  errors.map((error) =>
    error.context
      .map((entry) => entry.key)
      .filter((key) => key !== "")
      .join("."),
  );

/**
 * Reads the plain facts and metadata of a stored lead event, without keys: what
 * projections and statistics see. An event of an older schema version is upcast first;
 * the encrypted personal part is left aside.
 */
export const decodeLeadEventFacts = (
  stored: RecordedEvent,
  upcasters: readonly EventUpcaster[] = LEAD_EVENT_UPCASTERS,
): E.Either<EventDecodeFailure, LeadEventFactsOnly> => {
  const recorded = upcastStoredEvent(stored, upcasters);
  const failure = (paths: readonly string[]): EventDecodeFailure => ({
    code: "event.undecodable",
    stream: recorded.stream,
    revision: recorded.revision,
    type: recorded.type,
    paths,
  });
  if (!isLeadEventType(recorded.type)) return E.left(failure(["type"]));
  const factsCodec = LEAD_EVENT_SCHEMAS[recorded.type].facts as t.Mixed;
  // The common case, checked without allocating: io-ts's guards run the same checks as
  // decode (brands included) but build no Either and copy nothing. Decode then only runs
  // to say what is wrong. Extra keys (the sealed personal part, the chain hash) are left
  // out of the facts as decode would strip them.
  if (factsCodec.is(recorded.data) && LeadEventMetadata.is(recorded.metadata)) {
    const { personal: _sealed, ...data } = recorded.data;
    return E.right({
      type: recorded.type,
      data,
      metadata: recorded.metadata,
    } as LeadEventFactsOnly);
  }
  const facts = factsCodec.decode(recorded.data);
  if (E.isLeft(facts)) return E.left(failure(pathsOf(facts.left).map((p) => `data.${p}`)));
  const metadata = LeadEventMetadata.decode(recorded.metadata);
  if (E.isLeft(metadata)) {
    return E.left(failure(pathsOf(metadata.left).map((p) => `metadata.${p}`)));
  }
  const { personal: _sealed, ...data } = facts.right as { personal?: unknown };
  return E.right({ type: recorded.type, data, metadata: metadata.right } as LeadEventFactsOnly);
};

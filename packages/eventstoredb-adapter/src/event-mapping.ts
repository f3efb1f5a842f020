import type {
  AllStreamResolvedEvent,
  EventData,
  JSONEventType,
  ResolvedEvent,
} from "@eventstore/db-client";
import type {
  EventFilter,
  EventToAppend,
  JsonObject,
  RecordedEvent,
  StreamRevision,
} from "@leadledger/core";
import { globalPositionOf } from "./positions.js";

/** The prefixes of leadledger's own streams: one per lead, one per duplicate reservation. */
export const DEFAULT_STREAM_PREFIXES: readonly string[] = ["lead-", "contact-reservation-"];

/** What EventStoreDB is given for one event: JSON data and JSON metadata under the writer's id. */
export const toEventData = (event: EventToAppend): EventData<JSONEventType> => ({
  id: event.id,
  contentType: "application/json",
  type: event.type,
  data: event.data,
  metadata: event.metadata,
});

/**
 * Streams and event types starting with `$` belong to the server (statistics, epochs,
 * settings, link events): they are never part of leadledger's log.
 */
export const isSystemEvent = (stream: string, type: string): boolean =>
  stream.startsWith("$") || type.startsWith("$");

/** Whether an event is one of the store's and passes a reader's filter. */
export const matchesFilter = (
  event: { readonly stream: string; readonly type: string },
  storePrefixes: readonly string[],
  filter: EventFilter | undefined,
): boolean => {
  if (isSystemEvent(event.stream, event.type)) return false;
  if (!storePrefixes.some((prefix) => event.stream.startsWith(prefix))) return false;
  const prefixes = filter?.streamPrefixes;
  if (prefixes !== undefined && !prefixes.some((prefix) => event.stream.startsWith(prefix))) {
    return false;
  }
  const types = filter?.eventTypes;
  return types === undefined || types.includes(event.type);
};

const isJsonObject = (value: unknown): value is JsonObject =>
  typeof value === "object" &&
  value !== null &&
  !Array.isArray(value) &&
  !(value instanceof Uint8Array);

/** Why an event read back could not be turned into a leadledger event. */
export class UnreadableEventError extends Error {
  override readonly name = "UnreadableEventError";
}

/**
 * The recorded event behind a resolved event, or `undefined` for what leadledger skips
 * (server events, unresolved links). Data and metadata that are not JSON objects mean the
 * stream was written by something other than leadledger: a bug in the deployment, thrown.
 */
export const fromResolvedEvent = (
  resolved: ResolvedEvent | AllStreamResolvedEvent,
): RecordedEvent | undefined => {
  const event = resolved.event;
  if (event === undefined || isSystemEvent(event.streamId, event.type)) return undefined;
  const where = `event ${event.id} (${event.streamId}@${event.revision})`;
  if (!event.isJson || !isJsonObject(event.data)) {
    throw new UnreadableEventError(`${where}: data is not a JSON object`);
  }
  // The client gives no metadata back for an empty one; leadledger's is always an object.
  const metadata = event.metadata ?? {};
  if (!isJsonObject(metadata)) {
    throw new UnreadableEventError(`${where}: metadata is not a JSON object`);
  }
  const position = event.position ?? positionFromCommit(resolved.commitPosition);
  if (position === undefined) {
    throw new UnreadableEventError(
      `${where}: the server gave no $all position (EventStoreDB 22.10 or later is required)`,
    );
  }
  return {
    id: event.id,
    type: event.type,
    data: event.data,
    metadata,
    stream: event.streamId,
    revision: event.revision satisfies StreamRevision,
    position: globalPositionOf(position),
  };
};

const positionFromCommit = (commit: bigint | undefined) =>
  commit === undefined ? undefined : { commit, prepare: commit };

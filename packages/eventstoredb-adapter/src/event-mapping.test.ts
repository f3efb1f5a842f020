import { createRequire } from "node:module";
import { jsonEvent, type ResolvedEvent } from "@eventstore/db-client";
import type { EventToAppend, JsonObject } from "@leadledger/core";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_STREAM_PREFIXES,
  fromResolvedEvent,
  isSystemEvent,
  matchesFilter,
  toEventData,
  UnreadableEventError,
} from "./event-mapping.js";
import { esdbPositionOf, globalPositionOf } from "./positions.js";

// The client's own decoder and protobuf classes, reached by path: they are what turns the
// server's bytes into the objects the adapter maps, so the round trip below is the real one.
const require = createRequire(import.meta.url);
const { convertGrpcEvent } = require("@eventstore/db-client/dist/utils/convertGrpcEvent.js") as {
  convertGrpcEvent: (grpcEvent: unknown) => ResolvedEvent;
};
const streamsPb = require("@eventstore/db-client/generated/streams_pb.js");
const sharedPb = require("@eventstore/db-client/generated/shared_pb.js");

const data: JsonObject = {
  company: "苏州工业园区纳米科技有限公司",
  contact: { name: "enc:v1:AAAA", phones: ["enc:v1:BBBB"] },
  dealValue: 12_500_000.5,
  tags: [],
  nothing: null,
  nested: [{ a: [1, [2, { deep: "底层" }]] }, false],
};
const metadata: JsonObject = {
  leadId: "7f1c0a52-8f43-4a8e-9d59-1d8a7a8f0c11",
  occurredAt: "2024-03-01T08:00:00.000Z",
  actor: { id: "rep-1", role: "rep", department: "东区招商" },
  schemaVersion: 2,
  hash: "ab12",
};
const written: EventToAppend = {
  id: "0b8a4c5e-2f7d-4b8e-8a36-6c1f5d1e9a01",
  type: "LeadCaptured",
  data,
  metadata,
};

/**
 * The server's side of the wire: a ReadResp event as EventStoreDB sends it for what the
 * client appended (the client serialises JSON data and metadata with JSON.stringify).
 */
const serverReadEvent = (
  stream: string,
  revision: bigint,
  commit: bigint,
  event: { id: string; type: string; contentType: string; data: string; metadata: string },
) => {
  const identifier = new sharedPb.StreamIdentifier();
  identifier.setStreamName(Buffer.from(stream, "utf8"));
  const uuid = new sharedPb.UUID();
  uuid.setString(event.id);
  const recorded = new streamsPb.ReadResp.ReadEvent.RecordedEvent();
  recorded.setId(uuid);
  recorded.setStreamIdentifier(identifier);
  recorded.setStreamRevision(revision.toString());
  recorded.setCommitPosition(commit.toString());
  recorded.setPreparePosition(commit.toString());
  recorded.getMetadataMap().set("type", event.type);
  recorded.getMetadataMap().set("content-type", event.contentType);
  recorded.getMetadataMap().set("created", "638450000000000000");
  recorded.setData(Buffer.from(event.data, "utf8"));
  recorded.setCustomMetadata(Buffer.from(event.metadata, "utf8"));
  const read = new streamsPb.ReadResp.ReadEvent();
  read.setEvent(recorded);
  read.setCommitPosition(commit.toString());
  return convertGrpcEvent(read);
};

describe("toEventData", () => {
  it("is what the client's jsonEvent makes of the same event", () => {
    expect(toEventData(written)).toEqual(
      jsonEvent({ id: written.id, type: written.type, data, metadata }),
    );
  });
});

describe("fromResolvedEvent through the client's decoder", () => {
  it("gives back exactly what was written, with revision and commit position", () => {
    const sent = toEventData(written);
    const resolved = serverReadEvent("lead-1", 3n, 123_456_789_012n, {
      id: sent.id,
      type: sent.type,
      contentType: sent.contentType,
      data: JSON.stringify(sent.data),
      metadata: JSON.stringify(sent.metadata),
    });
    expect(fromResolvedEvent(resolved)).toEqual({
      ...written,
      stream: "lead-1",
      revision: 3n,
      position: 123_456_789_012n,
    });
  });

  it("reads an event written with empty metadata as {}", () => {
    const resolved = serverReadEvent("lead-1", 0n, 10n, {
      id: written.id,
      type: "T",
      contentType: "application/json",
      data: "{}",
      metadata: "",
    });
    expect(fromResolvedEvent(resolved)?.metadata).toEqual({});
  });

  it("throws on events leadledger cannot have written", () => {
    const binary = serverReadEvent("lead-1", 0n, 10n, {
      id: written.id,
      type: "T",
      contentType: "application/octet-stream",
      data: "\u0001\u0002",
      metadata: "{}",
    });
    expect(() => fromResolvedEvent(binary)).toThrow(UnreadableEventError);
    const array = serverReadEvent("lead-1", 0n, 10n, {
      id: written.id,
      type: "T",
      contentType: "application/json",
      data: "[1,2]",
      metadata: "{}",
    });
    expect(() => fromResolvedEvent(array)).toThrow(/data is not a JSON object/);
    const text = serverReadEvent("lead-1", 0n, 10n, {
      id: written.id,
      type: "T",
      contentType: "application/json",
      data: "{}",
      metadata: '"just text"',
    });
    expect(() => fromResolvedEvent(text)).toThrow(/metadata is not a JSON object/);
  });

  it("skips server events and missing events", () => {
    const stats = serverReadEvent("$stats-127.0.0.1:2113", 0n, 10n, {
      id: written.id,
      type: "$statsCollected",
      contentType: "application/json",
      data: "{}",
      metadata: "{}",
    });
    expect(fromResolvedEvent(stats)).toBeUndefined();
    expect(fromResolvedEvent({})).toBeUndefined();
  });

  it("falls back to the read's commit position, and throws when there is none", () => {
    const resolved = serverReadEvent("lead-1", 0n, 77n, {
      id: written.id,
      type: "T",
      contentType: "application/json",
      data: "{}",
      metadata: "{}",
    });
    const event = resolved.event;
    if (event === undefined) throw new Error("no event decoded");
    const { position: _dropped, ...withoutPosition } = event;
    expect(fromResolvedEvent({ event: withoutPosition, commitPosition: 77n })?.position).toBe(77n);
    expect(() => fromResolvedEvent({ event: withoutPosition })).toThrow(/22\.10 or later/);
  });
});

describe("positions", () => {
  it("are the commit position, and go back to a position reads include", () => {
    expect(globalPositionOf({ commit: 4_294_967_296_123n, prepare: 4_294_967_296_123n })).toBe(
      4_294_967_296_123n,
    );
    expect(esdbPositionOf(18_446_744_073_709_551_615n)).toEqual({
      commit: 18_446_744_073_709_551_615n,
      prepare: 18_446_744_073_709_551_615n,
    });
  });
});

describe("matchesFilter", () => {
  const prefixes = DEFAULT_STREAM_PREFIXES;
  it("keeps only the store's streams and never server ones", () => {
    expect(matchesFilter({ stream: "lead-1", type: "LeadCaptured" }, prefixes, undefined)).toBe(
      true,
    );
    expect(
      matchesFilter({ stream: "contact-reservation-ab12", type: "Reserved" }, prefixes, undefined),
    ).toBe(true);
    expect(matchesFilter({ stream: "orders-1", type: "Placed" }, prefixes, undefined)).toBe(false);
    expect(matchesFilter({ stream: "lead-1", type: "$metadata" }, prefixes, undefined)).toBe(false);
    expect(isSystemEvent("$$lead-1", "x")).toBe(true);
  });

  it("applies the reader's prefixes and types together", () => {
    const filter = { streamPrefixes: ["lead-"], eventTypes: ["LeadCaptured"] };
    expect(matchesFilter({ stream: "lead-1", type: "LeadCaptured" }, prefixes, filter)).toBe(true);
    expect(matchesFilter({ stream: "lead-1", type: "LeadGraded" }, prefixes, filter)).toBe(false);
    expect(
      matchesFilter({ stream: "contact-reservation-1", type: "LeadCaptured" }, prefixes, filter),
    ).toBe(false);
    expect(matchesFilter({ stream: "lead-1", type: "X" }, prefixes, { eventTypes: [] })).toBe(
      false,
    );
  });
});

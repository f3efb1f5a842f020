import { decodeLeadEventFacts, LEAD_STREAM_PREFIX, type RecordedEvent } from "@leadledger/core";
import { recordedHistoryArray } from "@leadledger/testkit";
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { decodeSummaryInput, summaryInputOfFacts } from "./summary-input.js";

describe("decodeSummaryInput", () => {
  const log = recordedHistoryArray({ seed: 11, leads: 300 }).filter((event) =>
    event.stream.startsWith(LEAD_STREAM_PREFIX),
  );

  it("reads what the core's full decode reads, on every generated event", () => {
    for (const event of log) {
      const full = decodeLeadEventFacts(event);
      if (E.isLeft(full)) throw new Error(`generated event does not decode: ${full.left.paths}`);
      expect(decodeSummaryInput(event)).toEqual(E.right(summaryInputOfFacts(full.right)));
    }
  });

  it("reports where an event does not fit", () => {
    const capture = log.find((event) => event.type === "LeadCaptured") as RecordedEvent;
    const broken = (data: object, metadata: object = capture.metadata): RecordedEvent => ({
      ...capture,
      data: { ...capture.data, ...data },
      metadata: { ...capture.metadata, ...metadata },
    });
    const pathOf = (event: RecordedEvent) => {
      const decoded = decodeSummaryInput(event);
      return E.isLeft(decoded) ? decoded.left.paths : undefined;
    };
    expect(pathOf(broken({ source: { channel: "pigeon" } }))).toEqual(["data.source.channel"]);
    expect(pathOf(broken({ owner: null }))).toEqual(["data.owner"]);
    expect(pathOf(broken({}, { occurredAt: "yesterday" }))).toEqual(["metadata.occurredAt"]);
    expect(pathOf({ ...capture, type: "LeadTeleported" })).toEqual(["type"]);
  });
});

import { decodeLeadEventFacts, LEAD_STREAM_PREFIX, type RecordedEvent } from "@leadledger/core";
import fc from "fast-check";
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import {
  recordedHistory,
  recordedHistoryArbitrary,
  recordedHistoryArray,
} from "./recorded-history.js";

/** Every rule of the brief that a generated log must obey; returns the broken ones. */
const brokenRules = (log: readonly RecordedEvent[]): string[] => {
  const broken: string[] = [];
  let lastPosition = -1n;
  let lastRecordedAt = Number.NEGATIVE_INFINITY;
  const leads = new Map<
    string,
    {
      acquiredAt: number;
      revision: bigint;
      purged: boolean;
      converted: boolean;
      flagged: boolean;
      firstFollowUpAt: number;
    }
  >();
  for (const event of log) {
    if (event.position <= lastPosition) broken.push(`position ${event.position} not increasing`);
    lastPosition = event.position;
    const recordedAt = Date.parse(String(event.metadata.recordedAt));
    if (recordedAt < lastRecordedAt) broken.push(`recordedAt goes back at ${event.position}`);
    lastRecordedAt = recordedAt;
    if (!event.stream.startsWith(LEAD_STREAM_PREFIX)) continue;
    const decoded = decodeLeadEventFacts(event);
    if (E.isLeft(decoded)) {
      broken.push(`undecodable ${event.type}: ${decoded.left.paths.join(",")}`);
      continue;
    }
    const { type, metadata } = decoded.right;
    const occurredAt = Date.parse(metadata.occurredAt);
    if (occurredAt > recordedAt) broken.push(`${type} occurs after it is recorded`);
    if (`${LEAD_STREAM_PREFIX}${metadata.leadId}` !== event.stream) broken.push("leadId ≠ stream");
    const lead = leads.get(event.stream);
    if (type === "LeadCaptured") {
      if (lead !== undefined) broken.push(`captured twice ${event.stream}`);
      if (event.revision !== 0n) broken.push("capture not first");
      // A late capture's reason is sealed in its personal part, as all free text is: no
      // free text may be in the clear.
      if ("lateEntryReason" in decoded.right.data) broken.push("late-entry reason in the clear");
      leads.set(event.stream, {
        acquiredAt: occurredAt,
        revision: 0n,
        purged: false,
        converted: false,
        flagged: false,
        firstFollowUpAt: Number.POSITIVE_INFINITY,
      });
      continue;
    }
    if (lead === undefined) {
      broken.push(`${type} before capture`);
      continue;
    }
    if (event.revision !== lead.revision + 1n) broken.push("revision gap");
    lead.revision = event.revision;
    if (lead.purged) broken.push(`${type} after purge`);
    if (occurredAt < lead.acquiredAt) broken.push(`${type} before acquisition`);
    if (type === "LeadContacted" || type === "LeadVisited") {
      lead.firstFollowUpAt = Math.min(lead.firstFollowUpAt, occurredAt);
    }
    if (
      decoded.right.type === "LeadContacted" &&
      decoded.right.data.nextFollowUpOn !== undefined &&
      decoded.right.data.nextFollowUpOn < metadata.occurredAt.slice(0, 10)
    ) {
      broken.push("next follow-up before its contact");
    }
    if (type === "LeadConverted") {
      if (lead.converted) broken.push("converted twice");
      if (occurredAt < lead.firstFollowUpAt) broken.push("converted before any follow-up");
      lead.converted = true;
    }
    if (type === "LeadGraded" && lead.converted) broken.push("graded after conversion");
    if (type === "LeadFlaggedForPurge") lead.flagged = true;
    if (type === "PurgeFlagCleared") lead.flagged = false;
    if (type === "LeadPurged") {
      if (!lead.flagged && decoded.right.data.reason !== "erasure-request") {
        broken.push("purged without a flag");
      }
      lead.purged = true;
    }
  }
  return broken;
};

describe("recordedHistory", () => {
  it("generates a valid log", () => {
    const log = recordedHistoryArray({ seed: 7, leads: 500, maxPositionStep: 3 });
    expect(log.length).toBeGreaterThan(2000);
    expect(brokenRules(log)).toEqual([]);
  });

  it("is reproducible from its seed", () => {
    const a = recordedHistoryArray({ seed: 42, leads: 50 });
    const b = recordedHistoryArray({ seed: 42, leads: 50 });
    expect(b).toEqual(a);
    expect(recordedHistoryArray({ seed: 43, leads: 50 })).not.toEqual(a);
  });

  it("has the variety the projections must handle", () => {
    const types = new Map<string, number>();
    for (const event of recordedHistory({ seed: 1, leads: 2000 })) {
      types.set(event.type, (types.get(event.type) ?? 0) + 1);
    }
    for (const type of [
      "LeadCaptured",
      "LeadContacted",
      "LeadGraded",
      "LeadVisited",
      "LeadConverted",
      "LeadAssigned",
      "LeadAmended",
      "LeadFlaggedForPurge",
      "PurgeFlagCleared",
      "LeadPurged",
      "ContactReserved",
    ]) {
      expect(types.get(type) ?? 0, type).toBeGreaterThan(0);
    }
    expect(types.get("LeadCaptured")).toBe(2000);
  });

  it("stops at maxEvents", () => {
    expect(recordedHistoryArray({ seed: 3, leads: 1000, maxEvents: 123 })).toHaveLength(123);
  });

  it("every arbitrary history is valid", () => {
    fc.assert(
      fc.property(recordedHistoryArbitrary(), (log) => {
        expect(brokenRules(log)).toEqual([]);
      }),
      { numRuns: 50 },
    );
  });
});

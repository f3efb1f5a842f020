import { recordedHistory } from "@leadledger/testkit";
import * as E from "fp-ts/lib/Either.js";
import type * as t from "io-ts";
import { describe, expect, it } from "vitest";
import type { RecordedEvent } from "../store/event-store.js";
import { decodeLeadEventFacts } from "./decode-facts.js";
import { isLeadEventType, LEAD_EVENT_SCHEMAS, LeadEventMetadata } from "./events.js";

const leadEvents = (): RecordedEvent[] =>
  [...recordedHistory({ seed: 11, leads: 60 })].filter((event) => isLeadEventType(event.type));

describe("decodeLeadEventFacts", () => {
  it("reads every valid stored event as io-ts decode does, without the sealed personal part", () => {
    const events = leadEvents();
    expect(events.length).toBeGreaterThan(200);
    for (const event of events) {
      const read = decodeLeadEventFacts(event);
      if (E.isLeft(read) || !isLeadEventType(event.type)) throw new Error("expected a lead event");
      const decoded = (LEAD_EVENT_SCHEMAS[event.type].facts as t.Mixed).decode(event.data);
      const metadata = LeadEventMetadata.decode(event.metadata);
      if (E.isLeft(decoded) || E.isLeft(metadata))
        throw new Error("the generator made a bad event");
      // A facts codec with a partial part lets decode keep extra keys: the sealed personal
      // part is removed by decodeLeadEventFacts itself, on every path.
      const { personal: _sealed, ...facts } = decoded.right as { personal?: unknown };
      expect(read.right.data).toEqual(facts);
      expect(read.right.data).not.toHaveProperty("personal");
      expect(read.right.metadata).toMatchObject(metadata.right);
    }
  });

  it("says where a malformed event is wrong", () => {
    const [event] = leadEvents();
    if (event === undefined) throw new Error("no events");
    const broken = { ...event, metadata: { ...event.metadata, occurredAt: "yesterday" } };
    const read = decodeLeadEventFacts(broken);
    expect(E.isLeft(read) && read.left.paths).toContainEqual(expect.stringContaining("metadata"));
    const unknown = decodeLeadEventFacts({ ...event, type: "LeadTeleported" });
    expect(E.isLeft(unknown) && unknown.left.paths).toEqual(["type"]);
  });
});

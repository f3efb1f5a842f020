import { AsyncLocalStorage } from "node:async_hooks";
import {
  createInMemoryEventStore,
  createInMemoryKeyStore,
  createLeadLedger,
} from "@leadledger/core";
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { demoCommands, seedDemoLeads } from "./demo-leads.js";
import { DEMO_ORGANISATION } from "./server-config.js";

// The demo is laid out relative to the first start, so every start time must give a demo
// the ledger accepts. These anchors include three that once failed (a conversion recorded
// by the first rep after the lead had been reassigned).
const ANCHORS = [
  "2026-11-25T07:18:00.000Z",
  "2026-11-25T14:36:00.000Z",
  "2026-11-26T05:12:00.000Z",
  ...Array.from({ length: 9 }, (_, k) =>
    new Date(Date.UTC(2026, k, 3 + k * 3, k * 5, k * 7)).toISOString(),
  ),
];

describe("the demo organisation's leads", () => {
  it.each(ANCHORS)("are all accepted by the ledger when first started at %s", async (anchor) => {
    const recordingTime = new AsyncLocalStorage<number>();
    const ledger = createLeadLedger({
      eventStore: createInMemoryEventStore(),
      keyStore: createInMemoryKeyStore(),
      secret: new Uint8Array(32).fill(5),
      clock: () => recordingTime.getStore() ?? Date.parse(anchor),
    });
    const actors = DEMO_ORGANISATION.map((holder) => holder.actor);
    const result = await seedDemoLeads(
      ledger,
      demoCommands(Date.parse(anchor), actors, 300),
      (at, work) => recordingTime.run(at, work),
    );
    expect(E.isRight(result) ? "seeded" : result.left).toBe("seeded");
  });
});

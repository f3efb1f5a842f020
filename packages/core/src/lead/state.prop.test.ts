import { arbLeadHistory } from "@leadledger/testkit";
import * as fc from "fast-check";
import { describe, expect, it } from "vitest";
import { asOf, evolve, foldLead } from "./state.js";
import { instantToMillis } from "./values.js";

const RUNS = 1_000;

describe("evolve", () => {
  it("is total on arbitrary valid histories, and folds every event", () => {
    fc.assert(
      fc.property(arbLeadHistory(), (history) => {
        const state = foldLead(history.events);
        expect(state).toBeDefined();
        expect(state?.eventCount).toBe(history.events.length);
      }),
      { numRuns: RUNS },
    );
  });

  it("never fails on events out of any order, even ones decide would never produce", () => {
    fc.assert(
      fc.property(arbLeadHistory(), fc.func(fc.integer()), (history, order) => {
        const shuffled = [...history.events].sort((a, b) => order(a) - order(b));
        let state: ReturnType<typeof evolve>;
        for (const event of shuffled) state = evolve(state, event);
        return true;
      }),
      { numRuns: RUNS },
    );
  });
});

describe("decide on a purged lead", () => {
  it("never lets anything be appended after the purge", () => {
    fc.assert(
      fc.property(arbLeadHistory({ maxCommands: 40 }), (history) => {
        const purgeAt = history.events.findIndex((event) => event.type === "LeadPurged");
        if (purgeAt >= 0) expect(purgeAt).toBe(history.events.length - 1);
        // Every command tried after the purge was refused.
        let purged = false;
        for (const { command, accepted } of history.attempts) {
          if (purged) expect(accepted).toBe(false);
          if (accepted && command.type === "PurgeLead") purged = true;
        }
      }),
      { numRuns: RUNS },
    );
  });
});

describe("the history generator", () => {
  it("reaches the cases the properties are about: purges followed by refused commands", () => {
    const samples = fc.sample(arbLeadHistory({ maxCommands: 40 }), { numRuns: 300, seed: 7 });
    const purgedThenTried = samples.filter((history) => {
      const purgeAt = history.attempts.findIndex(
        ({ command, accepted }) => accepted && command.type === "PurgeLead",
      );
      return purgeAt >= 0 && purgeAt < history.attempts.length - 1;
    });
    const converted = samples.filter((history) => history.state?.stage === "converted");
    expect(purgedThenTried.length).toBeGreaterThan(20);
    expect(converted.length).toBeGreaterThan(20);
  });
});

describe("asOf", () => {
  it("is the fold of the events recorded up to the moment", () => {
    fc.assert(
      fc.property(arbLeadHistory(), fc.nat(), (history, pick) => {
        if (history.events.length === 0) return;
        const cut = history.events[pick % history.events.length];
        if (cut === undefined) return;
        const at = instantToMillis(cut.metadata.recordedAt);
        const known = history.events.filter(
          (event) => instantToMillis(event.metadata.recordedAt) <= at,
        );
        expect(asOf(history.events, at)).toEqual(foldLead(known));
      }),
      { numRuns: RUNS },
    );
  });
});

import { arbLeadHistory, captureLead, executiveActor } from "@leadledger/testkit";
import fc from "fast-check";
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { defaultGradingPolicy } from "../grading/default.js";
import { EVENTS_OF_COMMAND } from "./command-events.js";
import type { LeadCommand } from "./commands.js";
import type { DecisionContext } from "./decide.js";
import { DEFAULT_CLOCK_TOLERANCE_MS, decide } from "./decide.js";
import type { LeadEvent } from "./events.js";
import type { LeadState } from "./state.js";
import { evolve } from "./state.js";
import type { LeadId } from "./values.js";

const MINUTE = 60_000;

/** The types a decision recorded that the command's row of the table leaves out. */
const unlisted = (command: LeadCommand, events: readonly LeadEvent[]): string[] => {
  const listed: readonly string[] = EVENTS_OF_COMMAND[command.type];
  return events.map((event) => event.type).filter((type) => !listed.includes(type));
};

describe("EVENTS_OF_COMMAND: what the ledger's outcome of a command is typed by", () => {
  it("lists every event decide records for a command, over whole generated histories", () => {
    fc.assert(
      fc.property(arbLeadHistory({ maxCommands: 30 }), (history) => {
        let state: LeadState | undefined;
        for (const { command } of history.attempts) {
          const occurred = command.type === "CaptureLead" ? command.acquiredAt : command.occurredAt;
          const context: DecisionContext = {
            actor: executiveActor,
            now: Date.parse(occurred) + 10 * MINUTE,
            gradingPolicy: defaultGradingPolicy,
            clockToleranceMs: DEFAULT_CLOCK_TOLERANCE_MS,
          };
          const decided = decide(command, state, context);
          if (E.isLeft(decided)) continue;
          expect(unlisted(command, decided.right)).toEqual([]);
          for (const event of decided.right) state = evolve(state, event);
        }
      }),
    );
  });

  it("lists the duplicate flag of a capture (rule 9)", () => {
    const capture = captureLead();
    const decided = decide(capture, undefined, {
      actor: executiveActor,
      now: Date.parse(capture.acquiredAt),
      gradingPolicy: defaultGradingPolicy,
      clockToleranceMs: DEFAULT_CLOCK_TOLERANCE_MS,
      duplicate: {
        matchedOn: "phone",
        existingLeadId: "0b1c2d3e-4f50-4a6b-8c7d-8e9f0a1b2c3d" as LeadId,
        policy: "flag",
      },
    });
    if (E.isLeft(decided)) throw new Error(`refused: ${decided.left.code}`);
    expect(decided.right.map((event) => event.type)).toContain("LeadFlaggedForPurge");
    expect(unlisted(capture, decided.right)).toEqual([]);
  });
});

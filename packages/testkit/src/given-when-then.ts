import { deepStrictEqual, strictEqual } from "node:assert/strict";
import {
  type Actor,
  DEFAULT_CLOCK_TOLERANCE_MS,
  type DecisionContext,
  decide,
  defaultGradingPolicy,
  evolve,
  type GradingPolicy,
  type LeadCommand,
  type LeadErrorCode,
  type LeadEvent,
  type LeadState,
} from "@leadledger/core";
import * as E from "fp-ts/lib/Either.js";

/** What a spec may change about the decision context. */
export interface SpecContext {
  readonly actor: Actor;
  /** When the command is recorded: an ISO instant. */
  readonly now: string;
  readonly gradingPolicy?: GradingPolicy;
  readonly clockToleranceMs?: number;
}

/** The outcome of `when`: assert on it with `then` or `thenFails`. */
export interface SpecOutcome {
  /**
   * The command's events must be exactly these (type and data; metadata is the ledger's).
   * Not named `then`: that would make the outcome a thenable that `await` would call.
   */
  thenEmits(expected: ReadonlyArray<Pick<LeadEvent, "type"> & { readonly data?: unknown }>): void;
  /** The command's events, for assertions of your own. */
  thenEvents(check: (events: readonly LeadEvent[]) => void): void;
  /** The command must be refused with this error code. */
  thenFails(code: LeadErrorCode): void;
}

/**
 * The given/when/then spec of the lead decider: given these past events (as the commands
 * that made them, decided in turn), when this command comes, then these events or this
 * error. Past commands must all succeed, so a spec cannot start from an impossible history.
 *
 * @example
 * given(ctx, captureLead(), flagForPurge()).when(purgeLead({ recheckNote: undefined })).thenFails("purge.recheck-required");
 */
export const given = (context: SpecContext, ...history: readonly LeadCommand[]) => {
  const decisionContext: DecisionContext = {
    actor: context.actor,
    now: Date.parse(context.now),
    gradingPolicy: context.gradingPolicy ?? defaultGradingPolicy,
    clockToleranceMs: context.clockToleranceMs ?? DEFAULT_CLOCK_TOLERANCE_MS,
  };
  let state: LeadState | undefined;
  for (const past of history) {
    const decided = decide(past, state, decisionContext);
    if (E.isLeft(decided)) {
      throw new Error(`given: ${past.type} was refused with ${decided.left.code}`);
    }
    for (const event of decided.right) state = evolve(state, event);
  }
  return {
    /** The state the history folded to. */
    state,
    when: (command: LeadCommand, actor: Actor = context.actor): SpecOutcome => {
      const result = decide(command, state, { ...decisionContext, actor });
      const events = (): readonly LeadEvent[] => {
        if (E.isLeft(result)) {
          throw new Error(`expected events, but ${command.type} failed with ${result.left.code}`);
        }
        return result.right;
      };
      return {
        thenEmits: (expected) => {
          const actual = events();
          deepStrictEqual(
            actual.map((event) => event.type),
            expected.map((event) => event.type),
          );
          expected.forEach((event, index) => {
            if (event.data !== undefined) deepStrictEqual(actual[index]?.data, event.data);
          });
        },
        thenEvents: (check) => check(events()),
        thenFails: (code) => {
          if (E.isRight(result)) {
            throw new Error(
              `expected ${code}, but ${command.type} decided ${result.right.map((e) => e.type).join(", ")}`,
            );
          }
          strictEqual(result.left.code, code);
        },
      };
    },
  };
};

import { captureLead, executiveActor, recordContact, repActor } from "@leadledger/testkit";
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, expectTypeOf, it } from "vitest";
import type { LeadCommand } from "../lead/commands.js";
import type { LeadError } from "../lead/errors.js";
import { createInMemoryKeyStore } from "../privacy/key-store.js";
import { createInMemoryEventStore } from "../store/in-memory.js";
import type { CommandOutcome } from "./ledger.js";
import { createLeadLedger } from "./ledger.js";

// The typed face of `execute` (issue 13): checked by `pnpm typecheck` (the `expectTypeOf`s
// and every `@ts-expect-error` below), and run as an ordinary test.

const NOW = Date.parse("2026-11-20T00:00:00.000Z");
const LEAD = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";

const setup = () => {
  const ledger = createLeadLedger({
    eventStore: createInMemoryEventStore(),
    keyStore: createInMemoryKeyStore(),
    secret: new Uint8Array(32).fill(7),
    clock: () => NOW,
  });
  return ledger;
};
const captured = async (ledger: ReturnType<typeof setup>) => {
  const outcome = await ledger.execute(
    executiveActor,
    captureLead({ lateEntryReason: "typed in after the fair" } as never),
  );
  if (E.isLeft(outcome)) throw new Error(`capture refused: ${outcome.left.code}`);
};

describe("execute, typed by the command", () => {
  it("takes a command literal with plain strings, and types the outcome by its type", async () => {
    const ledger = setup();
    await captured(ledger);
    const outcome = await ledger.execute(
      { id: "rep-1", role: "rep", department: "east" },
      {
        type: "RecordContact",
        commandId: "contact-1",
        leadId: LEAD,
        method: "phone",
        direction: "outbound",
        topics: ["fees"],
        intent: "preliminary",
        outcome: "reached",
        nextFollowUpOn: "2026-11-27",
      },
    );
    expectTypeOf(outcome).toEqualTypeOf<E.Either<LeadError, CommandOutcome<"RecordContact">>>();
    if (E.isLeft(outcome)) throw new Error(`refused: ${outcome.left.code}`);
    expectTypeOf(outcome.right.events[0]?.type).toEqualTypeOf<
      "LeadContacted" | "PurgeFlagCleared" | "LeadGraded" | undefined
    >();
    expect(outcome.right.events.map((event) => event.type)).toContain("LeadContacted");
    // And an outcome of one command is an outcome of any, for code that handles them all.
    expectTypeOf<CommandOutcome<"RecordContact">>().toExtend<CommandOutcome>();
  });

  it("takes a command kept as const, and a command of any type as the whole union", async () => {
    const ledger = setup();
    await captured(ledger);
    const flag = {
      type: "FlagForPurge",
      commandId: "flag-1",
      leadId: LEAD,
      reason: "no-intent-long-silence",
    } as const;
    const flagged = await ledger.execute(repActor, flag);
    expectTypeOf(flagged).toEqualTypeOf<E.Either<LeadError, CommandOutcome<"FlagForPurge">>>();
    expect(E.isRight(flagged) && flagged.right.events[0]?.type).toBe("LeadFlaggedForPurge");
    const anyCommand: LeadCommand = recordContact();
    expectTypeOf(await ledger.execute(repActor, anyCommand)).toEqualTypeOf<
      E.Either<LeadError, CommandOutcome>
    >();
  });

  it("makes a mistake in a typed command a compile error (at run time it would be lost or refused)", async () => {
    const ledger = setup();
    await captured(ledger);
    const contact = {
      commandId: "contact-typo",
      leadId: LEAD,
      method: "phone",
      direction: "outbound",
      topics: [],
      intent: "none",
      outcome: "reached",
    } as const;
    // A misspelt optional field: the decoder drops unknown fields, so only the compiler
    // can say that the follow-up date was never given.
    // @ts-expect-error nextFollowUpOn, misspelt
    const misspelt = await ledger.execute(repActor, {
      type: "RecordContact",
      ...contact,
      nextFollowUpon: "2026-11-27",
    });
    expect(E.isRight(misspelt) && misspelt.right.events.length).toBeGreaterThan(0);
    // @ts-expect-error a contact needs its outcome
    const incomplete = await ledger.execute(repActor, {
      ...contact,
      type: "RecordContact",
      outcome: undefined,
    });
    expect(E.isLeft(incomplete) && incomplete.left.code).toBe("input.invalid");
    // @ts-expect-error no such intent
    const unknownIntent = await ledger.execute(repActor, {
      ...contact,
      type: "RecordContact",
      intent: "keen",
    });
    expect(E.isLeft(unknownIntent) && unknownIntent.left.code).toBe("input.invalid");
    // @ts-expect-error no such command
    const noSuchCommand = await ledger.execute(repActor, {
      ...contact,
      type: "RecordCall",
    });
    expect(E.isLeft(noSuchCommand) && noSuchCommand.left.code).toBe("input.invalid");
    // @ts-expect-error a role the ledger does not know
    const wrongActor = await ledger.execute(
      { id: "rep-1", role: "king", department: "east" },
      { ...contact, type: "RecordContact" },
    );
    expect(E.isLeft(wrongActor) && wrongActor.left.code).toBe("input.invalid");
  });

  it("decodes what the caller has not typed as one command, and types its outcome broadly", async () => {
    const ledger = setup();
    await captured(ledger);
    const body: unknown = JSON.parse(
      JSON.stringify({ ...recordContact(), commandId: "contact-from-a-body" }),
    );
    const actor: unknown = { id: "rep-1", role: "rep", department: "east" };
    const outcome = await ledger.execute(actor, body);
    expectTypeOf(outcome).toEqualTypeOf<E.Either<LeadError, CommandOutcome>>();
    expect(E.isRight(outcome)).toBe(true);
    const loose: Record<string, unknown> & { readonly type: string } = { type: "RecordContact" };
    const refused = await ledger.execute(repActor, loose);
    expect(E.isLeft(refused) && refused.left.code).toBe("input.invalid");
  });
});

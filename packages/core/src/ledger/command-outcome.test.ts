import { captureLead, executiveActor, recordContact, repActor } from "@leadledger/testkit";
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { createInMemoryKeyStore } from "../privacy/key-store.js";
import { createInMemoryEventStore } from "../store/in-memory.js";
import type { CommandOutcome } from "./ledger.js";
import { createLeadLedger } from "./ledger.js";

const ok = <A>(result: E.Either<{ readonly code: string }, A>): A => {
  if (E.isLeft(result)) throw new Error(`refused: ${result.left.code}`);
  return result.right;
};

const setup = () =>
  createLeadLedger({
    eventStore: createInMemoryEventStore(),
    keyStore: createInMemoryKeyStore(),
    secret: new Uint8Array(32).fill(7),
    clock: () => Date.parse("2026-11-20T00:00:00.000Z"),
  });

/** What an embedder's `res.json(outcome)` sends: the outcome through JSON and back. */
const throughJson = (outcome: CommandOutcome): unknown => JSON.parse(JSON.stringify(outcome));

describe("a command's outcome as JSON", () => {
  it("serialises with JSON.stringify: revision a number, position a decimal string, the events whole", async () => {
    const ledger = setup();
    const captured = ok(
      await ledger.execute(
        executiveActor,
        captureLead({ lateEntryReason: "typed in after the fair" } as never),
      ),
    );
    const contacted = ok(await ledger.execute(repActor, recordContact()));
    for (const outcome of [captured, contacted]) {
      expect(throughJson(outcome)).toEqual({
        leadId: outcome.leadId,
        revision: Number(outcome.revision),
        position: outcome.position.toString(10),
        events: JSON.parse(JSON.stringify(outcome.events)),
        replayed: false,
      });
    }
    expect(throughJson(contacted)).toMatchObject({
      revision: expect.any(Number),
      position: expect.stringMatching(/^[1-9][0-9]*$/),
    });
    // The events' times are ISO-8601 instants, as written.
    const json = throughJson(contacted) as { events: { metadata: { recordedAt: unknown } }[] };
    expect(json.events[0]?.metadata.recordedAt).toBe("2026-11-20T00:00:00.000Z");
  });

  it("serialises a replayed outcome the same way", async () => {
    const ledger = setup();
    ok(
      await ledger.execute(
        executiveActor,
        captureLead({ lateEntryReason: "typed in after the fair" } as never),
      ),
    );
    const first = ok(await ledger.execute(repActor, recordContact()));
    const again = ok(await ledger.execute(repActor, recordContact()));
    expect(again.replayed).toBe(true);
    expect(throughJson(again)).toEqual({
      leadId: first.leadId,
      revision: Number(first.revision),
      position: first.position.toString(10),
      events: JSON.parse(JSON.stringify(again.events)),
      replayed: true,
    });
  });

  it("keeps the outcome's own fields as they were: toJSON is not one of them", async () => {
    const ledger = setup();
    const captured = ok(
      await ledger.execute(
        executiveActor,
        captureLead({ lateEntryReason: "typed in after the fair" } as never),
      ),
    );
    expect(Object.keys(captured)).toEqual(["leadId", "revision", "position", "events", "replayed"]);
    expect(typeof captured.revision).toBe("bigint");
  });
});

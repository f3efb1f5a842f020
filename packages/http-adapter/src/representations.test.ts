import {
  createInMemoryEventStore,
  createInMemoryKeyStore,
  createLeadLedger,
  type LeadId,
} from "@leadledger/core";
import {
  captureLead,
  convertLead,
  executiveActor,
  gradeLead,
  purgeLead,
  recordContact,
} from "@leadledger/testkit";
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { historyRepresentation, leadRepresentation } from "./representations.js";

// A manual grade's reason, the contract reference and the correlation ids are personal
// (docs/privacy.md): the answers show them while the lead lives, and not after a purge.

const LEAD_ID = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b" as LeadId;

const ok = <A>(result: E.Either<{ code: string }, A>): A => {
  if (E.isLeft(result)) throw new Error(`expected success, got ${JSON.stringify(result.left)}`);
  return result.right;
};

describe("the personal free text in the answers", () => {
  it("shows a grade's reason, the contract reference and correlation ids until a purge", async () => {
    const ledger = createLeadLedger({
      eventStore: createInMemoryEventStore(),
      keyStore: createInMemoryKeyStore(),
      secret: new Uint8Array(32).fill(3),
      clock: () => Date.parse("2026-11-20T00:00:00.000Z"),
    });
    const lead = { leadId: LEAD_ID };
    for (const command of [
      captureLead({ lateEntryReason: "after the fair", correlationId: "req-capture" } as never),
      recordContact({ ...lead, correlationId: "req-contact" } as never),
      gradeLead({ ...lead, reason: "张伟 will sign" }),
      convertLead({ ...lead, contractRef: "HT-张伟-1" } as never),
    ]) {
      ok(await ledger.execute(executiveActor, command));
    }

    const live = leadRepresentation(ok(await ledger.getLead(executiveActor, LEAD_ID)));
    expect(live.grade).toMatchObject({ basis: { kind: "manual" }, reasons: [] });
    expect(live.grade?.reason).toBe("张伟 will sign");
    expect(live.conversion?.contractRef).toBe("HT-张伟-1");
    const history = historyRepresentation(ok(await ledger.getHistory(executiveActor, LEAD_ID)));
    expect(history.events.map((event) => event.correlationId)).toEqual([
      "req-capture",
      "req-capture",
      "req-contact",
      "req-contact",
      null,
      null,
    ]);

    ok(
      await ledger.execute(
        executiveActor,
        purgeLead({ ...lead, erasureRequest: true, correlationId: "req-purge" } as never),
      ),
    );
    const purged = leadRepresentation(ok(await ledger.getLead(executiveActor, LEAD_ID)));
    expect(purged.grade?.reason).toEqual({ redacted: true });
    expect(purged.conversion?.contractRef).toEqual({ redacted: true });
    const after = historyRepresentation(ok(await ledger.getHistory(executiveActor, LEAD_ID)));
    expect(after.events.every((event) => event.correlationId === null)).toBe(true);
    expect(JSON.stringify({ purged, after })).not.toMatch(/张伟|req-/);
  });
});

import { captureLead, executiveActor, purgeLead } from "@leadledger/testkit";
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import type { CaptureLead } from "../lead/commands.js";
import { TBC } from "../lead/values.js";
import { createInMemoryKeyStore } from "../privacy/key-store.js";
import { createInMemoryEventStore } from "../store/in-memory.js";
import { createLeadLedger } from "./ledger.js";

// A capture with renewed consent takes a suppressed identity over. When that capture fails
// for another reason (its phone is another lead's), what it took over must go back to the
// suppression list: released instead, the person could then be captured without consent.

const NOW = Date.parse("2026-11-20T00:00:00.000Z");
const ERASED = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";
const codeOf = (result: E.Either<{ code: string }, unknown>) =>
  E.isLeft(result) ? result.left.code : "captured";

const capture = (leadId: string, contact: Record<string, unknown>, extra = {}): CaptureLead =>
  captureLead({
    commandId: `capture-${leadId}`,
    leadId,
    lateEntryReason: "typed in after the fair",
    contact: { ...captureLead().contact, ...contact },
    ...extra,
  } as never);

describe("a renewed-consent capture that fails", () => {
  it("leaves the person's suppressed e-mail suppressed", async () => {
    const ledger = createLeadLedger({
      eventStore: createInMemoryEventStore(),
      keyStore: createInMemoryKeyStore(),
      secret: new Uint8Array(32).fill(7),
      clock: () => NOW,
    });
    const email = "wangfang@example.cn";
    expect(codeOf(await ledger.execute(executiveActor, capture(ERASED, { email })))).toBe(
      "captured",
    );
    const erase = purgeLead({
      leadId: ERASED,
      erasureRequest: true,
      recheckNote: undefined,
    } as never);
    expect(codeOf(await ledger.execute(executiveActor, erase))).toBe("captured");
    // Someone else holds the phone the renewed capture brings.
    const phone = "+86 139 0000 1111";
    const other = capture("0b9a8c7d-6e5f-4a3b-8c2d-000000000001", { phone, email: TBC });
    expect(codeOf(await ledger.execute(executiveActor, other))).toBe("captured");

    const renewed = capture(
      "0b9a8c7d-6e5f-4a3b-8c2d-000000000002",
      { phone, email },
      { renewedConsent: { evidence: "signed form, 2026-11-19" } },
    );
    expect(codeOf(await ledger.execute(executiveActor, renewed))).toBe("lead.duplicate");
    const withoutConsent = capture("0b9a8c7d-6e5f-4a3b-8c2d-000000000003", { phone: TBC, email });
    expect(codeOf(await ledger.execute(executiveActor, withoutConsent))).toBe("lead.suppressed");
  });
});

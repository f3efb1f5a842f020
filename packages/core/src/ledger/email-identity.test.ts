import { captureLead, executiveActor, purgeLead } from "@leadledger/testkit";
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import type { CaptureLead } from "../lead/commands.js";
import { TBC } from "../lead/values.js";
import { createInMemoryKeyStore } from "../privacy/key-store.js";
import { createInMemoryEventStore } from "../store/in-memory.js";
import { createLeadLedger } from "./ledger.js";

// Issue 12, item 13: variants of one e-mail address passed duplicate detection and the
// suppression list. Through the ledger: a variant that is a valid address meets the
// first lead; one that is no address at all is refused at the boundary.

const NOW = Date.parse("2026-11-20T00:00:00.000Z");
const FIRST = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";
const ledgerForTest = () =>
  createLeadLedger({
    eventStore: createInMemoryEventStore(),
    keyStore: createInMemoryKeyStore(),
    secret: new Uint8Array(32).fill(7),
    clock: () => NOW,
  });

let captures = 0;
/** A capture of another lead that shares only its e-mail (written `email`) with the first. */
const withEmail = (email: string): CaptureLead => {
  captures++;
  const first = captureLead();
  return captureLead({
    commandId: `capture-variant-${captures}`,
    leadId: `6f1c2a3b-4d5e-4f60-8a7b-${String(captures).padStart(12, "0")}`,
    lateEntryReason: "typed in after the fair",
    contact: { ...first.contact, phone: TBC, email },
  } as never);
};
const codeOf = (result: E.Either<{ code: string }, unknown>) =>
  E.isLeft(result) ? result.left.code : "captured";

describe("one mailbox, however it is written", () => {
  it("is a duplicate of the lead that holds it", async () => {
    const ledger = ledgerForTest();
    const first = captureLead({ lateEntryReason: "typed in after the fair" } as never);
    expect(codeOf(await ledger.execute(executiveActor, first))).toBe("captured");
    for (const variant of [
      "WangFang@Example.CN",
      "wangfang+fair2026@example.cn",
      " wangfang@example.cn ",
      "wаngfаng@example.cn", // Cyrillic а
      "wangfang@ехаmрlе.cn", // Cyrillic е, х, а, р
      "ｗａｎｇｆａｎｇ@example.cn",
    ]) {
      expect(codeOf(await ledger.execute(executiveActor, withEmail(variant))), variant).toBe(
        "lead.duplicate",
      );
    }
    expect(codeOf(await ledger.execute(executiveActor, withEmail("fang.wang@example.cn")))).toBe(
      "captured",
    );
  });

  it("is refused when it is no address: a URI, a trailing dot, an invisible character", async () => {
    const ledger = ledgerForTest();
    for (const text of [
      "mailto:wangfang@example.cn",
      "wangfang@example.cn.",
      "\u200bwangfang@example.cn",
      "wangfang",
      "wang fang@example.cn",
    ]) {
      expect(codeOf(await ledger.execute(executiveActor, withEmail(text))), text).toBe(
        "input.invalid",
      );
    }
  });

  it("stays on the suppression list after the person asked to be erased", async () => {
    const ledger = ledgerForTest();
    const first = captureLead({ lateEntryReason: "typed in after the fair" } as never);
    expect(codeOf(await ledger.execute(executiveActor, first))).toBe("captured");
    const erased = await ledger.execute(
      executiveActor,
      purgeLead({ leadId: FIRST, erasureRequest: true, recheckNote: undefined } as never),
    );
    expect(codeOf(erased)).toBe("captured");
    for (const variant of ["WANGFANG+again@example.cn", "wangfаng@ехample.cn"]) {
      expect(codeOf(await ledger.execute(executiveActor, withEmail(variant))), variant).toBe(
        "lead.suppressed",
      );
    }
  });
});

import { describe, expect, it } from "vitest";
import { leadStreamName } from "../lead/stream-name.js";
import type { LeadId } from "../lead/values.js";
import { reservationStreamName } from "./contact-identity.js";
import { isHashChainedStream } from "./hash-chained-streams.js";

describe("which streams the ledger hash-chains", () => {
  it("is every lead stream and no contact-reservation stream", () => {
    const secret = new Uint8Array(32).fill(1);
    expect(
      isHashChainedStream(leadStreamName("6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b" as LeadId)),
    ).toBe(true);
    for (const identity of [
      { kind: "phone", normalised: "+8613800138000" },
      { kind: "email", normalised: "wangfang@example.cn" },
    ] as const) {
      expect(isHashChainedStream(reservationStreamName(secret, identity))).toBe(false);
    }
  });
});

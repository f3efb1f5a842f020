import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { createInMemoryEventStore } from "../store/in-memory.js";
import type { ContactIdentity } from "./contact-identity.js";
import { reservationStreamName } from "./contact-identity.js";
import {
  CONTACT_RELEASED,
  CONTACT_RESERVED,
  CONTACT_SUPPRESSED,
  releaseIdentity,
  reserveIdentity,
} from "./contact-reservations.js";

const secret = new Uint8Array(32).fill(9);
const phone: ContactIdentity = { kind: "phone", normalised: "+8613800138000" };
const LEAD = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";
let ids = 0;

const context = () => {
  const store = createInMemoryEventStore();
  return {
    store,
    secret,
    commandId: "cmd-1",
    now: Date.parse("2026-11-20T00:00:00Z"),
    newId: () => `00000000-0000-4000-8000-${String(++ids).padStart(12, "0")}`,
    holderStatus: async () => E.right("active" as const),
    abandonedAfterMs: 60_000,
  };
};

const typesOf = async (ctx: ReturnType<typeof context>) => {
  const read = await ctx.store.readStream(reservationStreamName(secret, phone));
  return E.isRight(read) ? read.right.map((event) => event.type) : [];
};

describe("contact reservations", () => {
  it("reserving opens the identity's stream, and reserving again for the same lead is a no-op", async () => {
    const ctx = context();
    const stream = reservationStreamName(secret, phone);
    expect(await reserveIdentity(ctx, phone, LEAD, false)).toEqual(
      E.right({ outcome: "reserved", written: [{ stream, overSuppression: false }] }),
    );
    // Held already: the caller must not give it back if its command fails.
    expect(await reserveIdentity(ctx, phone, LEAD, false)).toEqual(
      E.right({ outcome: "held", written: [] }),
    );
    expect(await typesOf(ctx)).toEqual([CONTACT_RESERVED]);
  });

  it("releasing an identity never reserved writes nothing", async () => {
    const ctx = context();
    expect(E.isRight(await releaseIdentity(ctx, phone, LEAD, false))).toBe(true);
    expect(await typesOf(ctx)).toEqual([]);
  });

  it("suppressing an identity never reserved puts it on the suppression list, not in a reservation", async () => {
    const ctx = context();
    expect(E.isRight(await releaseIdentity(ctx, phone, LEAD, true))).toBe(true);
    expect(await typesOf(ctx)).toEqual([CONTACT_SUPPRESSED]);
  });

  it("a release frees the identity for the next lead", async () => {
    const ctx = context();
    await reserveIdentity(ctx, phone, LEAD, false);
    await releaseIdentity(ctx, phone, LEAD, false);
    const next = "0b9a8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d";
    expect(E.isRight(await reserveIdentity(ctx, phone, next, false))).toBe(true);
    expect(await typesOf(ctx)).toEqual([CONTACT_RESERVED, CONTACT_RELEASED, CONTACT_RESERVED]);
  });
});

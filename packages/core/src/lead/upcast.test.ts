import { recordedHistory } from "@leadledger/testkit";
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import type { JsonObject, RecordedEvent } from "../store/event-store.js";
import { CHAIN_HASH_KEY, chainHash, GENESIS_HASH, verifyHistory } from "../store/hash-chain.js";
import { decodeLeadEventFacts } from "./decode-facts.js";
import { type EventUpcaster, schemaVersionOf, upcastStoredEvent } from "./upcast.js";

// A pretend version 0 of LeadConverted that stored the deal as `value` in cents, and its
// upcaster: the mechanism a real schema change will use.
const centsToMoney: EventUpcaster = {
  type: "LeadConverted",
  fromVersion: 0,
  upcast: (data) => {
    const { value, ...rest } = data as { value: { cents: number; currency: string } };
    return {
      ...rest,
      dealValue: { amount: value.cents / 100, currency: value.currency },
    } as JsonObject;
  },
};

const firstConversion = (): RecordedEvent => {
  for (const event of recordedHistory({ seed: 5, leads: 200 })) {
    if (event.type === "LeadConverted") return event;
  }
  throw new Error("the generator made no conversion");
};

/** The same event as version 0 would have stored it, chained as it was stored. */
const asVersionZero = (event: RecordedEvent): RecordedEvent => {
  const { dealValue, ...rest } = event.data as { dealValue: { amount: number; currency: string } };
  const data = {
    ...rest,
    value: { cents: Math.round(dealValue.amount * 100), currency: dealValue.currency },
  };
  const metadata: JsonObject = { ...event.metadata, schemaVersion: 0 };
  const { [CHAIN_HASH_KEY]: _old, ...unchained } = metadata;
  const hash = chainHash(GENESIS_HASH, { type: event.type, data, metadata: unchained });
  return { ...event, revision: 0n, data, metadata: { ...unchained, [CHAIN_HASH_KEY]: hash } };
};

describe("upcasting stored events", () => {
  it("reads an old version through its upcaster, leaving the stored form and its chain alone", () => {
    const current = firstConversion();
    const old = asVersionZero(current);
    expect(schemaVersionOf(old)).toBe(0);
    expect(E.isLeft(decodeLeadEventFacts(old, []))).toBe(true); // without the upcaster: unreadable
    const read = decodeLeadEventFacts(old, [centsToMoney]);
    if (E.isLeft(read)) throw new Error(read.left.paths.join(", "));
    expect(read.right.type === "LeadConverted" && read.right.data.dealValue).toEqual(
      (current.data as { dealValue: unknown }).dealValue,
    );
    expect(verifyHistory([old]).intact).toBe(true);
  });

  it("returns a current event as it is, without a copy", () => {
    const current = firstConversion();
    expect(upcastStoredEvent(current, [centsToMoney])).toBe(current);
  });

  it("counts an event without a version as version 1", () => {
    const { schemaVersion: _v, ...metadata } = firstConversion().metadata;
    expect(schemaVersionOf({ metadata })).toBe(1);
  });
});

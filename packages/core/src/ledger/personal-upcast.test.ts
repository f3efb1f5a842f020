import { captureLead, executiveActor } from "@leadledger/testkit";
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { REDACTED } from "../lead/events.js";
import { type EventUpcaster, upcastPersonal } from "../lead/upcast.js";
import { openPersonal, SealedPersonal, sealPersonal } from "../privacy/cipher.js";
import { createInMemoryKeyStore, type KeyLookup } from "../privacy/key-store.js";
import type { JsonObject, RecordedEvent } from "../store/event-store.js";
import { createInMemoryEventStore } from "../store/in-memory.js";
import { createLeadLedger } from "./ledger.js";
import { fromStoredEvent } from "./stored-event.js";

// A pretend version 0 of LeadCaptured whose personal part kept the contact channels under
// `channels`, and its upcaster: the mechanism a real change of a personal shape will use.
const channelsToContact: EventUpcaster = {
  type: "LeadCaptured",
  fromVersion: 0,
  upcastPersonal: (personal) => {
    const { channels, ...rest } = personal;
    return { ...rest, contact: channels ?? null } as JsonObject;
  },
};

const capturedWithKey = async (): Promise<{ event: RecordedEvent; key: Uint8Array }> => {
  const events = createInMemoryEventStore();
  const keys = createInMemoryKeyStore();
  const ledger = createLeadLedger({
    eventStore: events,
    keyStore: keys,
    secret: new Uint8Array(32).fill(3),
    clock: () => Date.parse(captureLead().acquiredAt),
  });
  // It names its lead id: only an executive may (issue 12).
  const done = await ledger.execute(executiveActor, captureLead());
  if (E.isLeft(done)) throw new Error(done.left.code);
  const read = await events.readStream(`lead-${done.right.leadId}`);
  const event = E.isRight(read) ? read.right[0] : undefined;
  const key = await keys.getKey(done.right.leadId);
  if (event === undefined || E.isLeft(key) || key.right.status !== "active") {
    throw new Error("no capture");
  }
  return { event, key: key.right.key };
};

/** The same capture as version 0 would have stored it: the old personal shape, sealed. */
const asVersionZero = (event: RecordedEvent, key: Uint8Array): RecordedEvent => {
  const leadId = String(event.metadata.leadId);
  const sealed = event.data.personal;
  if (!SealedPersonal.is(sealed)) throw new Error("no sealed part");
  const { contact, ...rest } = openPersonal(key, leadId, event.type, sealed) as JsonObject;
  return {
    ...event,
    data: {
      ...event.data,
      personal: sealPersonal(key, leadId, event.type, { ...rest, channels: contact ?? null }),
    },
    metadata: { ...event.metadata, schemaVersion: 0 },
  };
};

const active = (key: Uint8Array): KeyLookup => ({ status: "active", key });

describe("upcasting a personal part", () => {
  it("reads an old personal shape through its upcaster once it is opened", async () => {
    const { event, key } = await capturedWithKey();
    const current = fromStoredEvent(event, active(key));
    const old = asVersionZero(event, key);
    const stored = structuredClone(old);
    // Without the upcaster the old shape does not read.
    expect(E.isLeft(fromStoredEvent(old, active(key), true, []))).toBe(true);
    const read = fromStoredEvent(old, active(key), true, [channelsToContact]);
    if (E.isLeft(read) || E.isLeft(current)) throw new Error("unreadable");
    expect(read.right.data).toEqual(current.right.data);
    // What was stored is left as it was.
    expect(old).toEqual(stored);
  });

  it("leaves a purged lead's personal part redacted, and a sealed one sealed", async () => {
    const { event, key } = await capturedWithKey();
    const old = asVersionZero(event, key);
    const purged = fromStoredEvent(old, { status: "destroyed" }, true, [channelsToContact]);
    expect(
      E.isRight(purged) && purged.right.type === "LeadCaptured" && purged.right.data.personal,
    ).toBe(REDACTED);
    const closed = fromStoredEvent(old, active(key), false, [channelsToContact]);
    expect(E.isRight(closed) && "personal" in closed.right.data).toBe(false);
  });

  it("applies every step from the event's version on, in order, and nothing to a current one", () => {
    const steps: EventUpcaster[] = [
      { type: "T", fromVersion: 1, upcastPersonal: (p) => ({ ...p, trail: `${p.trail}>2` }) },
      { type: "T", fromVersion: 0, upcastPersonal: (p) => ({ ...p, trail: `${p.trail}>1` }) },
      { type: "Other", fromVersion: 0, upcastPersonal: () => ({ wrong: true }) },
      { type: "T", fromVersion: 2, upcast: (data) => data },
    ];
    expect(upcastPersonal("T", 0, { trail: "0" }, steps, 3)).toEqual({ trail: "0>1>2" });
    expect(upcastPersonal("T", 1, { trail: "1" }, steps, 3)).toEqual({ trail: "1>2" });
    const current = { trail: "3" };
    expect(upcastPersonal("T", 3, current, steps, 3)).toBe(current);
    // Not an object: left for the personal codec to refuse.
    expect(upcastPersonal("T", 0, "text", steps, 3)).toBe("text");
  });
});

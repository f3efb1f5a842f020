import { createHmac, hkdfSync } from "node:crypto";
import {
  captureLead,
  executiveActor,
  flagForPurge,
  headActor,
  purgeLead,
} from "@leadledger/testkit";
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import type { Actor } from "../access/actor.js";
import type { CaptureLead } from "../lead/commands.js";
import { TBC } from "../lead/values.js";
import { createInMemoryKeyStore } from "../privacy/key-store.js";
import type { EventStore } from "../store/event-store.js";
import { createInMemoryEventStore } from "../store/in-memory.js";
import { RESERVATION_STREAM_PREFIX } from "./contact-identity.js";
import { createLeadLedger } from "./ledger.js";

// Issue 12, item 13 changed the e-mail's normal form, and with it the names of reservation
// streams. What was recorded under the old name (trimmed, lower case) must still count: an
// erased person whose address had a tag must not be captured again without consent, and a
// lead captured then must still be a duplicate. Nothing is migrated: purged leads' addresses
// are gone, so the old names are looked up beside the new ones.

const NOW = Date.parse("2026-11-20T00:00:00.000Z");
const SECRET = new Uint8Array(32).fill(7);
const TYPED = "Wang+Fair@Example.cn";
const OLD_LEAD = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";
const southRep = { id: "rep-south", role: "rep", department: "south" } as Actor;

/** A reservation stream's name as the ledger before the change computed it. */
const nameBefore = (normalised: string): string => {
  const contactSecret = new Uint8Array(
    hkdfSync("sha256", SECRET, "leadledger", "contact-identity", 32),
  );
  const digest = createHmac("sha256", contactSecret).update(`email:${normalised}`).digest("hex");
  return `${RESERVATION_STREAM_PREFIX}${digest}`;
};
const OLD_NAME = nameBefore(TYPED.trim().toLowerCase());
const NEW_NAME = nameBefore("wang@example.cn");

let ids = 0;
const newId = () => `00000000-0000-4000-8000-${String(++ids).padStart(12, "0")}`;

const ledgerOn = (eventStore: EventStore, keyStore = createInMemoryKeyStore()) =>
  createLeadLedger({
    eventStore,
    keyStore,
    secret: SECRET,
    clock: () => NOW,
  });

let captures = 0;
/** A capture of another lead, sharing nothing with the first but the e-mail `email`. */
const withEmail = (email: string, overrides: Partial<CaptureLead> = {}): CaptureLead => {
  captures++;
  const first = captureLead();
  return captureLead({
    commandId: `capture-${captures}`,
    leadId: `0b9a8c7d-6e5f-4a3b-8c2d-${String(captures).padStart(12, "0")}`,
    lateEntryReason: "typed in after the fair",
    contact: { ...first.contact, phone: TBC, email },
    ...overrides,
  } as never);
};

const codeOf = (result: E.Either<{ code: string }, unknown>) =>
  E.isLeft(result) ? result.left.code : "captured";
const lastType = async (store: EventStore, stream: string) => {
  const read = await store.readStream(stream, { direction: "backwards", maxCount: 1 });
  return E.isRight(read) ? read.right[0]?.type : "unreadable";
};

/** A suppression as the ledger before the change recorded an erasure request. */
const suppressedAsBefore = async (store: EventStore) => {
  const appended = await store.appendToStream(
    OLD_NAME,
    [
      {
        id: newId(),
        type: "ContactSuppressed",
        data: { leadId: OLD_LEAD },
        metadata: { recordedAt: "2026-10-01T00:00:00.000Z", commandId: "purge-1" },
      },
    ],
    { expectedRevision: "any" },
  );
  if (E.isLeft(appended)) throw new Error("could not record the old suppression");
};

/**
 * A lead captured with `TYPED` by the ledger before the change: the store files its
 * e-mail's reservation under the old name, as that ledger named it. Then the ledger is
 * upgraded (a new one is started on the same store).
 */
const capturedBefore = async () => {
  const inner = createInMemoryEventStore();
  const asBefore = (stream: string) => (stream === NEW_NAME ? OLD_NAME : stream);
  const before: EventStore = {
    ...inner,
    appendToStream: (stream, events, options) =>
      inner.appendToStream(asBefore(stream), events, options),
    readStream: (stream, options) => inner.readStream(asBefore(stream), options),
  };
  const keyStore = createInMemoryKeyStore();
  const capture = withEmail(TYPED, { leadId: OLD_LEAD } as never);
  expect(codeOf(await ledgerOn(before, keyStore).execute(executiveActor, capture))).toBe(
    "captured",
  );
  expect(await lastType(inner, OLD_NAME)).toBe("ContactReserved");
  expect(await lastType(inner, NEW_NAME)).toBeUndefined();
  return { store: inner, ledger: ledgerOn(inner, keyStore) };
};

describe("a suppression recorded under the e-mail's old name", () => {
  it("refuses a capture of the address as it was typed, in any case or spacing", async () => {
    const store = createInMemoryEventStore();
    await suppressedAsBefore(store);
    const ledger = ledgerOn(store);
    for (const typed of [TYPED, " WANG+FAIR@example.CN "]) {
      expect(codeOf(await ledger.execute(executiveActor, withEmail(typed))), typed).toBe(
        "lead.suppressed",
      );
    }
    expect(await lastType(store, NEW_NAME)).toBeUndefined();
  });

  it("gives way to renewed consent, which ends it as it ends a suppression under the new name", async () => {
    const store = createInMemoryEventStore();
    await suppressedAsBefore(store);
    const ledger = ledgerOn(store);
    const renewed = withEmail(TYPED, {
      renewedConsent: { evidence: "signed form, 2026-11-19" },
    } as never);
    expect(codeOf(await ledger.execute(executiveActor, renewed))).toBe("captured");
    expect(await lastType(store, OLD_NAME)).toBe("ContactReserved");
    expect(codeOf(await ledger.execute(executiveActor, withEmail(TYPED)))).toBe("lead.duplicate");
    // The renewed lead is purged for no intent: the person is free again under both names.
    const leadId = renewed.leadId as string;
    expect(codeOf(await ledger.execute(headActor, flagForPurge({ leadId } as never)))).toBe(
      "captured",
    );
    expect(
      codeOf(await ledger.execute(headActor, purgeLead({ leadId, commandId: "purge-r" } as never))),
    ).toBe("captured");
    expect(await lastType(store, OLD_NAME)).toBe("ContactReleased");
    expect(await lastType(store, NEW_NAME)).toBe("ContactReleased");
    expect(codeOf(await ledger.execute(executiveActor, withEmail(TYPED)))).toBe("captured");
  });
});

describe("a lead whose e-mail was reserved under its old name", () => {
  it("is a duplicate of a new capture of the address, named only to who reaches it", async () => {
    const { ledger } = await capturedBefore();
    const byExecutive = await ledger.execute(executiveActor, withEmail(TYPED));
    expect(E.isLeft(byExecutive) && byExecutive.left).toMatchObject({
      code: "lead.duplicate",
      existingLeadId: OLD_LEAD,
      matchedOn: "email",
    });
    const bySouth = await ledger.execute(
      southRep,
      withEmail(TYPED, {
        leadId: undefined,
        owner: { repId: "rep-south", department: "south" },
      } as never),
    );
    expect(E.isLeft(bySouth) && bySouth.left).toEqual({
      code: "lead.duplicate",
      matchedOn: "email",
    });
  });

  it("gives the old name up when it is purged, and suppresses it on an erasure request", async () => {
    for (const erasureRequest of [false, true]) {
      const { store, ledger } = await capturedBefore();
      if (!erasureRequest) {
        expect(codeOf(await ledger.execute(headActor, flagForPurge()))).toBe("captured");
      }
      const purge = purgeLead(
        (erasureRequest ? { erasureRequest, recheckNote: undefined } : {}) as never,
      );
      expect(codeOf(await ledger.execute(headActor, purge))).toBe("captured");
      expect(await lastType(store, OLD_NAME)).toBe(
        erasureRequest ? "ContactSuppressed" : "ContactReleased",
      );
      expect(codeOf(await ledger.execute(executiveActor, withEmail(TYPED)))).toBe(
        erasureRequest ? "lead.suppressed" : "captured",
      );
    }
  });
});

describe("an address whose old and new names agree", () => {
  it("costs one append per identity to capture, and no read", async () => {
    const inner = createInMemoryEventStore();
    const calls: string[] = [];
    const counted: EventStore = {
      ...inner,
      appendToStream: (stream, events, options) => {
        if (stream.startsWith(RESERVATION_STREAM_PREFIX)) calls.push("append");
        return inner.appendToStream(stream, events, options);
      },
      readStream: (stream, options) => {
        if (stream.startsWith(RESERVATION_STREAM_PREFIX)) calls.push("read");
        return inner.readStream(stream, options);
      },
    };
    const ledger = ledgerOn(counted);
    const capture = captureLead({ lateEntryReason: "typed in after the fair" } as never);
    expect(codeOf(await ledger.execute(executiveActor, capture))).toBe("captured");
    // The phone and the e-mail wangfang@example.cn: one new stream each.
    expect(calls).toEqual(["append", "append"]);
  });
});

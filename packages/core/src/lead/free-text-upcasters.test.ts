import { captureLead } from "@leadledger/testkit";
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { fromStoredEvent } from "../ledger/stored-event.js";
import { sealPersonal } from "../privacy/cipher.js";
import type { KeyLookup } from "../privacy/key-store.js";
import type { JsonObject, RecordedEvent } from "../store/event-store.js";
import { decodeLeadEventFacts } from "./decode-facts.js";
import { type LeadEvent, REDACTED } from "./events.js";
import { upcastStoredEvent } from "./upcast.js";

// Events of schema version 1, as the ledger stored them before free text was sealed: the
// text in the clear in the plain part, and the correlation id in the metadata. They must
// still read, with that text where version 2 keeps it (the personal part), and hidden
// after a purge like the rest of the personal data.

const LEAD_ID = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";
const KEY = new Uint8Array(32).fill(7);
const active: KeyLookup = { status: "active", key: KEY };
const destroyed: KeyLookup = { status: "destroyed" };

const versionOne = (
  type: string,
  data: JsonObject,
  metadata: JsonObject = { correlationId: `corr-${type}-张伟` },
): RecordedEvent => ({
  id: `event-${type}`,
  type,
  data,
  metadata: {
    leadId: LEAD_ID,
    occurredAt: "2026-11-05T01:00:00.000Z",
    recordedAt: "2026-11-05T01:00:00.000Z",
    actor: { id: "head-east", role: "head", department: "east" },
    commandId: `command-${type}`,
    schemaVersion: 1,
    ...metadata,
  },
  stream: `lead-${LEAD_ID}`,
  revision: 0n,
  position: 1n,
});

const capture = captureLead();
const sealed = (type: string, personal: JsonObject) => sealPersonal(KEY, LEAD_ID, type, personal);
const owner = { repId: "rep-1", department: "east" };

const cases: ReadonlyArray<{
  readonly stored: RecordedEvent;
  /** The plain part once read: without the free text. */
  readonly plain: JsonObject;
  /** The personal part once opened: the free text among it. */
  readonly personal: JsonObject;
}> = [
  {
    stored: versionOne("LeadCaptured", {
      partyKind: "company",
      needs: capture.needs,
      source: capture.source,
      classification: capture.classification,
      owner,
      lateEntryReason: "typed in late because 张伟 was away",
      personal: sealed("LeadCaptured", { party: capture.party, contact: capture.contact }),
    } as unknown as JsonObject),
    plain: {
      partyKind: "company",
      needs: capture.needs,
      source: capture.source,
      classification: capture.classification,
      owner,
    } as unknown as JsonObject,
    personal: {
      party: capture.party,
      contact: capture.contact,
      lateEntryReason: "typed in late because 张伟 was away",
      correlationId: "corr-LeadCaptured-张伟",
    } as unknown as JsonObject,
  },
  {
    stored: versionOne("LeadGraded", {
      grade: "high",
      basis: { kind: "manual", reason: "张伟 promised to sign" },
      reasons: ["张伟 promised to sign"],
      valueTier: "key",
    }),
    plain: { grade: "high", basis: { kind: "manual" }, reasons: [], valueTier: "key" },
    personal: { reason: "张伟 promised to sign", correlationId: "corr-LeadGraded-张伟" },
  },
  {
    stored: versionOne("LeadConverted", {
      contractRef: "HT-张伟-0042",
      dealValue: { amount: 10, currency: "CNY" },
    }),
    plain: { dealValue: { amount: 10, currency: "CNY" } },
    personal: { contractRef: "HT-张伟-0042", correlationId: "corr-LeadConverted-张伟" },
  },
  {
    stored: versionOne("LeadAssigned", {
      from: owner,
      to: { repId: "rep-2", department: "east" },
      reason: "张伟 asked for a woman rep",
    }),
    plain: { from: owner, to: { repId: "rep-2", department: "east" } },
    personal: { reason: "张伟 asked for a woman rep", correlationId: "corr-LeadAssigned-张伟" },
  },
  {
    stored: versionOne("LeadAmended", {
      reason: "张伟's wife confirmed the fax",
      classification: { region: "east-china" },
      personal: sealed("LeadAmended", { contact: { fax: "+86 571 8888 0000" } }),
    }),
    plain: { classification: { region: "east-china" } },
    personal: {
      contact: { fax: "+86 571 8888 0000" },
      reason: "张伟's wife confirmed the fax",
      correlationId: "corr-LeadAmended-张伟",
    },
  },
  {
    stored: versionOne("PurgeFlagCleared", { cause: "contact" }),
    plain: { cause: "contact" },
    personal: { correlationId: "corr-PurgeFlagCleared-张伟" },
  },
];

const read = (stored: RecordedEvent, key: KeyLookup): LeadEvent => {
  const event = fromStoredEvent(stored, key);
  if (E.isLeft(event)) throw new Error(event.left);
  return event.right;
};

const withoutPersonal = (event: LeadEvent): JsonObject => {
  const { personal: _personal, ...plain } = event.data as { personal?: unknown };
  return plain as JsonObject;
};

describe("reading events of schema version 1, which kept free text in the clear", () => {
  it.each(cases)("reads $stored.type's free text in its personal part", ({ stored, ...want }) => {
    const before = structuredClone(stored);
    const event = read(stored, active);
    expect(withoutPersonal(event)).toEqual(want.plain);
    expect(event.data.personal).toEqual(want.personal);
    // What was stored stays as it was: history is never rewritten, the chain still holds.
    expect(stored).toEqual(before);
  });

  it.each(cases)("hides $stored.type's free text after a purge", ({ stored }) => {
    const event = read(stored, destroyed);
    expect(event.data.personal).toBe(REDACTED);
    expect(JSON.stringify(event.data)).not.toContain("张伟");
  });

  it.each(cases)("keeps $stored.type's free text out of the facts", ({ stored, plain }) => {
    const facts = decodeLeadEventFacts(stored);
    if (E.isLeft(facts)) throw new Error(facts.left.paths.join(", "));
    expect(facts.right.data).toEqual(plain);
    // Projections read the plain part through the same upcasters.
    expect(JSON.stringify(upcastStoredEvent(stored).data)).not.toContain("张伟");
  });

  it("leaves a rule grade's reasons, the policy's own text, in the plain part", () => {
    const rule = versionOne(
      "LeadGraded",
      {
        grade: "medium",
        basis: { kind: "rule", policy: "leadledger.default", version: "1.0.0" },
        reasons: ["asked about fees"],
      },
      {},
    );
    expect(read(rule, active).data).toEqual(rule.data);
    // Nothing personal to hide: a purge leaves it as it was.
    expect(read(rule, destroyed).data).toEqual(rule.data);
  });

  it("counts an event without a version as version 1", () => {
    const { schemaVersion: _version, ...metadata } = cases[2]?.stored.metadata ?? {};
    const unversioned = { ...(cases[2]?.stored as RecordedEvent), metadata };
    expect(read(unversioned, active).data.personal).toEqual(cases[2]?.personal);
  });
});

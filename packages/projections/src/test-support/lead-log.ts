import type { JsonObject, RecordedEvent } from "@leadledger/core";

/** A hand-written lead's events for tests: times as ISO strings, facts as given. */
export interface ScriptedEvent {
  readonly type: string;
  readonly at: string;
  /** When it was recorded; defaults to `at`. */
  readonly recordedAt?: string;
  readonly data?: JsonObject;
}

const TBC = { tbc: true };

/** The plain facts of a capture, with the attributes that the views group by. */
export const capture = (options: {
  readonly rep: string;
  readonly department: string;
  readonly channel?: string;
  readonly sourceClass?: string;
  readonly region?: string;
  readonly industry?: string;
}): JsonObject => ({
  partyKind: "company",
  needs: {
    investmentFields: TBC,
    investmentAmount: TBC,
    investmentHorizon: TBC,
    businessCategory: TBC,
    site: { area: TBC, location: TBC, fitOut: TBC },
  },
  source: {
    channel: options.channel ?? TBC,
    sourceClass: options.sourceClass ?? TBC,
    inquiryMode: "inbound",
  },
  classification: {
    industry: options.industry ?? TBC,
    companySize: TBC,
    needType: TBC,
    region: options.region ?? TBC,
  },
  owner: { repId: options.rep, department: options.department },
  personal: { alg: "A256GCM", iv: "AA", ct: "AA" },
});

export const contact = (nextFollowUpOn?: string): JsonObject => ({
  method: "phone",
  direction: "outbound",
  topics: ["general-info"],
  intent: "preliminary",
  requirementsFit: "unknown",
  outcome: nextFollowUpOn === undefined ? "reached" : "follow-up-agreed",
  ...(nextFollowUpOn === undefined ? {} : { nextFollowUpOn }),
});

export const grade = (value: "high" | "medium" | "low"): JsonObject => ({
  grade: value,
  basis: { kind: "manual", reason: "test" },
  reasons: [],
});

export const conversion = (amount: number): JsonObject => ({
  contractRef: "HT-1",
  dealValue: { amount, currency: "CNY" },
});

/** Builds a global log from scripted leads, in the order of their recording times. */
export const leadLog = (
  leads: readonly { readonly leadId: string; readonly events: readonly ScriptedEvent[] }[],
): RecordedEvent[] => {
  const all = leads.flatMap(({ leadId, events }) =>
    events.map((event, revision) => ({ leadId, event, revision })),
  );
  all.sort((a, b) =>
    (a.event.recordedAt ?? a.event.at).localeCompare(b.event.recordedAt ?? b.event.at),
  );
  return all.map(({ leadId, event, revision }, index) => ({
    id: `event-${index + 1}`,
    type: event.type,
    data: event.data ?? {},
    metadata: {
      leadId,
      occurredAt: event.at,
      recordedAt: event.recordedAt ?? event.at,
      actor: { id: "someone", role: "rep", department: "east" },
      commandId: `command-${index + 1}`,
      hash: "",
      schemaVersion: 1,
    },
    stream: `lead-${leadId}`,
    revision: BigInt(revision),
    position: BigInt(index + 1),
  }));
};

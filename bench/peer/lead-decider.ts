// The lead as a user of emmett would write it: emmett's Decider style (decide, evolve,
// initialState over plain readonly types), the same capture fields and contacts as the
// ledger's, and nothing the ledger adds (no decoding, authorization, idempotency,
// encryption, hash chain, duplicate reservations). Two evolves: the idiomatic one keeps the
// contacts in the state, copied immutably as emmett's samples do; the tuned one keeps only
// what `decide` reads, so that replaying a long stream costs no copies.
import type { Command, Event } from "@event-driven-io/emmett";
import type { captureLead } from "@leadledger/testkit";

type Capture = ReturnType<typeof captureLead>;

/** The ~20 fields of a capture, as the ledger's testkit builds them. */
export type CapturedFields = Pick<
  Capture,
  "party" | "contact" | "needs" | "source" | "classification" | "owner" | "acquiredAt"
>;

/** A contact as RecordContact carries it, structured facts only. */
export type ContactFacts = {
  readonly occurredAt: string;
  readonly method: string;
  readonly direction: string;
  readonly topics: readonly string[];
  readonly intent: string;
  readonly outcome: string;
};

export type CaptureLeadCommand = Command<
  "CaptureLead",
  { readonly leadId: string } & CapturedFields
>;
export type RecordContactCommand = Command<
  "RecordContact",
  { readonly leadId: string } & ContactFacts
>;
export type PeerLeadCommand = CaptureLeadCommand | RecordContactCommand;

export type LeadCaptured = Event<
  "LeadCaptured",
  { readonly leadId: string; readonly capturedAt: string } & CapturedFields
>;
export type ContactRecorded = Event<
  "ContactRecorded",
  { readonly leadId: string; readonly recordedAt: string } & ContactFacts
>;
export type PeerLeadEvent = LeadCaptured | ContactRecorded;

/** Idiomatic state: the lead and its contacts, replaced (never mutated) by each event. */
export type PeerLead =
  | { readonly status: "Empty" }
  | {
      readonly status: "Captured";
      readonly lead: CapturedFields;
      readonly contacts: readonly ContactFacts[];
    };

/** Tuned state: only what `decide` reads. */
export type PeerLeadSummary =
  | { readonly status: "Empty" }
  | { readonly status: "Captured"; readonly acquiredAt: string; readonly contactCount: number };

type DecidableState = PeerLead | PeerLeadSummary;

const acquiredAtOf = (state: DecidableState): string | undefined => {
  if (state.status === "Empty") return undefined;
  return "lead" in state ? state.lead.acquiredAt : state.acquiredAt;
};

/** The decision, shared by both evolves: a lead is captured once; contacts need a lead. */
export const decide = (
  command: PeerLeadCommand,
  state: DecidableState,
  now: string,
): PeerLeadEvent => {
  if (command.type === "CaptureLead") {
    if (state.status !== "Empty") throw new Error("lead.already-captured");
    return { type: "LeadCaptured", data: { ...command.data, capturedAt: now } };
  }
  const acquiredAt = acquiredAtOf(state);
  if (acquiredAt === undefined) throw new Error("lead.not-found");
  if (command.data.occurredAt < acquiredAt) throw new Error("contact.before-acquisition");
  return { type: "ContactRecorded", data: { ...command.data, recordedAt: now } };
};

export const initialState = (): PeerLead => ({ status: "Empty" });
export const initialSummary = (): PeerLeadSummary => ({ status: "Empty" });

const contactFacts = (data: ContactRecorded["data"]): ContactFacts => ({
  occurredAt: data.occurredAt,
  method: data.method,
  direction: data.direction,
  topics: data.topics,
  intent: data.intent,
  outcome: data.outcome,
});

/** Idiomatic evolve: a new state per event, the contacts array copied with a spread. */
export const evolve = (state: PeerLead, event: PeerLeadEvent): PeerLead => {
  switch (event.type) {
    case "LeadCaptured": {
      const { leadId: _leadId, capturedAt: _capturedAt, ...lead } = event.data;
      return { status: "Captured", lead, contacts: [] };
    }
    case "ContactRecorded":
      if (state.status === "Empty") return state;
      return { ...state, contacts: [...state.contacts, contactFacts(event.data)] };
  }
};

/** Tuned evolve: the count only, no copy of the lead's history per event. */
export const evolveSummary = (state: PeerLeadSummary, event: PeerLeadEvent): PeerLeadSummary => {
  switch (event.type) {
    case "LeadCaptured":
      return { status: "Captured", acquiredAt: event.data.acquiredAt, contactCount: 0 };
    case "ContactRecorded":
      if (state.status === "Empty") return state;
      return { ...state, contactCount: state.contactCount + 1 };
  }
};

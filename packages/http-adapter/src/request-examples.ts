import type { LeadCommandType } from "@leadledger/core";

// The request examples the OpenAPI document shows (and Swagger UI fills in): each is a
// request the server accepts as it stands, on the demo organisation's leads, whenever it
// is sent. So none names a business time (`occurredAt` defaults to the moment the ledger
// records the command, a fixed one would one day lie in the future or before the lead) or
// a next follow-up day (it would one day lie in the past); a capture's acquisition lies in
// the past and comes with its late-entry reason. A test sends every one of them.

/** One named example of a body. */
export interface BodyExample {
  /** Its key among the operation's examples. */
  readonly name: string;
  readonly summary: string;
  readonly value: Readonly<Record<string, unknown>>;
}

const TBC = { tbc: true } as const;

/** The examples of each command's body, by command. */
export const COMMAND_EXAMPLES: Readonly<Record<LeadCommandType, readonly BodyExample[]>> = {
  CaptureLead: [
    {
      name: "trade-fair",
      summary: "A company met at a trade fair, some details still to be confirmed",
      value: {
        acquiredAt: "2026-03-02T09:00:00+08:00",
        lateEntryReason: "Entered from the fair's business cards a week later",
        party: {
          kind: "company",
          companyName: "杭州明远餐饮管理有限公司",
          registeredAddress: "杭州市西湖区文三路 90 号",
          legalRepresentative: "陈明",
          businessScope: "餐饮管理",
          foundedOn: "2015-06-18",
          registeredCapital: { amount: 5_000_000, currency: "CNY" },
          employees: 120,
          annualRevenue: TBC,
        },
        contact: {
          phone: "+86 137 0571 8800",
          email: "chen.ming@example.cn",
          fax: TBC,
          messaging: { platform: "WeChat", handle: "chenming_hz" },
          address: TBC,
        },
        needs: {
          investmentFields: ["catering"],
          investmentAmount: { min: 500_000, max: 1_500_000, currency: "CNY" },
          investmentHorizon: "3 years",
          businessCategory: "tea drinks",
          site: {
            area: { minSquareMetres: 60, maxSquareMetres: 120 },
            location: "Hangzhou, street front",
            fitOut: TBC,
          },
        },
        source: { channel: "exhibition", sourceClass: "own", inquiryMode: "inbound" },
        classification: {
          industry: "catering",
          companySize: "medium",
          needType: "general",
          region: "east-china",
        },
        owner: { repId: "rep-zhang-wei", department: "east" },
      },
    },
    {
      name: "first-call",
      summary:
        "A capture done in a minute: who, one way to reach them and the channel; every other field is recorded as to be confirmed, acquired now, owned by the calling rep or head",
      value: {
        party: { kind: "individual", name: "李娜" },
        contact: { phone: "+86 139 0571 2200" },
        source: { channel: "inbound-inquiry" },
      },
    },
  ],
  RecordContact: [
    {
      name: "call",
      summary: "A call about fees and a site, with a preliminary intent",
      value: {
        method: "phone",
        direction: "outbound",
        topics: ["fees", "site"],
        intent: "preliminary",
        outcome: "follow-up-agreed",
        requirementsFit: "meets",
        summary: "Asked about the franchise fee and a street-front site",
        nextStep: "Send the fee schedule",
      },
    },
  ],
  RecordVisit: [
    {
      name: "inspection",
      summary: "The lead inspected a store on site and stated its intent",
      value: {
        kind: "inspection",
        intent: "stated",
        requirementsFit: "meets",
        topics: ["site", "contract-terms"],
        purpose: "Inspect the flagship store",
        objective: "Agree on a site",
        result: "Chose the street-front site; asked for the contract draft",
      },
    },
  ],
  GradeLead: [
    {
      name: "manual",
      summary: "By hand: pins the grade (a reason is required)",
      value: {
        by: "manual",
        grade: "high",
        reason: "Stated intent after the site inspection",
        valueTier: "key",
      },
    },
    {
      name: "rule",
      summary: "By rule: the ledger's policy decides from now on",
      value: { by: "rule" },
    },
  ],
  ConvertLead: [
    {
      name: "signed",
      summary: "The contract was signed",
      value: { contractRef: "HT-2026-0042", dealValue: { amount: 1_200_000, currency: "CNY" } },
    },
  ],
  AssignLead: [
    {
      name: "handover",
      summary: "Hand the lead to another rep of the department",
      value: {
        to: { repId: "rep-li-na", department: "east" },
        reason: "The current owner is on leave",
      },
    },
  ],
  AmendLead: [
    {
      name: "fill-in",
      summary: "Fill in details that were to be confirmed",
      value: {
        reason: "Confirmed on the phone",
        classification: { companySize: "large" },
        contact: { fax: "+86 571 8888 0001" },
      },
    },
  ],
  FlagForPurge: [
    {
      name: "long-silence",
      summary: "A candidate for purge: no intent after a long silence",
      value: { reason: "no-intent-long-silence", note: "No answer to three calls" },
    },
  ],
  ClearPurgeFlag: [
    {
      name: "still-viable",
      summary: "The re-check found the lead still viable",
      value: { note: "Answered on the re-check: still interested" },
    },
  ],
  PurgeLead: [
    {
      name: "after-recheck",
      summary: "Purge a flagged lead after its re-check",
      value: { recheckNote: "Re-checked: no answer since the flag" },
    },
    {
      name: "erasure-request",
      summary: "The person asked to be erased: purged at once, no flag needed",
      value: { erasureRequest: true },
    },
  ],
};

/** The `Idempotency-Key` each command's example is shown with: a key of the caller's own. */
export const idempotencyKeyExample = (type: LeadCommandType): string =>
  `example-${type.replace(/[A-Z]/g, (c, i: number) => (i === 0 ? "" : "-") + c.toLowerCase())}-1`;

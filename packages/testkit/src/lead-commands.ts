import {
  type Actor,
  type CompleteCapture,
  type Instant,
  type LeadCommand,
  type LeadCommandInput,
  type LeadCommandType,
  type LeadId,
  TBC,
} from "@leadledger/core";

// Builders of well-formed commands with plain defaults, for specs, examples and docs.
// Each takes overrides, so a test names only what it is about.

/** A rep of department "east". */
export const repActor: Actor = { id: "rep-1", role: "rep", department: "east" } as Actor;
/** Another rep of department "east". */
export const otherRepActor: Actor = { id: "rep-2", role: "rep", department: "east" } as Actor;
/** The head of department "east". */
export const headActor: Actor = { id: "head-east", role: "head", department: "east" } as Actor;
/** An executive. */
export const executiveActor: Actor = { id: "exec-1", role: "executive", department: "hq" } as Actor;

export const instant = (text: string): Instant => text as Instant;

/**
 * What a builder takes: any of the command's fields but its `type`, written as a caller
 * writes them (plain strings, as `execute` takes them); `undefined` leaves a default out.
 */
export type CommandOverrides<T extends LeadCommandType> =
  Extract<LeadCommandInput, { readonly type: T }> extends infer C
    ? C extends unknown
      ? { readonly [K in Exclude<keyof C, "type">]?: C[K] | undefined }
      : never
    : never;

/** A company lead captured by `repActor`, with some fields "to be confirmed". */
export const captureLead = (overrides: CommandOverrides<"CaptureLead"> = {}): CompleteCapture =>
  ({
    type: "CaptureLead",
    commandId: "capture-1",
    leadId: "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b",
    acquiredAt: "2026-11-02T01:00:00.000Z",
    party: {
      kind: "company",
      companyName: "杭州味道餐饮管理有限公司",
      registeredAddress: "杭州市西湖区文三路 90 号",
      legalRepresentative: "王芳",
      businessScope: "餐饮管理",
      foundedOn: "2015-06-01",
      registeredCapital: { amount: 5_000_000, currency: "CNY" },
      employees: 120,
      annualRevenue: TBC,
    },
    contact: {
      phone: "+86 138 0013 8000",
      email: "wangfang@example.cn",
      fax: TBC,
      messaging: { platform: "WeChat", handle: "wangfang_hz" },
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
    owner: { repId: "rep-1", department: "east" },
    ...overrides,
  }) as CompleteCapture;

const leadOf = (overrides: { readonly leadId?: string | undefined }) =>
  (overrides.leadId ?? "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b") as LeadId;

/** A phone call in which the lead asked about fees and stated a preliminary intent. */
export const recordContact = (overrides: CommandOverrides<"RecordContact"> = {}): LeadCommand =>
  ({
    type: "RecordContact",
    commandId: "contact-1",
    leadId: leadOf(overrides),
    occurredAt: "2026-11-02T05:00:00.000Z",
    method: "phone",
    direction: "outbound",
    topics: ["fees"],
    intent: "preliminary",
    outcome: "reached",
    ...overrides,
  }) as LeadCommand;

/** An on-site inspection at which the lead stated its intent. */
export const recordVisit = (overrides: CommandOverrides<"RecordVisit"> = {}): LeadCommand =>
  ({
    type: "RecordVisit",
    commandId: "visit-1",
    leadId: leadOf(overrides),
    occurredAt: "2026-11-05T06:00:00.000Z",
    kind: "inspection",
    intent: "stated",
    ...overrides,
  }) as LeadCommand;

/** A manual grade with a reason. */
export const gradeLead = (
  overrides: Record<string, unknown> & { leadId?: LeadId } = {},
): LeadCommand =>
  ({
    type: "GradeLead",
    commandId: "grade-1",
    leadId: leadOf(overrides),
    occurredAt: "2026-11-05T07:00:00.000Z",
    by: "manual",
    grade: "high",
    reason: "signed a letter of intent",
    ...overrides,
  }) as LeadCommand;

/** A signed contract. */
export const convertLead = (overrides: CommandOverrides<"ConvertLead"> = {}): LeadCommand =>
  ({
    type: "ConvertLead",
    commandId: "convert-1",
    leadId: leadOf(overrides),
    occurredAt: "2026-11-10T02:00:00.000Z",
    contractRef: "HT-2026-0042",
    dealValue: { amount: 980_000, currency: "CNY" },
    ...overrides,
  }) as LeadCommand;

/** A reassignment. */
export const assignLead = (overrides: CommandOverrides<"AssignLead"> = {}): LeadCommand =>
  ({
    type: "AssignLead",
    commandId: "assign-1",
    leadId: leadOf(overrides),
    occurredAt: "2026-11-03T02:00:00.000Z",
    to: { repId: "rep-2", department: "east" },
    ...overrides,
  }) as LeadCommand;

/** An amendment that fills in the fax number. */
export const amendLead = (overrides: CommandOverrides<"AmendLead"> = {}): LeadCommand =>
  ({
    type: "AmendLead",
    commandId: "amend-1",
    leadId: leadOf(overrides),
    occurredAt: "2026-11-03T03:00:00.000Z",
    reason: "confirmed on the phone",
    contact: { fax: "+86 571 8888 0000" },
    ...overrides,
  }) as LeadCommand;

/** A purge flag: no intent after a long silence. */
export const flagForPurge = (overrides: CommandOverrides<"FlagForPurge"> = {}): LeadCommand =>
  ({
    type: "FlagForPurge",
    commandId: "flag-1",
    leadId: leadOf(overrides),
    occurredAt: "2026-11-06T02:00:00.000Z",
    reason: "no-intent-long-silence",
    ...overrides,
  }) as LeadCommand;

/** A re-check that found the lead still viable. */
export const clearPurgeFlag = (overrides: CommandOverrides<"ClearPurgeFlag"> = {}): LeadCommand =>
  ({
    type: "ClearPurgeFlag",
    commandId: "clear-1",
    leadId: leadOf(overrides),
    occurredAt: "2026-11-07T02:00:00.000Z",
    ...overrides,
  }) as LeadCommand;

/** A purge after a re-check. */
export const purgeLead = (overrides: CommandOverrides<"PurgeLead"> = {}): LeadCommand =>
  ({
    type: "PurgeLead",
    commandId: "purge-1",
    leadId: leadOf(overrides),
    occurredAt: "2026-11-08T02:00:00.000Z",
    recheckNote: "called twice, number no longer in service",
    ...overrides,
  }) as LeadCommand;

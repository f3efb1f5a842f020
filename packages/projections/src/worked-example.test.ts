import { describe, expect, it } from "vitest";
import { summarizeLog } from "./summary-batch.js";
import { capture, contact, conversion, grade, leadLog } from "./test-support/lead-log.js";
import { conversionRate } from "./views/conversion-rate.js";
import { followUpCycle } from "./views/follow-up-cycle.js";
import { followUpsDue } from "./views/follow-ups-due.js";
import { pipeline } from "./views/pipeline.js";
import { repPeriodReport } from "./views/rep-period-report.js";
import { timeliness } from "./views/timeliness.js";

// The worked example of docs/metrics.md, lead by lead. Every number asserted here is
// written out by hand in that document.
const id = (n: number) => `00000000-0000-4000-a000-00000000000${n}`;
const log = leadLog([
  {
    leadId: id(1),
    events: [
      {
        type: "LeadCaptured",
        at: "2026-03-02T09:00:00Z",
        recordedAt: "2026-03-02T10:00:00Z",
        data: capture({
          rep: "wang",
          department: "east",
          channel: "exhibition",
          sourceClass: "own",
        }),
      },
      { type: "LeadContacted", at: "2026-03-02T15:00:00Z", data: contact() },
      { type: "LeadVisited", at: "2026-03-06T10:00:00Z" },
      { type: "LeadGraded", at: "2026-03-06T11:00:00Z", data: grade("high") },
      { type: "LeadConverted", at: "2026-03-12T15:00:00Z", data: conversion(300_000) },
    ],
  },
  {
    leadId: id(2),
    events: [
      {
        type: "LeadCaptured",
        at: "2026-03-03T08:00:00Z",
        recordedAt: "2026-03-05T09:00:00Z",
        data: {
          ...capture({ rep: "wang", department: "east", channel: "website", sourceClass: "own" }),
          lateEntryReason: "展会结束后统一录入",
        },
      },
      {
        type: "LeadContacted",
        at: "2026-03-04T10:00:00Z",
        recordedAt: "2026-03-05T09:30:00Z",
        data: contact(),
      },
      { type: "LeadContacted", at: "2026-03-10T10:00:00Z", data: contact("2026-04-03") },
      { type: "LeadGraded", at: "2026-03-10T10:30:00Z", data: grade("medium") },
    ],
  },
  {
    leadId: id(3),
    events: [
      {
        type: "LeadCaptured",
        at: "2026-03-09T12:00:00Z",
        recordedAt: "2026-03-09T13:00:00Z",
        data: capture({
          rep: "li",
          department: "east",
          channel: "partner-referral",
          sourceClass: "partner",
        }),
      },
      { type: "LeadContacted", at: "2026-03-10T09:00:00Z", data: contact() },
      { type: "LeadGraded", at: "2026-03-10T09:30:00Z", data: grade("high") },
      { type: "LeadConverted", at: "2026-03-30T09:00:00Z", data: conversion(500_000) },
    ],
  },
  {
    leadId: id(4),
    events: [
      {
        type: "LeadCaptured",
        at: "2026-03-20T10:00:00Z",
        recordedAt: "2026-03-20T11:00:00Z",
        data: capture({ rep: "li", department: "east", channel: "website", sourceClass: "own" }),
      },
    ],
  },
  {
    leadId: id(5),
    events: [
      {
        type: "LeadCaptured",
        at: "2026-03-31T12:00:00Z",
        recordedAt: "2026-03-31T12:30:00Z",
        data: capture({
          rep: "wang",
          department: "east",
          channel: "exhibition",
          sourceClass: "own",
        }),
      },
    ],
  },
  {
    leadId: id(6),
    events: [
      {
        type: "LeadCaptured",
        at: "2026-02-20T09:00:00Z",
        recordedAt: "2026-02-20T09:10:00Z",
        data: capture({ rep: "li", department: "east", channel: "website", sourceClass: "own" }),
      },
      { type: "LeadContacted", at: "2026-02-21T09:00:00Z", data: contact() },
      { type: "LeadConverted", at: "2026-03-05T09:00:00Z", data: conversion(200_000) },
    ],
  },
  {
    leadId: id(7),
    events: [
      {
        type: "LeadCaptured",
        at: "2026-03-15T10:00:00Z",
        recordedAt: "2026-03-15T11:00:00Z",
        data: capture({
          rep: "wang",
          department: "east",
          channel: "social-media",
          sourceClass: "own",
        }),
      },
      { type: "LeadContacted", at: "2026-03-15T12:00:00Z", data: contact() },
      { type: "LeadFlaggedForPurge", at: "2026-03-20T09:00:00Z", data: { reason: "duplicate" } },
      {
        type: "LeadPurged",
        at: "2026-03-25T09:00:00Z",
        data: { reason: "duplicate", erasureRequest: false },
      },
    ],
  },
  {
    leadId: id(8),
    events: [
      {
        type: "LeadCaptured",
        at: "2026-03-05T09:00:00Z",
        recordedAt: "2026-03-05T09:30:00Z",
        data: capture({ rep: "zhao", department: "west", channel: "website", sourceClass: "own" }),
      },
      { type: "LeadContacted", at: "2026-03-05T11:00:00Z", data: contact() },
    ],
  },
]);

const rows = [...summarizeLog(log).values()];
const head = { id: "chen", role: "head", department: "east" } as const;
const executive = { id: "boss", role: "executive", department: "hq" } as const;
const march = { from: Date.parse("2026-03-01T00:00:00Z"), to: Date.parse("2026-04-01T00:00:00Z") };
const now = Date.parse("2026-04-01T00:00:00Z");

describe("the worked example of docs/metrics.md (head of east, March 2026)", () => {
  it("pipeline", () => {
    const report = pipeline(rows, { viewer: head, by: ["stage"] });
    expect(report.total).toBe(6);
    expect(report.cells).toEqual([
      { group: { stage: "contacted" }, leads: 1 },
      { group: { stage: "converted" }, leads: 3 },
      { group: { stage: "new" }, leads: 2 },
    ]);
    expect(pipeline(rows, { viewer: executive }).total).toBe(7);
  });

  it("timeliness", () => {
    const report = timeliness(rows, { viewer: head, range: march, now });
    expect(report.total.firstContact).toEqual({ numerator: 3, denominator: 5, rate: 0.6 });
    expect(report.total.entry).toEqual({ numerator: 5, denominator: 6, rate: 5 / 6 });
  });

  it("conversion rate on both bases", () => {
    const cohort = conversionRate(rows, { viewer: head, range: march, basis: "cohort" });
    expect(cohort.total).toEqual({ numerator: 2, denominator: 4, rate: 0.5 });
    const period = conversionRate(rows, { viewer: head, range: march, basis: "period" });
    expect(period.total).toEqual({ numerator: 3, denominator: 5, rate: 0.6 });
    const byChannel = conversionRate(rows, {
      viewer: head,
      range: march,
      basis: "cohort",
      by: ["channel"],
    });
    expect(byChannel.cells).toEqual([
      { group: { channel: "exhibition" }, numerator: 1, denominator: 1, rate: 1 },
      { group: { channel: "partner-referral" }, numerator: 1, denominator: 1, rate: 1 },
      { group: { channel: "social-media" }, numerator: 0, denominator: 1, rate: 0 },
      { group: { channel: "website" }, numerator: 0, denominator: 1, rate: 0 },
    ]);
  });

  it("follow-up cycle", () => {
    const report = followUpCycle(rows, { viewer: head, range: march });
    expect(report.total).toEqual({ count: 3, meanDays: 14, medianDays: 12, p90Days: 20 });
  });

  it("due and overdue follow-ups", () => {
    const report = followUpsDue(rows, { viewer: head, now });
    expect(report).toEqual({
      due: 1,
      overdue: 1,
      owners: [
        {
          ownerId: "li",
          department: "east",
          due: 0,
          overdue: 1,
          leads: [{ leadId: id(4), dueAt: Date.parse("2026-03-21T10:00:00Z"), overdue: true }],
        },
        {
          ownerId: "wang",
          department: "east",
          due: 1,
          overdue: 0,
          leads: [{ leadId: id(5), dueAt: Date.parse("2026-04-01T12:00:00Z"), overdue: false }],
        },
      ],
    });
  });

  it("per-rep monthly report", () => {
    const report = repPeriodReport(rows, {
      viewer: head,
      granularity: "month",
      containing: Date.parse("2026-03-15T00:00:00Z"),
      now,
    });
    expect(report.period).toEqual({ label: "2026-03", ...march });
    expect(report.reps).toEqual([
      {
        ownerId: "li",
        department: "east",
        effectiveLeadsGained: 2,
        firstContactTimeliness: { numerator: 1, denominator: 2, rate: 0.5 },
        entryTimeliness: { numerator: 2, denominator: 2, rate: 1 },
        cohortConversion: { numerator: 1, denominator: 1, rate: 1 },
        periodConversion: { numerator: 2, denominator: 2, rate: 1 },
        cycle: { count: 2, meanDays: 16, medianDays: 16, p90Days: 20 },
        dueFollowUps: 0,
        overdueFollowUps: 1,
      },
      {
        ownerId: "wang",
        department: "east",
        effectiveLeadsGained: 3,
        firstContactTimeliness: { numerator: 2, denominator: 3, rate: 2 / 3 },
        entryTimeliness: { numerator: 3, denominator: 4, rate: 0.75 },
        cohortConversion: { numerator: 1, denominator: 3, rate: 1 / 3 },
        periodConversion: { numerator: 1, denominator: 3, rate: 1 / 3 },
        cycle: { count: 1, meanDays: 10, medianDays: 10, p90Days: 10 },
        dueFollowUps: 1,
        overdueFollowUps: 0,
      },
    ]);
  });
});

import {
  createInMemoryEventStore,
  type JsonObject,
  LEAD_STREAM_PREFIX,
  type RecordedEvent,
} from "@leadledger/core";
import { recordedHistoryArbitrary } from "@leadledger/testkit";
import fc from "fast-check";
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import type { TimeRange } from "./calendar-period.js";
import type { ReportDimension } from "./grouping.js";
import { createInMemoryReadModelStore } from "./in-memory-read-model-store.js";
import type { LeadSummary } from "./lead-summary.js";
import { createProjectionRunner } from "./projection-runner.js";
import type { Ratio } from "./ratio.js";
import type { ReadModelStore } from "./read-model-store.js";
import { summarizeLog } from "./summary-batch.js";
import { feed, readLog } from "./test-support/event-store-feed.js";
import type { Viewer } from "./viewer.js";
import { completeness } from "./views/completeness.js";
import { conversionRate } from "./views/conversion-rate.js";
import { followUpCycle } from "./views/follow-up-cycle.js";
import { followUpsDue } from "./views/follow-ups-due.js";
import { pipeline } from "./views/pipeline.js";
import { repPeriodReport } from "./views/rep-period-report.js";
import { timeliness } from "./views/timeliness.js";

const DAY = 86_400_000;
const RUNS = { numRuns: 30 };
const sorted = (rows: Iterable<LeadSummary>) =>
  [...rows].sort((a, b) => (a.leadId < b.leadId ? -1 : 1));
const lastTime = (log: readonly RecordedEvent[]): number =>
  log.reduce((max, e) => Math.max(max, Date.parse(String(e.metadata.recordedAt))), 0);

const EXECUTIVE: Viewer = { id: "ceo", role: "executive", department: "hq" };
const DIMENSIONS: readonly ReportDimension[] = [
  "channel",
  "sourceClass",
  "owner",
  "department",
  "region",
  "industry",
  "period",
];
const breakdown = fc.record({
  by: fc.subarray([...DIMENSIONS], { maxLength: 3 }),
  period: fc.constantFrom("day", "week", "month", "quarter" as const),
  utcOffsetMinutes: fc.constantFrom(0, 480),
});
/** Every figure that has a numerator and a denominator. */
const ratiosOf = (
  rows: readonly LeadSummary[],
  viewer: Viewer,
  range: TimeRange,
  now: number,
  grouping: object,
) => {
  const ratios: Ratio[] = [];
  for (const basis of ["cohort", "period"] as const) {
    const report = conversionRate(rows, { viewer, range, basis, ...grouping });
    ratios.push(report.total, ...report.cells);
  }
  const timely = timeliness(rows, { viewer, range, now, ...grouping });
  for (const figures of [timely.total, ...timely.cells])
    ratios.push(figures.firstContact, figures.entry);
  for (const rep of repPeriodReport(rows, {
    viewer,
    granularity: "month",
    containing: range.from,
    now,
  }).reps) {
    ratios.push(
      rep.firstContactTimeliness,
      rep.entryTimeliness,
      rep.cohortConversion,
      rep.periodConversion,
    );
  }
  return ratios;
};

describe("projection properties", () => {
  it("incremental equals rebuild, whatever the batch size", async () => {
    await fc.assert(
      fc.asyncProperty(
        recordedHistoryArbitrary(),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 60 }),
        async (history, split, batchSize, layOutAfterReplacedRows) => {
          const events = createInMemoryEventStore();
          const runner = createProjectionRunner({
            events,
            readModel: createInMemoryReadModelStore(),
            batchSize,
            layOutAfterReplacedRows,
          });
          const cut = Math.floor(split * history.length);
          await feed(events, history.slice(0, cut));
          await runner.start();
          const last = await feed(events, history.slice(cut));
          if (last !== undefined) await runner.waitFor(last, { timeoutMs: 5000 });
          const rebuilt = sorted(summarizeLog(await readLog(events)).values());
          expect(sorted(runner.summaries())).toEqual(rebuilt);
          expect(E.isRight(await runner.rebuild())).toBe(true);
          expect(sorted(runner.summaries())).toEqual(rebuilt);
          await runner.stop();
          await events.close();
        },
      ),
      RUNS,
    );
  });

  it("a runner killed mid-way and resumed from its checkpoint ends where a rebuild does", async () => {
    await fc.assert(
      fc.asyncProperty(
        recordedHistoryArbitrary(),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 0, max: 10 }),
        async (history, firstBatch, secondBatch, commitsBeforeCrash) => {
          const events = createInMemoryEventStore();
          await feed(events, history);
          // The first runner's storage dies after a few commits: the process is as good as
          // killed, with whatever the read model had stored by then.
          const stored = createInMemoryReadModelStore();
          let commits = 0;
          const dying: ReadModelStore = {
            ...stored,
            commit: async (batch) =>
              commits++ < commitsBeforeCrash
                ? stored.commit(batch)
                : E.left({ code: "read-model.unavailable", message: "killed" }),
          };
          const first = createProjectionRunner({
            events,
            readModel: dying,
            batchSize: firstBatch,
            retryDelayMs: 60_000,
          });
          await first.start();
          await first.stop();
          const second = createProjectionRunner({
            events,
            readModel: stored,
            batchSize: secondBatch,
          });
          await second.start();
          expect(sorted(second.summaries())).toEqual(
            sorted(summarizeLog(await readLog(events)).values()),
          );
          await second.stop();
          await events.close();
        },
      ),
      RUNS,
    );
  });

  it("no numerator exceeds its denominator", () => {
    fc.assert(
      fc.property(
        recordedHistoryArbitrary(),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        breakdown,
        (history, a, b, grouping) => {
          const rows = [...summarizeLog(history).values()];
          const start = Date.UTC(2026, 0, 1);
          const end = lastTime(history) + DAY;
          const lo = Math.min(a, b);
          const hi = Math.max(a, b);
          const range = { from: start + lo * (end - start), to: start + hi * (end - start) + 1 };
          for (const ratio of ratiosOf(rows, EXECUTIVE, range, end, grouping)) {
            expect(ratio.numerator).toBeLessThanOrEqual(ratio.denominator);
            expect(ratio.numerator).toBeGreaterThanOrEqual(0);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it("a follow-up list capped per owner is the uncapped one's most urgent leads, counts kept", () => {
    fc.assert(
      fc.property(recordedHistoryArbitrary(), fc.integer({ min: 0, max: 5 }), (history, cap) => {
        const rows = [...summarizeLog(history).values()];
        const now = lastTime(history);
        const all = followUpsDue(rows, { viewer: EXECUTIVE, now, horizonHours: 24 * 30 });
        const capped = followUpsDue(rows, {
          viewer: EXECUTIVE,
          now,
          horizonHours: 24 * 30,
          maxLeadsPerOwner: cap,
        });
        expect(capped).toEqual({
          ...all,
          owners: all.owners.map((owner) => ({ ...owner, leads: owner.leads.slice(0, cap) })),
        });
      }),
      RUNS,
    );
  });

  it("the union of a department's reps' pipelines is the head's", () => {
    fc.assert(
      fc.property(
        recordedHistoryArbitrary(),
        fc.subarray(["stage", "grade", "channel", "sourceClass", "region", "industry"] as const),
        (history, by) => {
          const rows = [...summarizeLog(history).values()];
          for (const department of new Set(rows.map((row) => row.department))) {
            const head: Viewer = { id: `head-of-${department}`, role: "head", department };
            const expected = new Map<string, number>();
            for (const cell of pipeline(rows, { viewer: head, by }).cells) {
              expected.set(JSON.stringify(cell.group), cell.leads);
            }
            const union = new Map<string, number>();
            const reps = new Set(
              rows.filter((row) => row.department === department).map((row) => row.ownerId),
            );
            for (const rep of reps) {
              const viewer: Viewer = { id: rep, role: "rep", department };
              for (const cell of pipeline(rows, { viewer, by }).cells) {
                const key = JSON.stringify(cell.group);
                union.set(key, (union.get(key) ?? 0) + cell.leads);
              }
            }
            expect(union).toEqual(expected);
          }
        },
      ),
      RUNS,
    );
  });

  it("purging leads leaves conversion, cycle and timeliness unchanged", () => {
    fc.assert(
      fc.property(
        recordedHistoryArbitrary(),
        fc.infiniteStream(fc.boolean()),
        breakdown,
        (history, choices, grouping) => {
          const before = summarizeLog(history);
          const end = lastTime(history);
          const now = end + 30 * DAY;
          // Purge some of the leads not yet purged, after everything else happened.
          const extra: RecordedEvent[] = [];
          let position = 0n;
          for (const event of history) if (event.position > position) position = event.position;
          const iterator = choices[Symbol.iterator]();
          for (const row of before.values()) {
            if (row.purgedAt !== null || iterator.next().value !== true) continue;
            const append = (type: string, data: JsonObject, offset: number) => {
              const at = new Date(end + offset).toISOString();
              position += 1n;
              extra.push({
                id: `purge-${position}`,
                type,
                data,
                metadata: {
                  leadId: row.leadId,
                  occurredAt: at,
                  recordedAt: at,
                  actor: { id: "head", role: "head", department: row.department },
                  commandId: `purge-${position}`,
                },
                stream: `${LEAD_STREAM_PREFIX}${row.leadId}`,
                revision: BigInt(row.revision + (type === "LeadPurged" ? 2 : 1)),
                position,
              });
            };
            append("LeadFlaggedForPurge", { reason: "no-intent-long-silence" }, DAY);
            append(
              "LeadPurged",
              { reason: "no-intent-long-silence", erasureRequest: false },
              2 * DAY,
            );
          }
          const after = [...summarizeLog([...history, ...extra]).values()];
          const rows = [...before.values()];
          const range = { from: Date.UTC(2025, 11, 1), to: now };
          const figures = (r: readonly LeadSummary[]) => ({
            cohort: conversionRate(r, { viewer: EXECUTIVE, range, basis: "cohort", ...grouping }),
            period: conversionRate(r, { viewer: EXECUTIVE, range, basis: "period", ...grouping }),
            cycle: followUpCycle(r, { viewer: EXECUTIVE, range, ...grouping }),
            timeliness: timeliness(r, { viewer: EXECUTIVE, range, now, ...grouping }),
          });
          expect(figures(after)).toEqual(figures(rows));
          // ...while the purged leads leave the pipeline and the work lists.
          const purged = extra.length / 2;
          expect(pipeline(after, { viewer: EXECUTIVE }).total).toBe(
            pipeline(rows, { viewer: EXECUTIVE }).total - purged,
          );
          expect(followUpsDue(after, { viewer: EXECUTIVE, now }).owners.length).toBeLessThanOrEqual(
            followUpsDue(rows, { viewer: EXECUTIVE, now }).owners.length,
          );
        },
      ),
      RUNS,
    );
  });

  it("completeness counts each active lead's last recorded list of fields to be confirmed", () => {
    fc.assert(
      fc.property(recordedHistoryArbitrary(), (history) => {
        // Recomputed from the log itself, not from the summaries.
        const leads = new Map<string, { list: readonly string[] | null; purged: boolean }>();
        for (const event of history) {
          if (!event.stream.startsWith(LEAD_STREAM_PREFIX)) continue;
          const leadId = String(event.metadata.leadId);
          const list = (event.data as { toBeConfirmed?: readonly string[] }).toBeConfirmed;
          if (event.type === "LeadCaptured")
            leads.set(leadId, { list: list ?? null, purged: false });
          const lead = leads.get(leadId);
          if (lead === undefined) continue;
          if (event.type === "LeadAmended" && list !== undefined) lead.list = list;
          if (event.type === "LeadPurged") lead.purged = true;
        }
        const active = [...leads.values()].filter((lead) => !lead.purged);
        const known = active.filter((lead) => lead.list !== null);
        const fields = new Map<string, number>();
        for (const lead of known) {
          for (const field of lead.list ?? []) fields.set(field, (fields.get(field) ?? 0) + 1);
        }
        const rows = [...summarizeLog(history).values()];
        const report = completeness(rows, { viewer: EXECUTIVE });
        expect(report.total.leads).toBe(active.length);
        expect(report.total.notKnown).toBe(active.length - known.length);
        expect(report.total.withOpenFields.denominator).toBe(known.length);
        expect(report.total.withOpenFields.numerator).toBe(
          known.filter((lead) => (lead.list ?? []).length > 0).length,
        );
        expect(new Map(report.total.fields.map((f) => [f.field, f.leads]))).toEqual(fields);
        // Each department's and each owner's figures add up to the whole.
        for (const part of [report.departments, report.owners]) {
          expect(part.reduce((sum, group) => sum + group.leads, 0)).toBe(report.total.leads);
          expect(part.reduce((sum, group) => sum + group.withOpenFields.numerator, 0)).toBe(
            report.total.withOpenFields.numerator,
          );
        }
        // A head sees exactly their department's figures.
        for (const department of report.departments) {
          const head: Viewer = { id: "head", role: "head", department: department.department };
          expect(completeness(rows, { viewer: head }).total).toEqual({
            leads: department.leads,
            withOpenFields: department.withOpenFields,
            notKnown: department.notKnown,
            fields: department.fields,
          });
        }
      }),
      RUNS,
    );
  });
});

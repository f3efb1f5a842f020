import type { RecordedEvent } from "@leadledger/core";
import { recordedHistoryArbitrary } from "@leadledger/testkit";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { summarizeLog } from "../summary-batch.js";
import { capture, contact, leadLog } from "../test-support/lead-log.js";
import type { Viewer } from "../viewer.js";
import { followUpsDue } from "./follow-ups-due.js";
import { repPeriodReport } from "./rep-period-report.js";

// The worked example of docs/metrics.md §3.5: an agreed follow-up day is due during that
// day and overdue once it is over, in the views' calendar (+08 here), and an owner's list
// counts only that owner's leads.
const A = "00000000-0000-4000-a000-00000000000a";
const B = "00000000-0000-4000-a000-00000000000b";
const rows = [
  ...summarizeLog(
    leadLog([
      {
        leadId: A,
        events: [
          {
            type: "LeadCaptured",
            at: "2026-03-30T02:00:00Z",
            data: capture({ rep: "wang", department: "east" }),
          },
          { type: "LeadContacted", at: "2026-03-30T03:00:00Z", data: contact("2026-04-03") },
        ],
      },
      {
        leadId: B,
        events: [
          {
            type: "LeadCaptured",
            at: "2026-04-02T10:00:00Z",
            data: capture({ rep: "li", department: "east" }),
          },
        ],
      },
    ]),
  ).values(),
];
const head: Viewer = { id: "chen", role: "head", department: "east" };
const CST = 480;
/** Where A's agreed day starts in +08: 2026-04-03 00:00 +08. */
const A_DUE = Date.parse("2026-04-02T16:00:00Z");

describe("due and overdue follow-ups in the views' calendar", () => {
  it("an agreed day is due during that day, not overdue from its first hour", () => {
    const now = Date.parse("2026-04-03T01:00:00Z"); // 09:00 on 04-03 in +08
    expect(followUpsDue(rows, { viewer: head, now, utcOffsetMinutes: CST })).toEqual({
      due: 2,
      overdue: 0,
      owners: [
        {
          ownerId: "li",
          department: "east",
          due: 1,
          overdue: 0,
          leads: [{ leadId: B, dueAt: Date.parse("2026-04-03T10:00:00Z"), overdue: false }],
        },
        {
          ownerId: "wang",
          department: "east",
          due: 1,
          overdue: 0,
          leads: [{ leadId: A, dueAt: A_DUE, overdue: false }],
        },
      ],
    });
  });

  it("is still due in the day's last millisecond and overdue once the day is over", () => {
    const lastMoment = Date.parse("2026-04-03T15:59:59.999Z");
    const standing = (now: number) =>
      followUpsDue(rows, { viewer: head, now, utcOffsetMinutes: CST, ownerId: "wang" });
    expect(standing(lastMoment)).toMatchObject({ due: 1, overdue: 0 });
    expect(standing(lastMoment + 1)).toMatchObject({ due: 0, overdue: 1 });
  });

  it("in UTC the same day runs from 00:00 to 24:00 UTC", () => {
    const at = (iso: string) =>
      followUpsDue(rows, { viewer: head, now: Date.parse(iso), ownerId: "wang" });
    expect(at("2026-04-03T23:59:00Z")).toMatchObject({ due: 1, overdue: 0 });
    expect(at("2026-04-04T00:00:00Z")).toMatchObject({ due: 0, overdue: 1 });
  });

  it("counts in its totals only the owner it lists", () => {
    const now = Date.parse("2026-04-03T16:00:00Z"); // 04-04 00:00 in +08
    expect(followUpsDue(rows, { viewer: head, now, utcOffsetMinutes: CST, ownerId: "li" })).toEqual(
      {
        due: 0,
        overdue: 1,
        owners: [
          {
            ownerId: "li",
            department: "east",
            due: 0,
            overdue: 1,
            leads: [{ leadId: B, dueAt: Date.parse("2026-04-03T10:00:00Z"), overdue: true }],
          },
        ],
      },
    );
  });
});

const lastTime = (log: readonly RecordedEvent[]): number =>
  log.reduce((max, e) => Math.max(max, Date.parse(String(e.metadata.recordedAt))), 0);

describe("the follow-ups' totals", () => {
  it("count exactly the leads listed, for every owner asked for, as the rep report does", () => {
    const executive: Viewer = { id: "ceo", role: "executive", department: "hq" };
    fc.assert(
      fc.property(
        recordedHistoryArbitrary(),
        fc.integer({ min: -2 * 86_400_000, max: 40 * 86_400_000 }),
        fc.constantFrom(0, 480, -300),
        fc.integer({ min: 0, max: 24 * 10 }),
        (history, shift, utcOffsetMinutes, horizonHours) => {
          const rows = [...summarizeLog(history).values()];
          const now = lastTime(history) + shift;
          const query = { viewer: executive, now, utcOffsetMinutes, horizonHours };
          const all = followUpsDue(rows, query);
          const listed = all.owners.flatMap((owner) => owner.leads);
          expect(all.due).toBe(listed.filter((lead) => !lead.overdue).length);
          expect(all.overdue).toBe(listed.filter((lead) => lead.overdue).length);
          for (const owner of all.owners) {
            expect(owner.leads.map((lead) => lead.overdue)).toEqual(
              [...owner.leads.map((lead) => lead.overdue)].sort((a, b) => Number(b) - Number(a)),
            );
            const one = followUpsDue(rows, { ...query, ownerId: owner.ownerId });
            const same = all.owners.filter((other) => other.ownerId === owner.ownerId);
            expect(one.owners).toEqual(same);
            expect(one.due).toBe(same.reduce((sum, other) => sum + other.due, 0));
            expect(one.overdue).toBe(same.reduce((sum, other) => sum + other.overdue, 0));
          }
          const report = repPeriodReport(rows, {
            ...query,
            granularity: "month",
            containing: now,
          });
          for (const rep of report.reps) {
            const owner = all.owners.find(
              (o) => o.ownerId === rep.ownerId && o.department === rep.department,
            );
            expect([rep.dueFollowUps, rep.overdueFollowUps]).toEqual([
              owner?.due ?? 0,
              owner?.overdue ?? 0,
            ]);
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});

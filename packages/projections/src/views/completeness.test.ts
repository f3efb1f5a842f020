import { describe, expect, it } from "vitest";
import { summarizeLog } from "../summary-batch.js";
import { capture, leadLog } from "../test-support/lead-log.js";
import type { Viewer } from "../viewer.js";
import { completeness } from "./completeness.js";

// The worked example of docs/metrics.md §3.7, lead by lead. Every number asserted here is
// written out by hand in that document.
const id = (n: number) => `00000000-0000-4000-b000-00000000000${n}`;
const captured = (rep: string, department: string, toBeConfirmed?: readonly string[]) => ({
  type: "LeadCaptured",
  at: "2026-03-02T09:00:00Z",
  data: {
    ...capture({ rep, department, channel: "exhibition" }),
    ...(toBeConfirmed === undefined ? {} : { toBeConfirmed: [...toBeConfirmed] }),
  },
});
const amended = (toBeConfirmed: readonly string[]) => ({
  type: "LeadAmended",
  at: "2026-03-05T09:00:00Z",
  data: { toBeConfirmed: [...toBeConfirmed] },
});

const log = leadLog([
  { leadId: id(1), events: [captured("wang", "east", ["contact.fax", "needs.site.area"])] },
  {
    leadId: id(2),
    events: [
      captured("wang", "east", ["contact.fax", "party.registeredAddress"]),
      amended(["contact.fax"]),
    ],
  },
  { leadId: id(3), events: [captured("wang", "east", [])] },
  { leadId: id(4), events: [captured("li", "east", ["needs.site.area"]), amended([])] },
  // Captured before the ledger kept the list (issue 14).
  { leadId: id(5), events: [captured("li", "east")] },
  {
    leadId: id(6),
    events: [
      captured("li", "east", ["contact.fax"]),
      {
        type: "LeadPurged",
        at: "2026-03-06T09:00:00Z",
        data: { reason: "erasure-request", erasureRequest: true },
      },
    ],
  },
  { leadId: id(7), events: [captured("zhao", "west", ["contact.fax"])] },
]);
const rows = [...summarizeLog(log).values()];

const HEAD: Viewer = { id: "chen", role: "head", department: "east" };
const EXECUTIVE: Viewer = { id: "ceo", role: "executive", department: "hq" };
const WANG: Viewer = { id: "wang", role: "rep", department: "east" };

const ratio = (numerator: number, denominator: number) => ({
  numerator,
  denominator,
  rate: denominator === 0 ? null : numerator / denominator,
});

describe("completeness, the worked example of docs/metrics.md §3.7", () => {
  it("keeps each lead's open fields in its summary, after amendments", () => {
    const byId = new Map(rows.map((row) => [row.leadId, row.toBeConfirmed]));
    expect(byId.get(id(2))).toEqual(["contact.fax"]);
    expect(byId.get(id(4))).toEqual([]);
    expect(byId.get(id(5))).toBeNull();
  });

  it("for the head of east: five leads, two of the four known have open fields", () => {
    const report = completeness(rows, { viewer: HEAD });
    const east = {
      leads: 5,
      withOpenFields: ratio(2, 4),
      notKnown: 1,
      fields: [
        { field: "contact.fax", leads: 2 },
        { field: "needs.site.area", leads: 1 },
      ],
    };
    expect(report.total).toEqual(east);
    expect(report.departments).toEqual([{ department: "east", ...east }]);
    expect(report.owners).toEqual([
      {
        ownerId: "li",
        department: "east",
        leads: 2,
        withOpenFields: ratio(0, 1),
        notKnown: 1,
        fields: [],
      },
      {
        ownerId: "wang",
        department: "east",
        leads: 3,
        withOpenFields: ratio(2, 3),
        notKnown: 0,
        fields: [
          { field: "contact.fax", leads: 2 },
          { field: "needs.site.area", leads: 1 },
        ],
      },
    ]);
  });

  it("for an executive: west's lead too", () => {
    const report = completeness(rows, { viewer: EXECUTIVE });
    expect(report.total).toEqual({
      leads: 6,
      withOpenFields: ratio(3, 5),
      notKnown: 1,
      fields: [
        { field: "contact.fax", leads: 3 },
        { field: "needs.site.area", leads: 1 },
      ],
    });
    expect(report.departments.map((d) => [d.department, d.leads])).toEqual([
      ["east", 5],
      ["west", 1],
    ]);
  });

  it("for a rep: the rep's own leads only", () => {
    const report = completeness(rows, { viewer: WANG });
    expect(report.total.leads).toBe(3);
    expect(report.owners.map((owner) => owner.ownerId)).toEqual(["wang"]);
  });
});

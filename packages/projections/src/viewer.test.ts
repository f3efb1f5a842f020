import { canReach } from "@leadledger/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { LeadSummary } from "./lead-summary.js";
import { canSee, type Viewer } from "./viewer.js";

const row = (ownerId: string, department: string) => ({ ownerId, department }) as LeadSummary;
const people = fc.constantFrom("rep-1", "rep-2", "head-east", "exec-1");
const departments = fc.constantFrom("east", "south", "hq");
const viewers: fc.Arbitrary<Viewer> = fc.record({
  id: people,
  role: fc.constantFrom("rep" as const, "head" as const, "executive" as const),
  department: departments,
});

describe("canSee", () => {
  it("shows a rep their own leads, a head the department's, an executive all", () => {
    const lead = row("rep-1", "east");
    expect(canSee({ id: "rep-1", role: "rep", department: "east" }, lead)).toBe(true);
    expect(canSee({ id: "rep-2", role: "rep", department: "east" }, lead)).toBe(false);
    // The same rep id in another department is another person's lead.
    expect(canSee({ id: "rep-1", role: "rep", department: "south" }, lead)).toBe(false);
    expect(canSee({ id: "head-east", role: "head", department: "east" }, lead)).toBe(true);
    expect(canSee({ id: "head-south", role: "head", department: "south" }, lead)).toBe(false);
    expect(canSee({ id: "exec-1", role: "executive", department: "hq" }, lead)).toBe(true);
  });

  it("is the ledger's scope rule: a view shows exactly the leads the ledger lets the viewer reach", () => {
    fc.assert(
      fc.property(viewers, people, departments, (viewer, ownerId, department) => {
        expect(canSee(viewer, row(ownerId, department))).toBe(
          canReach(viewer, { repId: ownerId, department }),
        );
      }),
    );
  });
});

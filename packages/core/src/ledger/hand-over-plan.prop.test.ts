import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { LeadId, Owner } from "../lead/values.js";
import { planHandOver } from "./hand-over-plan.js";

// Issue 14: a leaving rep's leads spread over several reps, each exactly once, evenly, and
// the same way on a retry or on another server whatever order the read model lists them in.

const leadIds = fc.array(
  fc.uuid().map((id) => id as LeadId),
  { maxLength: 300 },
);
const targets = fc
  .uniqueArray(fc.stringMatching(/^[a-z]{1,8}$/), { minLength: 1, maxLength: 7 })
  .map((ids) => ids.map((repId) => ({ repId, department: "east" }) as Owner));

describe("planHandOver", () => {
  it("plans every listed lead exactly once, to one of the targets", () => {
    fc.assert(
      fc.property(leadIds, targets, (leads, to) => {
        const plan = planHandOver(leads, to);
        expect(plan.map((a) => a.leadId).sort()).toEqual([...new Set(leads)].sort());
        for (const assignment of plan) {
          expect(Number.isInteger(assignment.target)).toBe(true);
          expect(assignment.target).toBeGreaterThanOrEqual(0);
          expect(assignment.target).toBeLessThan(to.length);
        }
      }),
    );
  });

  it("gives every target as many leads as any other, or one fewer", () => {
    fc.assert(
      fc.property(leadIds, targets, (leads, to) => {
        const counts = to.map(() => 0);
        for (const { target } of planHandOver(leads, to))
          counts[target] = (counts[target] ?? 0) + 1;
        expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
      }),
    );
  });

  it("plans the same whatever order the leads are listed in", () => {
    fc.assert(
      fc.property(
        leadIds.chain((leads) =>
          fc.tuple(fc.constant(leads), fc.shuffledSubarray(leads, { minLength: leads.length })),
        ),
        targets,
        ([leads, shuffled], to) => {
          expect(planHandOver(shuffled, to)).toEqual(planHandOver(leads, to));
        },
      ),
    );
  });

  it("refuses to plan without a target: that is a bug of its caller", () => {
    expect(() => planHandOver([], [])).toThrow(RangeError);
  });
});

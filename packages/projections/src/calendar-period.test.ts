import { describe, expect, it } from "vitest";
import { periodContaining, periodLabel, periodStart, periodsOf } from "./calendar-period.js";

const at = (iso: string) => Date.parse(iso);

describe("calendar periods", () => {
  it("names days, ISO weeks, months and quarters", () => {
    const t = at("2026-01-01T12:00:00Z");
    expect(periodLabel(periodStart(t, "day"), "day")).toBe("2026-01-01");
    // 2026-01-01 is a Thursday: week 1 of 2026 starts on Monday 2025-12-29.
    expect(periodStart(t, "week")).toBe(at("2025-12-29T00:00:00Z"));
    expect(periodLabel(periodStart(t, "week"), "week")).toBe("2026-W01");
    expect(periodLabel(periodStart(at("2027-01-01T00:00:00Z"), "week"), "week")).toBe("2026-W53");
    expect(periodLabel(periodStart(t, "month"), "month")).toBe("2026-01");
    expect(periodContaining(at("2026-05-17T00:00:00Z"), "quarter")).toEqual({
      label: "2026-Q2",
      from: at("2026-04-01T00:00:00Z"),
      to: at("2026-07-01T00:00:00Z"),
    });
  });

  it("cuts periods in the calendar of an offset", () => {
    // 20:00 UTC on 31 March is already 1 April in China (UTC+8).
    const t = at("2026-03-31T20:00:00Z");
    expect(periodContaining(t, "month", 480)).toEqual({
      label: "2026-04",
      from: at("2026-03-31T16:00:00Z"),
      to: at("2026-04-30T16:00:00Z"),
    });
  });

  it("clips periods to a range", () => {
    const range = { from: at("2026-01-15T00:00:00Z"), to: at("2026-03-10T00:00:00Z") };
    expect(periodsOf(range, "month").map((p) => [p.label, p.from, p.to])).toEqual([
      ["2026-01", range.from, at("2026-02-01T00:00:00Z")],
      ["2026-02", at("2026-02-01T00:00:00Z"), at("2026-03-01T00:00:00Z")],
      ["2026-03", at("2026-03-01T00:00:00Z"), range.to],
    ]);
  });
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  CalendarDate,
  EARLIEST_DATE_YEAR,
  EARLIEST_INSTANT_YEAR,
  Instant,
  instantToMillis,
  LATEST_YEAR,
  RecordedInstant,
} from "./values.js";

// Impossible instants and days are refused, never shifted: V8's Date.parse reads
// 2026-02-30 as 2026-03-02, so the codecs check the calendar fields themselves.

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeap = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
const daysIn = (year: number, month: number) =>
  month === 2 && isLeap(year) ? 29 : (DAYS_IN_MONTH[month - 1] as number);
const pad = (n: number, width = 2) => String(n).padStart(width, "0");

describe("Instant", () => {
  it.each([
    "2026-02-30T00:00:00Z",
    "2026-11-31T10:00:00Z",
    "2027-02-29T12:00:00Z",
    "2100-02-29T00:00:00Z",
    "0000-01-01T00:00:00Z",
    "1899-12-31T23:59:59Z",
    "2026-13-01T00:00:00Z",
    "2026-00-10T00:00:00Z",
    "2026-01-00T00:00:00Z",
    "2026-01-01T24:00:00Z",
    "2026-01-01T23:60:00Z",
    "2026-01-01T23:59:60Z",
    "2026-01-01T00:00:00+15:00",
    "2026-01-01T00:00:00+08:60",
    "9999-12-31T23:00:00-14:00",
    "2026-01-01",
    "2026-01-01T00:00:00",
  ])("refuses %s", (text) => {
    expect(Instant.is(text)).toBe(false);
  });

  it.each([
    "2028-02-29T00:00:00Z",
    "2000-02-29T12:00:00Z",
    "2026-11-30T10:00:00Z",
    "1900-01-01T00:00:00Z",
    "9999-12-31T23:59:59.999Z",
    "2026-11-25T08:00:00+08:00",
    "2026-11-25T08:00:00.123456789-05:30",
    "2026-01-01T00:00:00+14:00",
  ])("accepts %s", (text) => {
    expect(Instant.is(text)).toBe(true);
  });

  it("reads every valid instant as the moment its fields name, in its own offset", () => {
    const offsets = fc.integer({ min: -14 * 60, max: 14 * 60 });
    const moments = fc.integer({
      min: Date.UTC(EARLIEST_INSTANT_YEAR, 0, 2),
      max: Date.UTC(LATEST_YEAR, 11, 30),
    });
    fc.assert(
      fc.property(moments, offsets, (millis, offset) => {
        const local = new Date(millis + offset * 60_000);
        const sign = offset < 0 ? "-" : "+";
        const text =
          `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}` +
          `T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}` +
          `.${pad(local.getUTCMilliseconds(), 3)}` +
          `${sign}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
        expect(Instant.is(text)).toBe(true);
        expect(instantToMillis(text as Instant)).toBe(millis);
      }),
      { numRuns: 2_000 },
    );
  });

  it("refuses every day beyond its month's length", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: EARLIEST_INSTANT_YEAR, max: LATEST_YEAR }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 99 }),
        (year, month, day) => {
          const text = `${pad(year, 4)}-${pad(month)}-${pad(day)}T12:00:00Z`;
          expect(Instant.is(text)).toBe(day <= daysIn(year, month));
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it("still reads history recorded before the calendar check, as Date.parse reads it", () => {
    expect(RecordedInstant.is("2026-02-30T00:00:00Z")).toBe(true);
    expect(instantToMillis("2026-02-30T00:00:00Z" as Instant)).toBe(Date.UTC(2026, 2, 2));
    expect(RecordedInstant.is("yesterday")).toBe(false);
  });
});

describe("CalendarDate", () => {
  it.each(["2027-02-29", "2026-02-30", "2026-11-31", "0000-01-01", "1582-12-31", "2026-1-01"])(
    "refuses %s",
    (text) => {
      expect(CalendarDate.is(text)).toBe(false);
    },
  );

  it.each(["2028-02-29", "2000-02-29", "1583-01-01", "1669-05-01", "9999-12-31"])(
    "accepts %s",
    (text) => {
      expect(CalendarDate.is(text)).toBe(true);
    },
  );

  it("accepts exactly the days of the calendar", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 9999 }),
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 0, max: 32 }),
        (year, month, day) => {
          const text = `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
          const valid =
            year >= EARLIEST_DATE_YEAR &&
            month >= 1 &&
            month <= 12 &&
            day >= 1 &&
            day <= daysIn(year, month);
          expect(CalendarDate.is(text)).toBe(valid);
          if (valid) {
            // The day round-trips through the calendar.
            expect(new Date(`${text}T00:00:00Z`).toISOString().slice(0, 10)).toBe(text);
          }
        },
      ),
      { numRuns: 3_000 },
    );
  });
});

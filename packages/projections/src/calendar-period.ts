/** The length of a reporting period. Weeks are ISO weeks, starting on Monday. */
export type PeriodGranularity = "day" | "week" | "month" | "quarter";

/** Whose calendar periods are cut in: minutes east of UTC (480 for China Standard Time). */
export type UtcOffsetMinutes = number;

const DAY = 86_400_000;
const MINUTE = 60_000;

/** The start (epoch ms) of the period that contains `at`, in the given offset's calendar. */
export const periodStart = (
  at: number,
  granularity: PeriodGranularity,
  offsetMinutes: UtcOffsetMinutes = 0,
): number => {
  const shift = offsetMinutes * MINUTE;
  const local = at + shift;
  switch (granularity) {
    case "day":
      return Math.floor(local / DAY) * DAY - shift;
    case "week": {
      const day = Math.floor(local / DAY);
      // 1970-01-01 was a Thursday: Monday-based weekday of day 0 is 3.
      const weekday = (((day + 3) % 7) + 7) % 7;
      return (day - weekday) * DAY - shift;
    }
    case "month": {
      const date = new Date(local);
      return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1) - shift;
    }
    case "quarter": {
      const date = new Date(local);
      return (
        Date.UTC(date.getUTCFullYear(), date.getUTCMonth() - (date.getUTCMonth() % 3), 1) - shift
      );
    }
  }
};

/** The start of the period after the one starting at `start`. */
export const nextPeriodStart = (
  start: number,
  granularity: PeriodGranularity,
  offsetMinutes: UtcOffsetMinutes = 0,
): number => {
  const shift = offsetMinutes * MINUTE;
  switch (granularity) {
    case "day":
      return start + DAY;
    case "week":
      return start + 7 * DAY;
    case "month":
    case "quarter": {
      const date = new Date(start + shift);
      const months = granularity === "month" ? 1 : 3;
      return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + months, 1) - shift;
    }
  }
};

const pad = (n: number, width = 2): string => String(n).padStart(width, "0");

/**
 * The name of the period starting at `start`: `2026-03-05`, `2026-W10` (ISO week-year),
 * `2026-03`, `2026-Q1`.
 */
export const periodLabel = (
  start: number,
  granularity: PeriodGranularity,
  offsetMinutes: UtcOffsetMinutes = 0,
): string => {
  const date = new Date(start + offsetMinutes * MINUTE);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  switch (granularity) {
    case "day":
      return `${year}-${pad(month + 1)}-${pad(date.getUTCDate())}`;
    case "month":
      return `${year}-${pad(month + 1)}`;
    case "quarter":
      return `${year}-Q${Math.floor(month / 3) + 1}`;
    case "week": {
      // The ISO week belongs to the year of its Thursday.
      const thursday = new Date(date.getTime() + 3 * DAY);
      const weekYear = thursday.getUTCFullYear();
      const dayOfYear = Math.floor((thursday.getTime() - Date.UTC(weekYear, 0, 1)) / DAY);
      return `${weekYear}-W${pad(Math.floor(dayOfYear / 7) + 1)}`;
    }
  }
};

/** A half-open span of time `[from, to)`, epoch milliseconds. */
export interface TimeRange {
  readonly from: number;
  readonly to: number;
}

/** One named period, clipped to a range. */
export interface ReportingPeriod extends TimeRange {
  readonly label: string;
}

/**
 * The calendar periods that meet `range`, each clipped to it, in order. A range shorter
 * than a period yields one clipped period.
 */
export const periodsOf = (
  range: TimeRange,
  granularity: PeriodGranularity,
  offsetMinutes: UtcOffsetMinutes = 0,
): ReportingPeriod[] => {
  const periods: ReportingPeriod[] = [];
  for (
    let start = periodStart(range.from, granularity, offsetMinutes);
    start < range.to;
    start = nextPeriodStart(start, granularity, offsetMinutes)
  ) {
    const end = nextPeriodStart(start, granularity, offsetMinutes);
    periods.push({
      label: periodLabel(start, granularity, offsetMinutes),
      from: Math.max(start, range.from),
      to: Math.min(end, range.to),
    });
  }
  return periods;
};

/** The whole calendar period containing `at`. */
export const periodContaining = (
  at: number,
  granularity: PeriodGranularity,
  offsetMinutes: UtcOffsetMinutes = 0,
): ReportingPeriod => {
  const start = periodStart(at, granularity, offsetMinutes);
  return {
    label: periodLabel(start, granularity, offsetMinutes),
    from: start,
    to: nextPeriodStart(start, granularity, offsetMinutes),
  };
};

/**
 * Names the period of each instant, remembering the answer per calendar day: a report
 * over 100,000 rows asks for a few hundred days, not 100,000 dates.
 */
export const periodNamer = (
  granularity: PeriodGranularity,
  offsetMinutes: UtcOffsetMinutes = 0,
): ((at: number) => string) => {
  const shift = offsetMinutes * MINUTE;
  const names = new Map<number, string>();
  return (at) => {
    const day = Math.floor((at + shift) / DAY);
    let name = names.get(day);
    if (name === undefined) {
      name = periodLabel(periodStart(at, granularity, offsetMinutes), granularity, offsetMinutes);
      names.set(day, name);
    }
    return name;
  };
};

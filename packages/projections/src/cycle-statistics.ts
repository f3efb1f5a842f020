/**
 * Count, mean, median and 90th percentile of durations, in days. The median is the middle
 * value (the mean of the two middle ones for an even count); the 90th percentile uses the
 * nearest-rank method: the smallest value with at least 90 % of the values at or below it,
 * i.e. the ⌈0.9·n⌉-th smallest. All `null` when there is nothing to measure.
 */
export interface CycleStatistics {
  readonly count: number;
  readonly meanDays: number | null;
  readonly medianDays: number | null;
  readonly p90Days: number | null;
}

const DAY = 86_400_000;

/** Durations being collected, in milliseconds. */
export class Durations {
  private readonly values: number[] = [];
  add(milliseconds: number): void {
    this.values.push(milliseconds);
  }
  statistics(): CycleStatistics {
    const n = this.values.length;
    if (n === 0) return { count: 0, meanDays: null, medianDays: null, p90Days: null };
    const sorted = Float64Array.from(this.values).sort();
    let sum = 0;
    for (const value of sorted) sum += value;
    const middle = n >> 1;
    const median =
      n % 2 === 1
        ? (sorted[middle] as number)
        : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
    const p90 = sorted[Math.ceil(0.9 * n) - 1] as number;
    return { count: n, meanDays: sum / n / DAY, medianDays: median / DAY, p90Days: p90 / DAY };
  }
}

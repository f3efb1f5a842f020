import cliProgress from "cli-progress";
import type { OutputStream } from "./cli-io.js";

/** One long step of a command, shown while it runs. */
export interface ProgressBar {
  /** `done` units of the total are done. */
  update(done: number): void;
  /** The step is over: the bar shows its total, the time it took and the rate. */
  finish(): void;
}

/** What a bar measures. */
export interface ProgressTask {
  /** What is being done, e.g. "copying events". */
  readonly label: string;
  /** Units to do; 0 when there is nothing (the bar then ends at once). */
  readonly total: number;
  /** The unit's name in the plural, e.g. "events"; "MB" for bytes shown by `formatAmount`. */
  readonly unit: string;
  /** How an amount is written; whole numbers with thousands separators by default. */
  readonly formatAmount?: (amount: number) => string;
  /** Milliseconds now; `Date.now` by default. */
  readonly clock?: () => number;
}

// Plain lines (no terminal): at most one a second, so that a CI log stays readable.
const PLAIN_LINE_EVERY_MS = 1_000;

const wholeNumber = (amount: number): string => Math.round(amount).toLocaleString("en-US");

/** A duration as people read it: "0.4 s", "12 s", "3 min 05 s", "2 h 07 min". */
export const formatDuration = (ms: number): string => {
  if (!Number.isFinite(ms) || ms < 0) return "?";
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${String(seconds % 60).padStart(2, "0")} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, "0")} min`;
};

/** Megabytes with one decimal, for amounts in bytes. */
export const formatMegabytes = (bytes: number): string => (bytes / 1_000_000).toFixed(1);

/**
 * Starts a bar on `out`: on a terminal a redrawn bar (cli-progress) with the share done,
 * the rate and the time left; elsewhere (a pipe, a CI log) plain lines with the same
 * figures, at most one a second and one at the end.
 */
export const startProgressBar = (out: OutputStream, task: ProgressTask): ProgressBar => {
  const clock = task.clock ?? Date.now;
  const format = task.formatAmount ?? wholeNumber;
  const startedAt = clock();
  const total = Math.max(0, task.total);
  let done = 0;

  const figures = () => {
    const elapsed = Math.max(1, clock() - startedAt);
    const rate = (done / elapsed) * 1000;
    const left = rate > 0 ? ((total - done) / rate) * 1000 : Number.NaN;
    return {
      percentage: total === 0 ? 100 : Math.floor((done / total) * 100),
      rate: `${format(rate)} ${task.unit}/s`,
      timeLeft: done >= total ? "ETA 0.0 s" : `ETA ${formatDuration(left)}`,
      elapsed: formatDuration(clock() - startedAt),
    };
  };

  if (out.isTTY === true) {
    const bar = new cliProgress.SingleBar(
      {
        stream: out as NodeJS.WritableStream,
        format: `${task.label} [{bar}] {percentage}% | {value}/{total} ${task.unit} | {rate} | {timeLeft}`,
        hideCursor: true,
        clearOnComplete: false,
        barsize: Math.max(10, Math.min(30, (out.columns ?? 80) - 70)),
        formatValue: (value, _options, type) =>
          type === "value" || type === "total" ? format(value) : String(value),
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, figures());
    return {
      update(to) {
        done = Math.min(total, Math.max(done, to));
        bar.update(done, figures());
      },
      finish() {
        done = total;
        bar.update(done, { ...figures(), timeLeft: `done in ${figures().elapsed}` });
        bar.stop();
      },
    };
  }

  // The first line after a second: a step that ends sooner prints its last line only.
  let lastLineAt = startedAt;
  const line = (text: string) => out.write(`${task.label}: ${text}\n`);
  return {
    update(to) {
      done = Math.min(total, Math.max(done, to));
      if (clock() - lastLineAt < PLAIN_LINE_EVERY_MS) return;
      lastLineAt = clock();
      const now = figures();
      line(
        `${now.percentage}% (${format(done)}/${format(total)} ${task.unit}), ${now.rate}, ${now.timeLeft}`,
      );
    },
    finish() {
      done = total;
      const now = figures();
      line(`100% (${format(total)} ${task.unit}) in ${now.elapsed}, ${now.rate}`);
    },
  };
};

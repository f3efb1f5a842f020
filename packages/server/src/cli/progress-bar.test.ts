import { describe, expect, it } from "vitest";
import { capturingStream } from "./cli-run.test-fixture.js";
import { formatDuration, startProgressBar } from "./progress-bar.js";

// Anything that can take more than a second shows its share done, its rate and the time
// left: redrawn on a terminal, in plain lines at most once a second elsewhere (CI logs).

describe("a progress bar", () => {
  it("writes plain lines with rate and ETA, at most one a second, when not on a terminal", () => {
    const out = capturingStream(false);
    let now = 0;
    const bar = startProgressBar(out, {
      label: "reading events",
      total: 10_000,
      unit: "events",
      clock: () => now,
    });
    now = 500;
    bar.update(1_000); // within the first second: nothing yet
    now = 1_000;
    bar.update(2_000);
    now = 1_500;
    bar.update(3_000); // half a second after the last line: nothing
    now = 2_000;
    bar.update(4_000);
    now = 4_000;
    bar.finish();
    expect(out.text().split("\n")).toEqual([
      "reading events: 20% (2,000/10,000 events), 2,000 events/s, ETA 4.0 s",
      "reading events: 40% (4,000/10,000 events), 2,000 events/s, ETA 3.0 s",
      "reading events: 100% (10,000 events) in 4.0 s, 2,500 events/s",
      "",
    ]);
  });

  it("redraws one bar with the share, the rate and the time left on a terminal", async () => {
    const out = capturingStream(true);
    let now = 0;
    const bar = startProgressBar(out, {
      label: "copying",
      total: 4_000_000,
      unit: "MB",
      formatAmount: (bytes) => (bytes / 1_000_000).toFixed(1),
      clock: () => now,
    });
    // cli-progress redraws at most 10 times a second, by the real clock.
    await new Promise((resolve) => setTimeout(resolve, 250));
    now = 1_000;
    bar.update(1_000_000);
    now = 2_000;
    bar.finish();
    const text = out.text();
    expect(text).toContain("copying [");
    expect(text).toContain("25% | 1.0/4.0 MB | 1.0 MB/s | ETA 3.0 s");
    expect(text).toContain("100% | 4.0/4.0 MB | 2.0 MB/s | done in 2.0 s");
    // One line redrawn in place, not a line per update.
    expect(text.split("\n").length).toBeLessThanOrEqual(2);
  });

  it("tells durations as people read them", () => {
    expect([400, 12_000, 185_000, 7_620_000].map(formatDuration)).toEqual([
      "0.4 s",
      "12 s",
      "3 min 05 s",
      "2 h 07 min",
    ]);
  });
});

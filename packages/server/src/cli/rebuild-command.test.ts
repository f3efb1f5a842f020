import { rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createServer } from "../server.js";
import { makeDemoDataDirectory, runCli, useScratch } from "./cli-run.test-fixture.js";

const scratch = useScratch();

describe("leadledger rebuild", () => {
  it("makes the views' rows again from the events, printing its progress", async () => {
    const dataDir = join(scratch(), "data");
    const leads = await makeDemoDataDirectory(dataDir);
    rmSync(join(dataDir, "read-model.sqlite"));

    const run = await runCli("rebuild", "--data-dir", dataDir);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    // Not a terminal: plain lines, each step ending with its count, time and rate.
    expect(run.stdout).toMatch(
      /^reading events: 100% \([\d,]+ events\) in \d+\.\d s, [\d,]+ events\/s$/m,
    );
    expect(run.stdout).toMatch(
      new RegExp(`^writing rows: 100% \\(${leads} leads\\) in .+, [\\d,]+ leads/s$`, "m"),
    );
    expect(run.stdout).toContain(
      `rebuilt ${join(dataDir, "read-model.sqlite")}: ${leads} leads from `,
    );

    // The server resumes from the rebuilt rows: all there, nothing left to replay.
    const server = await createServer({ dataDir, logLevel: false });
    try {
      expect(server.runner.summaries().length).toBe(leads);
    } finally {
      await server.app.close();
    }
  });
});

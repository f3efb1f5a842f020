import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { DEMO_ORGANISATION } from "./server-config.js";
import { tokenTable } from "./token-table.js";

const issued = DEMO_ORGANISATION.map((holder, index) => ({
  ...holder,
  token: `llk_${String(index).repeat(43)}`,
}));

describe("the token table printed on first start", () => {
  it("shows each token's actor id, role and department beside the token", () => {
    const rows = tokenTable(issued).split("\n").slice(2);
    expect(rows).toHaveLength(issued.length);
    for (const [index, token] of issued.entries()) {
      const cells = (rows[index] ?? "").trim().split(/\s{2,}/);
      expect(cells.slice(0, 4)).toEqual([
        token.actor.id,
        token.actor.role,
        token.actor.department,
        token.token,
      ]);
      expect(cells.slice(4).join("  ")).toBe(token.name);
    }
  });

  it("names its columns and lines them up", () => {
    const [title, heading, ...rows] = tokenTable(issued).split("\n");
    expect(title).toContain("shown once");
    expect(heading?.trim().split(/\s+/)).toEqual([
      "actor",
      "role",
      "department",
      "token",
      "holder",
    ]);
    // Every column but the last (the holder) starts at the same place in every line.
    const starts = (text: string) => [...text.matchAll(/(?<=\s{2})\S/g)].map((m) => m.index);
    const tokenColumn = heading?.indexOf("token");
    for (const row of rows) {
      expect(row.indexOf("llk_")).toBe(tokenColumn);
      expect(starts(row).slice(0, 3)).toEqual(starts(heading ?? "").slice(0, 3));
    }
  });
});

describe("pnpm start on an empty data directory", () => {
  it("prints the first token with its actor id, role and department", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "leadledger-token-table-"));
    const here = dirname(fileURLToPath(import.meta.url));
    const child = spawn(
      process.execPath,
      ["--conditions=source", "--import", "tsx", join(here, "main.ts")],
      {
        // `--import tsx` is resolved from the working directory: the workspace root has tsx.
        cwd: resolve(here, "../../.."),
        env: {
          ...process.env,
          LEADLEDGER_DATA_DIR: dataDir,
          LEADLEDGER_DEMO: "0",
          PORT: "0",
          LOG_LEVEL: "silent",
        },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    try {
      let output = "";
      const printed = new Promise<void>((done, failed) => {
        child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
          output += chunk;
          if (/llk_\S+.*\n/.test(output)) done();
        });
        child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
          output += chunk;
        });
        child.on("exit", (code) => failed(new Error(`exited ${code} before a token: ${output}`)));
      });
      await printed;
      const row = output.split("\n").find((line) => line.includes("llk_")) ?? "";
      expect(row.trim().split(/\s+/).slice(0, 3)).toEqual(["admin", "executive", "hq"]);
    } finally {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((done) => child.on("exit", done));
        child.kill("SIGTERM");
        await exited;
      }
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

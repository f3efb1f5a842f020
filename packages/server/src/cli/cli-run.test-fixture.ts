import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import { createServer } from "../server.js";
import type { CliIo } from "./cli-io.js";
import { runLeadledger } from "./leadledger-program.js";

/** What one run of the command line did. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A stream that keeps what is written; a terminal when `isTTY`. */
export const capturingStream = (isTTY = false) => {
  let text = "";
  return {
    isTTY,
    columns: 120,
    write(chunk: string) {
      text += chunk;
      return true;
    },
    text: () => text,
  };
};

/** Runs `leadledger <argv>` in this process, as the binary would, with its output kept. */
export const runCli = async (...argv: string[]): Promise<CliRun> => {
  const stdout = capturingStream();
  const stderr = capturingStream();
  const io: CliIo = { stdout, stderr };
  const code = await runLeadledger(argv, io);
  return { code, stdout: stdout.text(), stderr: stderr.text() };
};

/** Temporary directories, removed after the file's tests. */
export const useScratch = (): (() => string) => {
  const made: string[] = [];
  afterAll(() => {
    for (const directory of made.splice(0)) rmSync(directory, { recursive: true, force: true });
  });
  return () => {
    const directory = mkdtempSync(join(tmpdir(), "leadledger-cli-"));
    made.push(directory);
    return directory;
  };
};

/**
 * A real data directory, as the standalone server leaves it: demo leads (some erased),
 * config.json, the read model and the log's checkpoints, the server stopped. Answers the
 * number of lead rows its views held.
 */
export const makeDemoDataDirectory = async (dataDir: string, demoLeads = 30): Promise<number> => {
  const server = await createServer({ dataDir, demoLeads, durability: "normal", logLevel: false });
  const leads = server.runner.summaries().length;
  await server.app.close();
  return leads;
};

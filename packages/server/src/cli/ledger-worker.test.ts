import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { beforeAll, describe, expect, it } from "vitest";
import { makeDemoDataDirectory, runCli, useScratch } from "./cli-run.test-fixture.js";
import type { LedgerTask, LedgerTaskMessage } from "./ledger-task.js";

// The built command runs its long jobs on this worker; here the worker is started from its
// source (through tsx, as Node cannot start a .ts worker by itself) and asked for a
// verification, as the command asks it.

const scratch = useScratch();
let backup: string;

beforeAll(async () => {
  const root = scratch();
  await makeDemoDataDirectory(join(root, "data"));
  backup = join(root, "backup");
  expect((await runCli("backup", backup, "--data-dir", join(root, "data"))).code).toBe(0);
});

const runWorker = (task: LedgerTask): Promise<LedgerTaskMessage[]> => {
  const source = pathToFileURL(fileURLToPath(new URL("./ledger-worker.ts", import.meta.url)));
  const boot = `import("tsx/esm/api").then(({ register }) => { register(); return import(${JSON.stringify(source.href)}); })`;
  const worker = new Worker(boot, {
    eval: true,
    workerData: task,
    execArgv: ["--conditions=source"],
  });
  const messages: LedgerTaskMessage[] = [];
  return new Promise((resolve, reject) => {
    worker.on("message", (message: LedgerTaskMessage) => messages.push(message));
    worker.on("error", reject);
    worker.on("exit", () => resolve(messages));
  });
};

describe("the ledger worker", () => {
  it("posts a verification's progress, then its report", async () => {
    const messages = await runWorker({ kind: "verify", path: backup, options: {} });
    const last = messages.at(-1);
    expect(last?.type).toBe("done");
    const report =
      last?.type === "done" ? (last.result as { ok: boolean; eventCount: number }) : undefined;
    expect(report?.ok).toBe(true);
    expect(messages.slice(0, -1)).toEqual([
      { type: "progress", progress: { pass: "histories", events: report?.eventCount } },
    ]);
  });

  it("posts what a job threw as a failure", async () => {
    const messages = await runWorker({
      kind: "backup",
      files: {
        events: join(backup, "events.sqlite"),
        keys: join(backup, "keys.sqlite"),
        config: join(backup, "missing.json"),
      },
      directory: join(scratch(), "never"),
    });
    expect(messages).toEqual([
      { type: "failed", message: expect.stringContaining("missing.json does not exist") },
    ]);
  });
});

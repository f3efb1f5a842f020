import {
  backupLedger,
  restoreLedger,
  type VerifyOptions,
  type VerifyProgress,
  verifyBackup,
} from "@leadledger/sqlite-adapter";
import type { LedgerTask, LedgerTaskMessage, TaskVerifyOptions } from "./ledger-task.js";

const run = async (
  task: LedgerTask,
  tell: (message: LedgerTaskMessage) => void,
): Promise<LedgerTaskMessage> => {
  const verifyOptions = (options: TaskVerifyOptions): VerifyOptions => ({
    ...options,
    onProgress: (progress: VerifyProgress) => tell({ type: "progress", progress }),
  });
  switch (task.kind) {
    case "backup":
      return { type: "done", result: await backupLedger(task.files, task.directory) };
    case "verify":
      return { type: "done", result: await verifyBackup(task.path, verifyOptions(task.options)) };
    case "restore":
      return {
        type: "done",
        result: await restoreLedger({
          from: task.from,
          ...(task.keysFrom === undefined ? {} : { keysFrom: task.keysFrom }),
          to: task.to,
          verify: verifyOptions(task.options),
        }),
      };
  }
};

/**
 * Does one of the ledger's long synchronous jobs (a backup's copy, a verification, a
 * restore) and tells `tell` its progress, then its result or what it threw. The
 * `leadledger` command calls it on a worker thread (ledger-worker.ts).
 */
export const performLedgerTask = async (
  task: LedgerTask,
  tell: (message: LedgerTaskMessage) => void,
): Promise<void> => {
  try {
    tell(await run(task, tell));
  } catch (error) {
    tell({ type: "failed", message: error instanceof Error ? error.message : String(error) });
  }
};

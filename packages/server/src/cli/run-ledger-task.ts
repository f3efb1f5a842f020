import { Worker } from "node:worker_threads";
import type { VerifyProgress } from "@leadledger/sqlite-adapter";
import * as E from "fp-ts/lib/Either.js";
import type { LedgerTask, LedgerTaskMessage, LedgerTaskResults } from "./ledger-task.js";
import { performLedgerTask } from "./perform-ledger-task.js";

// Built, the worker is the compiled file beside this one. Run from the TypeScript sources
// (the tests, tsx) there is no compiled worker to start and Node cannot start a .ts one:
// the job then runs on this thread, reporting the same progress and result
// (ledger-worker.test.ts runs the worker itself from its source).
const FROM_SOURCES = import.meta.url.endsWith(".ts");

/**
 * Runs a ledger job on a worker thread and tells its progress as it comes. Resolves with
 * its result, or with the message of what it threw (or of the worker's crash).
 */
export const runLedgerTask = <K extends LedgerTask["kind"]>(
  task: Extract<LedgerTask, { kind: K }>,
  onProgress: (progress: VerifyProgress) => void = () => {},
): Promise<E.Either<string, LedgerTaskResults[K]>> =>
  new Promise((resolve) => {
    let settled = false;
    const settle = (result: E.Either<string, LedgerTaskResults[K]>) => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    const receive = (message: LedgerTaskMessage) => {
      if (message.type === "progress") onProgress(message.progress);
      else if (message.type === "done") settle(E.right(message.result as LedgerTaskResults[K]));
      else settle(E.left(message.message));
    };
    if (FROM_SOURCES) {
      void performLedgerTask(task, receive);
      return;
    }
    const worker = new Worker(new URL("./ledger-worker.js", import.meta.url), { workerData: task });
    worker.on("message", receive);
    worker.on("error", (error) => settle(E.left(error.message)));
    worker.on("exit", (code) => settle(E.left(`the worker stopped (exit code ${code})`)));
  });

import { parentPort, workerData } from "node:worker_threads";
import type { LedgerTask } from "./ledger-task.js";
import { performLedgerTask } from "./perform-ledger-task.js";

// The worker thread of `leadledger`: runs one long synchronous job of the ledger and posts
// its progress and its result, so that the main thread stays free to draw the progress.
await performLedgerTask(workerData as LedgerTask, (message) => parentPort?.postMessage(message));

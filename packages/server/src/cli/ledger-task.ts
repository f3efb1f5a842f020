import type { StoreUnavailable } from "@leadledger/core";
import type {
  BackupManifest,
  BackupVerification,
  LedgerFiles,
  RestoreRefused,
  VerifyProgress,
} from "@leadledger/sqlite-adapter";
import type { Either } from "fp-ts/lib/Either.js";

/** What a verification is given in a worker: no functions cross a thread. */
export interface TaskVerifyOptions {
  readonly secret?: Uint8Array;
  readonly checkpoints?: string;
}

/**
 * The ledger's long synchronous jobs, which the `leadledger` command runs on a worker
 * thread so that its own thread stays free to draw their progress.
 */
export type LedgerTask =
  | { readonly kind: "backup"; readonly files: LedgerFiles; readonly directory: string }
  | { readonly kind: "verify"; readonly path: string; readonly options: TaskVerifyOptions }
  | {
      readonly kind: "restore";
      readonly from: string;
      readonly keysFrom: string | undefined;
      readonly to: LedgerFiles;
      readonly options: TaskVerifyOptions;
    };

/** What each job answers. */
export interface LedgerTaskResults {
  readonly backup: Either<StoreUnavailable, BackupManifest>;
  readonly verify: BackupVerification;
  readonly restore: Either<RestoreRefused, { readonly eventCount: number }>;
}

/** What the worker tells the thread that started it. */
export type LedgerTaskMessage =
  | { readonly type: "progress"; readonly progress: VerifyProgress }
  | { readonly type: "done"; readonly result: LedgerTaskResults[LedgerTask["kind"]] }
  /** The job threw: a bug, or a refusal the library signals by throwing; the message says which. */
  | { readonly type: "failed"; readonly message: string };

import { join } from "node:path";
import { type LedgerFiles, ledgerFiles } from "@leadledger/sqlite-adapter";

/** Every file the standalone server keeps in its data directory. */
export interface DataDirectoryFiles extends LedgerFiles {
  /** `config.json`: the ledger secret and the API tokens' hashes. */
  readonly config: string;
  /** The views' rows and their checkpoint: derived from the events, rebuilt at will. */
  readonly readModel: string;
  /** The log's signed checkpoints, unless the server was told to keep them elsewhere. */
  readonly checkpoints: string;
  /** The worklist's sealed cards and search index: derived from the events and keys, rebuilt at will. */
  readonly worklist: string;
}

/** The layout of a data directory (docs/operations.md, "Files"). */
export const dataDirectoryFiles = (dataDir: string): DataDirectoryFiles => ({
  ...ledgerFiles(dataDir),
  config: join(dataDir, "config.json"),
  readModel: join(dataDir, "read-model.sqlite"),
  checkpoints: join(dataDir, "checkpoints.jsonl"),
  worklist: join(dataDir, "worklist.sqlite"),
});

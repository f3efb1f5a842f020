// The public API of the SQLite adapter: the stores, the audit and the backup an operator's
// tools call. The checkpoint file's line format and the schema stay inside.
export type { CheckpointLine } from "./audit/checkpoint-file.js";
export * from "./audit/checkpoint-recorder.js";
export { checkDatabaseIntegrity, type DatabaseIntegrity } from "./audit/database-integrity.js";
export * from "./audit/keys-and-streams.js";
export * from "./audit/verify-log-checkpoints.js";
export type { VerifyProgress } from "./audit/verify-progress.js";
export * from "./backup/backup-ledger.js";
export * from "./backup/backup-manifest.js";
export * from "./backup/expire-key-backups.js";
export * from "./backup/restore-ledger.js";
export * from "./backup/verify-backup.js";
export * from "./connection/durability.js";
export * from "./connection/private-files.js";
export { unavailableFrom } from "./connection/store-failure.js";
export * from "./ledger-files.js";
export * from "./ledger-holds-data.js";
export * from "./privacy/sqlite-key-store.js";
export * from "./read-model/index.js";
export * from "./store/events-summary.js";
export * from "./store/sqlite-event-store.js";
export * from "./worklist/sqlite-worklist-store.js";
export * from "./worklist/worklist-file-summary.js";

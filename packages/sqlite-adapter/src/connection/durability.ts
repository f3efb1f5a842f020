/**
 * How hard a commit waits for the disk before it is acknowledged (SQLite's `synchronous`).
 *
 * - `"full"` (the default): the WAL is fsynced on every commit, so an acknowledged append
 *   survives a power cut as well as a crash of the process.
 * - `"extra"`: `"full"` and the directory is synced too; for filesystems where a new WAL
 *   file's directory entry could be lost.
 * - `"normal"`: fsync only at checkpoints. An acknowledged append survives a crash of the
 *   process, but the last commits before a power cut or an OS crash may be lost (never
 *   half-written). Several times faster for single appends; group commit narrows the gap.
 */
export type Durability = "extra" | "full" | "normal";

/** The durability used unless the embedder chooses another. */
export const DEFAULT_DURABILITY: Durability = "full";

/** How long a writer waits for another connection's write lock before giving up. */
export const DEFAULT_BUSY_TIMEOUT_MS = 5_000;

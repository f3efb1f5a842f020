import type { StoreUnavailable } from "@leadledger/core";

// Codes that say "the file or the disk is not usable right now", as opposed to a bug in
// our SQL: locked past the busy timeout, disk full, I/O error, file gone or read-only.
const UNAVAILABLE_CODES = /^SQLITE_(BUSY|LOCKED|FULL|IOERR|CANTOPEN|READONLY|PROTOCOL)/;

/**
 * The `store.unavailable` value for an error SQLite raised because the database could not
 * be used right now; `undefined` for anything else, which the caller rethrows as a bug.
 */
export const unavailableFrom = (error: unknown): StoreUnavailable | undefined => {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== "string" || !UNAVAILABLE_CODES.test(code)) return undefined;
  return { code: "store.unavailable", message: `${code}: ${(error as Error).message}` };
};

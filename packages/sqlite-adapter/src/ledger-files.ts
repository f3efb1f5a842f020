import { join } from "node:path";

/** The two SQLite files a ledger keeps: its events and, apart from them, its lead keys. */
export interface LedgerFiles {
  readonly events: string;
  readonly keys: string;
}

/**
 * The default layout of a ledger's data directory: `events.sqlite` and `keys.sqlite`.
 * Keys live in their own file so that they can be backed up, kept and erased on their own
 * schedule (see docs/operations.md).
 */
export const ledgerFiles = (directory: string): LedgerFiles => ({
  events: join(directory, "events.sqlite"),
  keys: join(directory, "keys.sqlite"),
});

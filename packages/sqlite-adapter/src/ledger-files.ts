import { join } from "node:path";

/** The files a ledger keeps: its events, apart from them its lead keys, and its secret. */
export interface LedgerFiles {
  readonly events: string;
  readonly keys: string;
  /**
   * The file that holds the ledger secret: the standalone server's `config.json` (the
   * secret, and the API tokens' hashes beside it). Duplicate detection and the suppression
   * list are keyed hashes under that secret, so a ledger restored without it would no longer
   * recognise anyone. A backup copies it (0600, checksummed) and a restore installs it.
   * Leave it out only when the secret is kept, and backed up, elsewhere.
   */
  readonly config?: string;
  /**
   * The standalone server's API tokens (their hashes, never the tokens): a backup copies the
   * file when it exists, and a restore installs it, so that restored servers accept the
   * tokens that were valid, and refuse those revoked, when the backup was taken.
   */
  readonly tokens?: string;
}

/**
 * The default layout of a ledger's data directory: `events.sqlite`, `keys.sqlite`,
 * `config.json` and `tokens.sqlite`. Keys live in their own file so that they can be backed up, kept and erased
 * on their own schedule (see docs/operations.md).
 */
export const ledgerFiles = (directory: string): LedgerFiles => ({
  events: join(directory, "events.sqlite"),
  keys: join(directory, "keys.sqlite"),
  config: join(directory, "config.json"),
  tokens: join(directory, "tokens.sqlite"),
});

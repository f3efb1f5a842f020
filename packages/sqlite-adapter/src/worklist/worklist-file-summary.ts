import Database from "better-sqlite3";

/** What a worklist file holds, for an operator: counts and the checkpoint, never a card or a term. */
export interface WorklistFileSummary {
  /** Leads with a sealed card: those indexed and not purged. */
  readonly cards: number;
  /** Rows of the blind index (keyed hashes of terms, one per term and lead). */
  readonly terms: number;
  /** The position of the log the index is up to, as a decimal string; `undefined` before its first commit. */
  readonly checkpoint: string | undefined;
}

/**
 * Counts a worklist file's cards and index rows and reads its checkpoint, read-only in one
 * snapshot (a live file too). Throws when the file cannot be read or holds no worklist
 * (its tables are missing): the caller reports why.
 */
export const summariseWorklistFile = (path: string): WorklistFileSummary => {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return db.transaction(() => {
      const count = (table: string): number =>
        db.prepare<[], number>(`SELECT COUNT(*) FROM ${table}`).pluck().get() ?? 0;
      const checkpoint = db
        .prepare<[], string>("SELECT position FROM worklist_checkpoint WHERE one = 1")
        .pluck()
        .get();
      return {
        cards: count("worklist_cards"),
        terms: count("worklist_terms"),
        checkpoint,
      };
    })();
  } finally {
    db.close();
  }
};

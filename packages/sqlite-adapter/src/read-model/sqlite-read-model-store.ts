import type { GlobalPosition } from "@leadledger/core";
import { positionFromString, positionToString } from "@leadledger/core";
import type {
  LeadSummary,
  ReadModelRebuild,
  ReadModelStore,
  ReadModelUnavailable,
  SummaryCommit,
} from "@leadledger/projections";
import Database from "better-sqlite3";
import * as E from "fp-ts/lib/Either.js";
import { ensurePrivateDatabaseFile } from "../connection/open-database.js";

/** How to open the SQLite read model. */
export interface SqliteReadModelOptions {
  /** The database file; it may be the events file or one of its own. */
  readonly path: string;
  /**
   * SQLite's `synchronous` for this connection. Default `"normal"`: in WAL mode a commit
   * survives a crash of the process; after a power cut the last commits may be lost, and
   * the runner simply replays them from the older checkpoint.
   */
  readonly synchronous?: "full" | "normal" | "off";
}

const LIVE = "lead_summaries";
const REBUILD = "lead_summaries_rebuild";
const MODEL = "lead-summary";
const REBUILDING = "lead-summary:rebuild";

// [column, field, kind]: one table for the schema, the writes and the reads.
const COLUMNS = [
  ["lead_id", "leadId", "text"],
  ["stage", "stage", "text"],
  ["owner_id", "ownerId", "text"],
  ["department", "department", "text"],
  ["channel", "channel", "text"],
  ["source_class", "sourceClass", "text"],
  ["inquiry_mode", "inquiryMode", "text"],
  ["region", "region", "text"],
  ["industry", "industry", "text"],
  ["grade", "grade", "text"],
  ["value_tier", "valueTier", "text"],
  ["acquired_at", "acquiredAt", "integer"],
  ["entered_at", "enteredAt", "integer"],
  ["first_follow_up_at", "firstFollowUpAt", "integer"],
  ["last_follow_up_at", "lastFollowUpAt", "integer"],
  ["agreed_next_follow_up_on", "agreedNextFollowUpOn", "text"],
  ["next_follow_up_due_at", "nextFollowUpDueAt", "integer"],
  ["converted_at", "convertedAt", "integer"],
  ["deal_amount", "dealAmount", "real"],
  ["deal_currency", "dealCurrency", "text"],
  ["flagged_for_purge", "flaggedForPurge", "boolean"],
  ["purged_at", "purgedAt", "integer"],
  ["purge_reason", "purgeReason", "text"],
  ["contact_count", "contactCount", "integer"],
  ["visit_count", "visitCount", "integer"],
  // A JSON array of field names, NULL when not known (a lead captured before issue 14).
  ["to_be_confirmed", "toBeConfirmed", "text"],
  ["event_count", "eventCount", "integer"],
  ["revision", "revision", "integer"],
] as const satisfies readonly (readonly [string, keyof LeadSummary, string])[];

const NOT_NULL = new Set<string>([
  "lead_id",
  "stage",
  "owner_id",
  "department",
  "acquired_at",
  "entered_at",
  "next_follow_up_due_at",
  "flagged_for_purge",
  "contact_count",
  "visit_count",
  "event_count",
  "revision",
]);

const createTable = (name: string): string =>
  `CREATE TABLE IF NOT EXISTS ${name} (${COLUMNS.map(
    ([column, , kind]) =>
      `${column} ${kind === "boolean" ? "INTEGER" : kind.toUpperCase()}${NOT_NULL.has(column) ? " NOT NULL" : ""}${column === "lead_id" ? " PRIMARY KEY" : ""}`,
  ).join(", ")}) WITHOUT ROWID`;

// Written out rather than mapped over COLUMNS: it runs once per row written.
const toParameters = (row: LeadSummary): unknown[] => [
  row.leadId,
  row.stage,
  row.ownerId,
  row.department,
  row.channel,
  row.sourceClass,
  row.inquiryMode,
  row.region,
  row.industry,
  row.grade,
  row.valueTier,
  row.acquiredAt,
  row.enteredAt,
  row.firstFollowUpAt,
  row.lastFollowUpAt,
  row.agreedNextFollowUpOn,
  row.nextFollowUpDueAt,
  row.convertedAt,
  row.dealAmount,
  row.dealCurrency,
  row.flaggedForPurge ? 1 : 0,
  row.purgedAt,
  row.purgeReason,
  row.contactCount,
  row.visitCount,
  row.toBeConfirmed === null ? null : JSON.stringify(row.toBeConfirmed),
  row.eventCount,
  row.revision,
];

// Written out, in the order of the fold's draftOf literal, for two reasons: rows loaded
// here and rows folded from events then share one hidden class, so the views' loops over
// 100,000 rows stay monomorphic (a row built key by key made the pipeline five times
// slower); and no intermediate object per row is made while loading.
const toSummary = (v: readonly unknown[]): LeadSummary =>
  ({
    leadId: v[0],
    stage: v[1],
    ownerId: v[2],
    department: v[3],
    channel: v[4],
    sourceClass: v[5],
    inquiryMode: v[6],
    region: v[7],
    industry: v[8],
    grade: v[9],
    valueTier: v[10],
    acquiredAt: v[11],
    enteredAt: v[12],
    firstFollowUpAt: v[13],
    lastFollowUpAt: v[14],
    agreedNextFollowUpOn: v[15],
    nextFollowUpDueAt: v[16],
    convertedAt: v[17],
    dealAmount: v[18],
    dealCurrency: v[19],
    flaggedForPurge: v[20] === 1,
    purgedAt: v[21],
    purgeReason: v[22],
    contactCount: v[23],
    visitCount: v[24],
    toBeConfirmed: v[25] === null ? null : JSON.parse(v[25] as string),
    eventCount: v[26],
    revision: v[27],
  }) as LeadSummary;

/**
 * Whether a table has the columns this version writes, in its order. A read model is
 * derived from the log: a file written by a version with other columns (before issue 14's
 * `to_be_confirmed`, say) is dropped with its checkpoint, and the runner rebuilds it from
 * the first event, rather than every write failing on a missing column.
 */
const hasCurrentColumns = (db: Database.Database, table: string): boolean => {
  const found = (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map(
    (column) => column.name,
  );
  return (
    found.length === COLUMNS.length && COLUMNS.every(([column], index) => found[index] === column)
  );
};

const unavailable = (error: unknown): ReadModelUnavailable => ({
  code: "read-model.unavailable",
  message: error instanceof Error ? error.message : String(error),
});

/** Runs `work`; a SQLite failure becomes a value, anything else is a bug and is thrown. */
const attempt = <A>(work: () => A): E.Either<ReadModelUnavailable, A> => {
  try {
    return E.right(work());
  } catch (error) {
    if (error instanceof Database.SqliteError) return E.left(unavailable(error));
    throw error;
  }
};

/**
 * A {@link ReadModelStore} in SQLite: one `lead_summaries` row per lead, in plain columns
 * that any SQL tool can read, and the checkpoint in `read_model_checkpoints`, written in
 * the same transaction. A rebuild fills `lead_summaries_rebuild` and swaps it in by
 * renaming, rows and checkpoint in one transaction.
 */
export const openSqliteReadModelStore = (options: SqliteReadModelOptions): ReadModelStore => {
  // Its rows are company secrets (docs/domain.md §7) even without personal data: owner only.
  ensurePrivateDatabaseFile(options.path);
  const db = new Database(options.path);
  db.pragma("journal_mode = WAL");
  db.pragma(`synchronous = ${(options.synchronous ?? "normal").toUpperCase()}`);
  db.pragma("busy_timeout = 5000");
  db.exec(
    "CREATE TABLE IF NOT EXISTS read_model_checkpoints (model TEXT PRIMARY KEY, position TEXT NOT NULL)",
  );
  db.transaction(() => {
    const existing = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?")
      .get(LIVE);
    if (existing !== undefined && !hasCurrentColumns(db, LIVE)) {
      db.exec(`DROP TABLE ${LIVE}`);
      db.exec(`DROP TABLE IF EXISTS ${REBUILD}`);
      db.prepare("DELETE FROM read_model_checkpoints WHERE model IN (?, ?)").run(MODEL, REBUILDING);
    }
    db.exec(createTable(LIVE));
  })();

  const placeholders = COLUMNS.map(() => "?").join(", ");
  const columnList = COLUMNS.map(([column]) => column).join(", ");
  const upsert = (table: string) =>
    db.prepare(`INSERT OR REPLACE INTO ${table} (${columnList}) VALUES (${placeholders})`);
  const saveCheckpoint = db.prepare(
    "INSERT INTO read_model_checkpoints (model, position) VALUES (?, ?) ON CONFLICT (model) DO UPDATE SET position = excluded.position",
  );
  const readCheckpoint = db.prepare("SELECT position FROM read_model_checkpoints WHERE model = ?");
  const forgetCheckpoint = db.prepare("DELETE FROM read_model_checkpoints WHERE model = ?");

  const writer = (table: string, model: string) => {
    const insert = upsert(table);
    return db.transaction((batch: SummaryCommit) => {
      // Key order keeps B-tree inserts local: far fewer pages touched than random order.
      const rows = [...batch.summaries].sort((a, b) =>
        a.leadId < b.leadId ? -1 : a.leadId > b.leadId ? 1 : 0,
      );
      for (const row of rows) insert.run(toParameters(row));
      saveCheckpoint.run(model, positionToString(batch.checkpoint));
    });
  };
  const commitLive = writer(LIVE, MODEL);

  const checkpointOf = (model: string): GlobalPosition | undefined => {
    const found = readCheckpoint.get(model) as { position: string } | undefined;
    if (found === undefined) return undefined;
    const position = positionFromString(found.position);
    if (position === undefined)
      throw new Error(`Corrupt checkpoint "${found.position}" in ${db.name}`);
    return position;
  };

  return {
    async load() {
      return attempt(() =>
        db.transaction(() => ({
          checkpoint: checkpointOf(MODEL),
          summaries: (
            db.prepare(`SELECT ${columnList} FROM ${LIVE}`).raw().all() as unknown[][]
          ).map(toSummary),
        }))(),
      );
    },

    async commit(batch) {
      return attempt(() => commitLive(batch));
    },

    async startRebuild() {
      const started = attempt(() => {
        db.transaction(() => {
          db.exec(`DROP TABLE IF EXISTS ${REBUILD}`);
          db.exec(createTable(REBUILD));
          forgetCheckpoint.run(REBUILDING);
        })();
        return writer(REBUILD, REBUILDING);
      });
      if (E.isLeft(started)) return started;
      const commitRebuild = started.right;
      let open = true;
      const rebuild: ReadModelRebuild = {
        async commit(batch) {
          if (!open) throw new Error("This rebuild was already swapped or discarded");
          return attempt(() => commitRebuild(batch));
        },
        async swap() {
          if (!open) throw new Error("This rebuild was already swapped or discarded");
          const swapped = attempt(() =>
            db.transaction(() => {
              const rebuiltTo = checkpointOf(REBUILDING);
              db.exec(`DROP TABLE ${LIVE}`);
              db.exec(`ALTER TABLE ${REBUILD} RENAME TO ${LIVE}`);
              if (rebuiltTo === undefined) forgetCheckpoint.run(MODEL);
              else saveCheckpoint.run(MODEL, positionToString(rebuiltTo));
              forgetCheckpoint.run(REBUILDING);
            })(),
          );
          if (E.isRight(swapped)) open = false;
          return swapped;
        },
        async discard() {
          if (!open) return;
          open = false;
          attempt(() =>
            db.transaction(() => {
              db.exec(`DROP TABLE IF EXISTS ${REBUILD}`);
              forgetCheckpoint.run(REBUILDING);
            })(),
          );
        },
      };
      return E.right(rebuild);
    },

    async close() {
      db.close();
    },
  };
};

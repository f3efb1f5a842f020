import type Database from "better-sqlite3";

/** The schema version this code writes, kept in `PRAGMA user_version`. */
export const EVENTS_SCHEMA_VERSION = 1;

// AUTOINCREMENT so that a position is never reused, even after the last row is removed by
// hand; positions are handed out under the write lock, so a later commit always has larger
// ones and a reader never sees a smaller position appear behind one it already read.
const CREATE_EVENTS = `
CREATE TABLE IF NOT EXISTS events (
  position INTEGER PRIMARY KEY AUTOINCREMENT,
  id       TEXT    NOT NULL UNIQUE,
  stream   TEXT    NOT NULL,
  revision INTEGER NOT NULL CHECK (revision >= 0),
  type     TEXT    NOT NULL,
  data     TEXT    NOT NULL,
  metadata TEXT    NOT NULL,
  UNIQUE (stream, revision)
)`;

/**
 * Creates the events table if the file is new, and refuses a file written by a newer
 * version of this code rather than misreading it.
 */
export const prepareEventsSchema = (db: Database.Database): void => {
  db.transaction(() => {
    const version = db.pragma("user_version", { simple: true }) as number;
    if (version > EVENTS_SCHEMA_VERSION) {
      throw new Error(
        `${db.name} has events schema version ${version}; this code knows up to ${EVENTS_SCHEMA_VERSION}`,
      );
    }
    db.exec(CREATE_EVENTS);
    if (version < EVENTS_SCHEMA_VERSION) db.pragma(`user_version = ${EVENTS_SCHEMA_VERSION}`);
  }).immediate();
};

/**
 * The embedded store: one SQLite file holding jobs, the result cache, once-claims, cursors and the
 * dependency-cache index. Several processes on one machine may open it at once (WAL mode).
 * @module
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

/** File name of the store inside `DATA_DIR`. */
export const DATABASE_FILE = 'quality-gates.sqlite';

/** `DATA_DIR` when unset: relative to the working directory, like Probot's own `.env`. */
export const DEFAULT_DATA_DIR = './data';

/**
 * How long a write waits for another process's write lock before failing. Writes are single-row
 * and take well under a millisecond, so 5 s only passes when the disk is stalled.
 */
export const BUSY_TIMEOUT_MS = 5_000;

/** Bumped when the tables change; older files are migrated forward by {@link openDatabase}. */
export const SCHEMA_VERSION = 1;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS jobs (
  id TEXT PRIMARY KEY,
  dedup_key TEXT NOT NULL UNIQUE,
  supersede_key TEXT,
  state TEXT NOT NULL,
  payload TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL,
  lease_owner TEXT,
  lease_expires_at INTEGER,
  available_at INTEGER NOT NULL,
  last_error TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS jobs_ready ON jobs (state, available_at);
CREATE INDEX IF NOT EXISTS jobs_supersede ON jobs (supersede_key) WHERE supersede_key IS NOT NULL;
CREATE TABLE IF NOT EXISTS result_cache (
  key TEXT PRIMARY KEY,
  results TEXT NOT NULL,
  stored_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS ledger (
  key TEXT PRIMARY KEY,
  claimed_at INTEGER NOT NULL,
  expires_at INTEGER
);
CREATE TABLE IF NOT EXISTS cursors (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS dependency_cache (
  key TEXT PRIMARY KEY,
  path TEXT NOT NULL,
  size_bytes INTEGER NOT NULL,
  last_used INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS dependency_cache_lru ON dependency_cache (last_used);
`;

/** An open store file. */
export type StoreDatabase = Database.Database;

/**
 * Opens (creating on first start) `<dataDir>/quality-gates.sqlite`.
 *
 * `synchronous = NORMAL`: a commit is in the write-ahead log when it returns and survives the app
 * being killed at any moment; the log reaches the disk when it is checkpointed, which the job queue
 * does several times a second in its own thread (`store/checkpointer.ts`, where the trade-off is
 * explained). A commit costs about 0.03 ms instead of an fsync's 0.3–40 ms.
 * @param dataDir Folder of the file; created if missing.
 */
export function openDatabase(dataDir: string): StoreDatabase {
  const file = path.join(dataDir, DATABASE_FILE);
  let db: StoreDatabase;
  try {
    fs.mkdirSync(dataDir, { recursive: true });
    db = new Database(file);
  } catch (error) {
    throw new Error(`cannot open the job store ${file}: check that DATA_DIR is writable by this user`, {
      cause: error,
    });
  }
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma(`busy_timeout = ${String(BUSY_TIMEOUT_MS)}`);
  db.exec(SCHEMA);
  db.pragma(`user_version = ${String(SCHEMA_VERSION)}`);
  return db;
}

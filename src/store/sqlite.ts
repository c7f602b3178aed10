/**
 * The store contracts on the embedded SQLite file. Calls are synchronous underneath (better-sqlite3);
 * the promises keep the contract the same as on Redis.
 * @module
 */
import type { GateResult } from '../gates/types.js';
import type { StoreDatabase } from './database.js';
import { sqliteHistoryStore } from './history-sqlite.js';
import type {
  CursorStore,
  DependencyCacheEntry,
  DependencyCacheIndex,
  OnceLedger,
  ResultCache,
  Stores,
} from './types.js';

/**
 * Result cache in the `result_cache` table.
 * @param db Open store.
 */
export function sqliteResultCache(db: StoreDatabase): ResultCache {
  const select = db.prepare<[string], { results: string }>('SELECT results FROM result_cache WHERE key = ?');
  const upsert = db.prepare<[string, string, number]>(
    'INSERT INTO result_cache (key, results, stored_at) VALUES (?, ?, ?) ' +
      'ON CONFLICT(key) DO UPDATE SET results = excluded.results, stored_at = excluded.stored_at',
  );
  return {
    get(key) {
      const row = select.get(key);
      return Promise.resolve(row === undefined ? undefined : (JSON.parse(row.results) as GateResult[]));
    },
    put(key, results) {
      upsert.run(key, JSON.stringify(results), Date.now());
      return Promise.resolve();
    },
  };
}

/**
 * Once-claims in the `ledger` table; an expired claim can be taken again.
 * @param db Open store.
 * @param now Clock (tests).
 */
export function sqliteOnceLedger(db: StoreDatabase, now: () => number = Date.now): OnceLedger {
  // One statement, so two processes claiming at once cannot both win: the row is inserted, or an
  // expired one is overwritten, or nothing changes.
  const claim = db.prepare<[string, number, number | null, number]>(
    'INSERT INTO ledger (key, claimed_at, expires_at) VALUES (?, ?, ?) ' +
      'ON CONFLICT(key) DO UPDATE SET claimed_at = excluded.claimed_at, expires_at = excluded.expires_at ' +
      'WHERE ledger.expires_at IS NOT NULL AND ledger.expires_at <= ?',
  );
  const release = db.prepare<[string]>('DELETE FROM ledger WHERE key = ?');
  return {
    claim(key, ttlSeconds) {
      const at = now();
      const expires = ttlSeconds === undefined ? null : at + ttlSeconds * 1000;
      return Promise.resolve(claim.run(key, at, expires, at).changes === 1);
    },
    release(key) {
      release.run(key);
      return Promise.resolve();
    },
  };
}

/**
 * Cursors in the `cursors` table.
 * @param db Open store.
 */
export function sqliteCursorStore(db: StoreDatabase): CursorStore {
  const select = db.prepare<[string], { value: string }>('SELECT value FROM cursors WHERE name = ?');
  const upsert = db.prepare<[string, string, number]>(
    'INSERT INTO cursors (name, value, updated_at) VALUES (?, ?, ?) ' +
      'ON CONFLICT(name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
  );
  return {
    get(name) {
      return Promise.resolve(select.get(name)?.value);
    },
    set(name, value) {
      upsert.run(name, value, Date.now());
      return Promise.resolve();
    },
  };
}

interface DependencyRow {
  key: string;
  path: string;
  size_bytes: number;
  last_used: number;
}

function entryOf(row: DependencyRow): DependencyCacheEntry {
  return { key: row.key, path: row.path, sizeBytes: row.size_bytes, lastUsed: row.last_used };
}

/**
 * Dependency-cache index in the `dependency_cache` table.
 * @param db Open store.
 * @param now Clock (tests).
 */
export function sqliteDependencyCacheIndex(db: StoreDatabase, now: () => number = Date.now): DependencyCacheIndex {
  const upsert = db.prepare<[string, string, number, number]>(
    'INSERT INTO dependency_cache (key, path, size_bytes, last_used) VALUES (?, ?, ?, ?) ' +
      'ON CONFLICT(key) DO UPDATE SET path = excluded.path, size_bytes = excluded.size_bytes, last_used = excluded.last_used',
  );
  const touch = db.prepare<[number, string], DependencyRow>(
    'UPDATE dependency_cache SET last_used = ? WHERE key = ? RETURNING *',
  );
  const remove = db.prepare<[string]>('DELETE FROM dependency_cache WHERE key = ?');
  const list = db.prepare<[], DependencyRow>('SELECT * FROM dependency_cache ORDER BY last_used, key');
  const total = db.prepare<[], { total: number }>('SELECT COALESCE(SUM(size_bytes), 0) AS total FROM dependency_cache');
  return {
    record(entry) {
      upsert.run(entry.key, entry.path, entry.sizeBytes, now());
      return Promise.resolve();
    },
    touch(key) {
      const row = touch.get(now(), key);
      return Promise.resolve(row === undefined ? undefined : entryOf(row));
    },
    remove(key) {
      remove.run(key);
      return Promise.resolve();
    },
    listLeastRecentlyUsed() {
      return Promise.resolve(list.all().map(entryOf));
    },
    totalBytes() {
      return Promise.resolve(total.get()?.total ?? 0);
    },
  };
}

/**
 * All store contracts on one SQLite file.
 * @param db Open store.
 */
export function sqliteStores(db: StoreDatabase): Stores {
  return {
    results: sqliteResultCache(db),
    ledger: sqliteOnceLedger(db),
    cursors: sqliteCursorStore(db),
    dependencyCache: sqliteDependencyCacheIndex(db),
    history: sqliteHistoryStore(db),
  };
}

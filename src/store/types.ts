/**
 * Small durable records beside the job queue, implemented on SQLite (embedded) and Redis
 * (distributed): the tree-SHA result cache, "do this once" claims, and cursors.
 * @module
 */
import type { GateResult } from '../gates/types.js';
import type { HistoryStore } from './history.js';
import type { HistoryRelay } from './history-relay.js';

/**
 * Results of a tree already checked, keyed by git tree SHA + config hash + tool versions: a merge
 * commit whose tree passed on the pull request deploys without running the gates again.
 */
export interface ResultCache {
  /** The results stored under `key`, or undefined. */
  get(key: string): Promise<GateResult[] | undefined>;
  /** Stores results under `key` (overwrites). */
  put(key: string, results: GateResult[]): Promise<void>;
}

/**
 * Claims that succeed once per key, durably: a redelivered push never triggers a deploy twice for the
 * same sha and target, a delivery id is handled once.
 */
export interface OnceLedger {
  /** True the first time `key` is claimed, false ever after (until `ttlSeconds`, when given, passes). */
  claim(key: string, ttlSeconds?: number): Promise<boolean>;
  /** Gives a claim back (the action it guarded failed before doing anything). */
  release(key: string): Promise<void>;
}

/** Named values that survive restarts (e.g. how far webhook redelivery got). */
export interface CursorStore {
  /** The stored value, or undefined. */
  get(name: string): Promise<string | undefined>;
  /** Stores the value. */
  set(name: string, value: string): Promise<void>;
}

/** One installed dependency tree kept on this machine's disk for reuse. */
export interface DependencyCacheEntry {
  /** Lockfile hash + toolchain: what makes two installs interchangeable. */
  key: string;
  /** Where the installed tree lies. */
  path: string;
  /** Bytes on disk, for the cache's size cap. */
  sizeBytes: number;
  /** Last time a job used it (ms since epoch). */
  lastUsed: number;
}

/**
 * Index of the dependency cache, so eviction removes the least recently used trees first. It
 * describes files on this machine, so it always lives in the local SQLite file, even with Redis.
 */
export interface DependencyCacheIndex {
  /** Adds or replaces an entry, used now. */
  record(entry: Omit<DependencyCacheEntry, 'lastUsed'>): Promise<void>;
  /** Marks an entry used now and returns it, or undefined when unknown. */
  touch(key: string): Promise<DependencyCacheEntry | undefined>;
  /** Forgets an entry (after its files were deleted). */
  remove(key: string): Promise<void>;
  /** All entries, least recently used first: eviction walks this until under the cap. */
  listLeastRecentlyUsed(): Promise<DependencyCacheEntry[]>;
  /** Sum of the entries' sizes. */
  totalBytes(): Promise<number>;
}

/** The durable records beside the queue, as `createQueue` hands them out. */
export interface Stores {
  /** Tree-SHA result cache (shared by all workers). */
  results: ResultCache;
  /** Once-claims (shared by all workers). */
  ledger: OnceLedger;
  /** Cursors (shared by all workers). */
  cursors: CursorStore;
  /** This machine's dependency-cache index. */
  dependencyCache: DependencyCacheIndex;
  /** The dashboard's history, in this machine's SQLite file (the web process's is the one read). */
  history?: HistoryStore;
  /** With Redis: carries history records from the workers to the web process. */
  historyRelay?: HistoryRelay;
}

/**
 * Small durable records beside the job queue, implemented on SQLite (embedded) and Redis
 * (distributed): the tree-SHA result cache, "do this once" claims, and cursors.
 * @module
 */
import type { GateResult } from '../gates/types.js';

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

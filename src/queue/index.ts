/**
 * Chooses the job store from the environment: BullMQ on Redis when `QG_REDIS_URL` is set, the
 * embedded SQLite file in `DATA_DIR` otherwise.
 * @module
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { Logger } from '../gates/types.js';
import { DEFAULT_DATA_DIR, openDatabase } from '../store/database.js';
import { sqliteStores } from '../store/sqlite.js';
import type { Stores } from '../store/types.js';
import { positiveInt, tuningFrom, type QueueTuning } from './options.js';
import { SqliteJobQueue } from './sqlite/queue.js';
import type { JobQueue } from './types.js';

/** Key prefix in Redis when `QG_REDIS_PREFIX` is unset. */
export const DEFAULT_REDIS_PREFIX = 'quality-gates';

/** What {@link createQueue} reads. */
export interface CreateQueueOptions {
  /** `QG_REDIS_URL`, `QG_REDIS_PREFIX`, `DATA_DIR`, `QG_WORKER_ID`, `QG_MAX_ATTEMPTS`, `QG_LEASE_MS`, `QG_BACKOFF_MS`, `QG_POLL_MS`. */
  env: NodeJS.ProcessEnv;
  /** Progress and failures. */
  log?: Logger;
  /** Lease owner name; default `QG_WORKER_ID`, else host, pid and a random suffix. */
  workerId?: string;
  /** Timing that wins over the environment (tests, benchmarks). */
  tuning?: Partial<QueueTuning>;
}

/** The queue and the stores beside it. */
export interface QueueAndStores {
  /** The job queue. */
  queue: JobQueue;
  /** Result cache, ledger, cursors (shared like the queue) and this machine's dependency-cache index. */
  store: Stores;
  /** Which implementation was chosen. */
  backend: 'sqlite' | 'redis';
  /** Closes the queue (workers give their jobs back), then the connections and files. */
  close(): Promise<void>;
}

/**
 * A lease owner name unique to this process.
 * @param env Process environment (`QG_WORKER_ID` wins).
 */
export function defaultWorkerId(env: NodeJS.ProcessEnv): string {
  return env.QG_WORKER_ID ?? `${os.hostname()}:${String(process.pid)}:${randomBytes(3).toString('hex')}`;
}

/**
 * Jobs run at once by one process: `QG_CONCURRENCY`, else half the cores (a gate keeps a core busy,
 * and the web server needs the rest), at least one.
 * @param env Process environment.
 */
export function concurrencyFrom(env: NodeJS.ProcessEnv): number {
  return positiveInt(env, 'QG_CONCURRENCY') ?? Math.max(1, Math.floor(os.availableParallelism() / 2));
}

/**
 * Opens the queue and stores chosen by the environment. Rejects with a clear message when Redis is
 * configured but does not answer, or the data folder cannot be written.
 * @param options Environment, logger, worker id.
 */
export async function createQueue(options: CreateQueueOptions): Promise<QueueAndStores> {
  const { env, log } = options;
  const tuning = tuningFrom(env, options.tuning);
  const workerId = options.workerId ?? defaultWorkerId(env);
  const dataDir = env.DATA_DIR ?? DEFAULT_DATA_DIR;
  const url = env.QG_REDIS_URL;

  if (url === undefined || url === '') {
    const db = openDatabase(dataDir);
    const queue = new SqliteJobQueue({ db, workerId, tuning, ownsDatabase: true, ...(log === undefined ? {} : { log }) });
    return { queue, store: sqliteStores(db), backend: 'sqlite', close: () => queue.close() };
  }

  // Imported here, not at the top: BullMQ and ioredis stay out of a single-machine setup's memory.
  const { openRedisBackend } = await import('./bullmq/open.js');
  return openRedisBackend({ url, prefix: env.QG_REDIS_PREFIX ?? DEFAULT_REDIS_PREFIX, dataDir, tuning, workerId, ...(log === undefined ? {} : { log }) });
}

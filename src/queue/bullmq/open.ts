/**
 * Opens the distributed backend: BullMQ and the shared stores on one Redis. Loaded by `createQueue`
 * only when `QG_REDIS_URL` is set, so a single-machine setup never loads BullMQ, ioredis and their
 * dependencies (≈ 5 MB of heap that every major garbage collection would otherwise mark).
 * @module
 */
import type { Logger } from '../../gates/types.js';
import { openDatabase } from '../../store/database.js';
import { redisCursorStore, redisOnceLedger, redisResultCache } from '../../store/redis.js';
import { sqliteDependencyCacheIndex } from '../../store/sqlite.js';
import { sqliteHistoryStore } from '../../store/history-sqlite.js';
import { redisHistoryRelay } from '../../store/history-relay.js';
import type { QueueAndStores } from '../index.js';
import type { QueueTuning } from '../options.js';
import { connectRedis } from './connection.js';
import { BullJobQueue } from './queue.js';

/** What {@link openRedisBackend} needs. */
export interface RedisBackendOptions {
  /** `QG_REDIS_URL`. */
  url: string;
  /** Key prefix (`QG_REDIS_PREFIX`). */
  prefix: string;
  /** `DATA_DIR`: the dependency-cache index stays in the local file. */
  dataDir: string;
  /** Lease, poll and retry timing. */
  tuning: QueueTuning;
  /** This process's worker id. */
  workerId?: string;
  /** Progress and failures. */
  log?: Logger;
}

/**
 * Connects to Redis and opens the queue and stores on it. Rejects with a clear message when Redis
 * does not answer or the data folder cannot be written.
 * @param options Where Redis is, the key prefix, the data folder and the timing.
 */
export async function openRedisBackend(options: RedisBackendOptions): Promise<QueueAndStores> {
  const { url, prefix, log } = options;
  const client = await connectRedis(url);
  client.on('error', (error: unknown) => log?.warn({ err: error }, 'Redis connection error; reconnecting'));
  // The dependency cache is files on this machine's disk, so its index stays in the local file.
  let db: ReturnType<typeof openDatabase>;
  try {
    db = openDatabase(options.dataDir);
  } catch (error) {
    client.disconnect();
    throw error;
  }
  const queue = new BullJobQueue({ client, url, prefix, tuning: options.tuning, ...(options.workerId === undefined ? {} : { workerId: options.workerId }), ...(log === undefined ? {} : { log }) });
  return {
    queue,
    store: {
      results: redisResultCache(client, prefix),
      ledger: redisOnceLedger(client, prefix),
      cursors: redisCursorStore(client, prefix),
      dependencyCache: sqliteDependencyCacheIndex(db),
      history: sqliteHistoryStore(db),
      historyRelay: redisHistoryRelay(client, prefix),
    },
    backend: 'redis',
    async close() {
      await queue.close();
      client.disconnect();
      db.close();
    },
  };
}

/**
 * The store contracts on Redis, for the distributed setup: every worker on every machine sees the
 * same result cache, claims and cursors.
 * @module
 */
import type { Redis } from 'ioredis';
import type { GateResult } from '../gates/types.js';
import type { CursorStore, OnceLedger, ResultCache } from './types.js';

/**
 * Cached results expire after this long: a tree not seen for a month is unlikely to be merged, and
 * Redis memory, unlike the SQLite file, is not cheap. A miss only means running the gates again.
 */
export const RESULT_TTL_SECONDS = 30 * 24 * 3600;

/**
 * Result cache as one string key per entry (`<prefix>:qg:result:<key>`), each with a TTL.
 * @param client Redis connection.
 * @param prefix Key prefix.
 */
export function redisResultCache(client: Redis, prefix: string): ResultCache {
  const key = (k: string) => `${prefix}:qg:result:${k}`;
  return {
    async get(k) {
      const value = await client.get(key(k));
      return value === null ? undefined : (JSON.parse(value) as GateResult[]);
    },
    async put(k, results) {
      await client.set(key(k), JSON.stringify(results), 'EX', RESULT_TTL_SECONDS);
    },
  };
}

/**
 * Once-claims with `SET NX` (and `EX` when a TTL is given): atomic across machines.
 * @param client Redis connection.
 * @param prefix Key prefix.
 */
export function redisOnceLedger(client: Redis, prefix: string): OnceLedger {
  const key = (k: string) => `${prefix}:qg:once:${k}`;
  return {
    async claim(k, ttlSeconds) {
      const reply =
        ttlSeconds === undefined
          ? await client.set(key(k), String(Date.now()), 'NX')
          : await client.set(key(k), String(Date.now()), 'EX', ttlSeconds, 'NX');
      return reply === 'OK';
    },
    async release(k) {
      await client.del(key(k));
    },
  };
}

/**
 * Cursors in one hash (`<prefix>:qg:cursors`).
 * @param client Redis connection.
 * @param prefix Key prefix.
 */
export function redisCursorStore(client: Redis, prefix: string): CursorStore {
  const key = `${prefix}:qg:cursors`;
  return {
    async get(name) {
      return (await client.hget(key, name)) ?? undefined;
    },
    async set(name, value) {
      await client.hset(key, name, value);
    },
  };
}

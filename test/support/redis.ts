/**
 * The Redis the distributed tests and the benches use, each run under its own key prefix: the one
 * `QG_TEST_REDIS_URL` names (the Jest global setup sets it to its own throwaway redis-server).
 */
import { Redis } from 'ioredis';
import { startRedisServer, TEST_REDIS_ENV } from './redis-server.js';

/** The tests' Redis URL, optionally with a database number; throws when no Redis was set up. */
export function testRedisUrl(db?: number): string {
  const url = process.env[TEST_REDIS_ENV];
  if (!url) {
    throw new Error(`${TEST_REDIS_ENV} is not set: Jest's global setup (test/support/redis-server.ts) starts a redis-server and sets it`);
  }
  if (db === undefined) return url;
  const withDb = new URL(url);
  withDb.pathname = `/${String(db)}`;
  return withDb.href;
}

/** Host and port of the tests' Redis, for a TCP relay in front of it. */
export function testRedisAddress(): { host: string; port: number } {
  const url = new URL(testRedisUrl());
  return { host: url.hostname, port: Number(url.port || 6379) };
}

/**
 * For the benches (outside Jest): the Redis `QG_TEST_REDIS_URL` names, or a throwaway redis-server
 * started for the run; `stop` stops only the latter.
 */
export async function benchRedis(): Promise<{ url: string; stop(): Promise<void> }> {
  const given = process.env[TEST_REDIS_ENV];
  if (given) return { url: given, stop: () => Promise.resolve() };
  return startRedisServer();
}

/** Deletes every key under a run's prefix (SCAN, so a large prefix does not block Redis). */
export async function dropPrefix(prefix: string, url = testRedisUrl()): Promise<void> {
  const client = new Redis(url);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length > 0) await client.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
}

import { describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { redisCursorStore, redisOnceLedger, redisResultCache, RESULT_TTL_SECONDS } from '../../src/store/redis.js';
import { contractTests } from './contract.js';
import { testRedisUrl } from '../support/redis.js';

const URL = testRedisUrl();

async function cleanup(client: Redis, prefix: string): Promise<void> {
  const keys = await client.keys(`${prefix}:*`);
  if (keys.length > 0) await client.del(...keys);
  client.disconnect();
}

contractTests('Redis', () => {
  const client = new Redis(URL);
  const prefix = `qg-test-${randomUUID()}`;
  return Promise.resolve({
    stores: {
      results: redisResultCache(client, prefix),
      ledger: redisOnceLedger(client, prefix),
      cursors: redisCursorStore(client, prefix),
    },
    close: () => cleanup(client, prefix),
  });
});

describe('Redis store', () => {
  it('puts an expiry on cached results and timed claims', async () => {
    const client = new Redis(URL);
    const prefix = `qg-test-${randomUUID()}`;
    try {
      await redisResultCache(client, prefix).put('tree', []);
      await redisOnceLedger(client, prefix).claim('delivery', 60);
      const resultTtl = await client.ttl(`${prefix}:qg:result:tree`);
      const claimTtl = await client.ttl(`${prefix}:qg:once:delivery`);
      expect(resultTtl).toBeGreaterThan(RESULT_TTL_SECONDS - 60);
      expect(claimTtl).toBeGreaterThan(0);
      expect(claimTtl).toBeLessThanOrEqual(60);
    } finally {
      await cleanup(client, prefix);
    }
  });
});

import { describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { redisHistoryRelay, RELAY_TTL_SECONDS } from '../../src/store/history-relay.js';
import { dropPrefix, testRedisUrl } from '../support/redis.js';
import { sampleRun } from '../support/history.js';

describe('Redis history relay', () => {
  it('parks a run with an expiry and hands it over exactly once', async () => {
    const client = new Redis(testRedisUrl());
    const prefix = `qg-test-${randomUUID()}`;
    try {
      const relay = redisHistoryRelay(client, prefix);
      const ticket = await relay.send(sampleRun({ jobId: 'j1' }));
      expect(ticket.historyKey).toBe(`${prefix}:qg:history:j1`);
      const ttl = await client.ttl(ticket.historyKey);
      expect(ttl).toBeGreaterThan(RELAY_TTL_SECONDS - 60);
      expect((await relay.take(ticket))?.jobId).toBe('j1');
      expect(await relay.take(ticket)).toBeUndefined();
    } finally {
      await dropPrefix(prefix);
      client.disconnect();
    }
  });

  it('ignores results that are not its tickets, or name keys outside its prefix', async () => {
    const client = new Redis(testRedisUrl());
    const prefix = `qg-test-${randomUUID()}`;
    const elsewhere = `qg-test-other-${randomUUID()}`;
    try {
      await client.set(elsewhere, JSON.stringify(sampleRun()));
      const relay = redisHistoryRelay(client, prefix);
      expect(await relay.take(undefined)).toBeUndefined();
      expect(await relay.take({ historyKey: 42 })).toBeUndefined();
      expect(await relay.take({ historyKey: elsewhere })).toBeUndefined();
      expect(await client.get(elsewhere)).not.toBeNull();
    } finally {
      await client.del(elsewhere);
      client.disconnect();
    }
  });
});

import { describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { readFileSync } from 'node:fs';
import { startRedisServer, TEST_REDIS_ENV, TEST_REDIS_PID_ENV } from './redis-server.js';
import { testRedisAddress, testRedisUrl } from './redis.js';

describe('the test suite\'s Redis', () => {
  it('is the one QG_TEST_REDIS_URL names: the global setup\'s own server, not 127.0.0.1:6379', async () => {
    const given = process.env[TEST_REDIS_ENV];
    expect(given).toBe(testRedisUrl());
    const ownPid = process.env[TEST_REDIS_PID_ENV];
    if (ownPid !== undefined) {
      const { host, port } = testRedisAddress();
      expect(host).toBe('127.0.0.1');
      expect(port).not.toBe(6379);
      expect(readFileSync(`/proc/${ownPid}/comm`, 'utf8').trim()).toBe('redis-server');
    }
    const client = new Redis(testRedisUrl());
    try {
      expect(await client.ping()).toBe('PONG');
    } finally {
      client.disconnect();
    }
  });

  it('puts a database number into the URL when asked', () => {
    expect(testRedisUrl(0)).toBe(`${testRedisUrl()}/0`);
  });
});

describe('startRedisServer', () => {
  it('starts a redis-server on a free port that answers, and stops it', async () => {
    const server = await startRedisServer();
    const client = new Redis(server.url, { maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true });
    client.on('error', () => undefined);
    try {
      await client.connect();
      expect(await client.set('k', 'v')).toBe('OK');
    } finally {
      client.disconnect();
      await server.stop();
    }
    expect(() => process.kill(server.pid, 0)).toThrow();
  });

  it('says how to get one when redis-server is not installed', async () => {
    await expect(startRedisServer('/nonexistent/redis-server')).rejects.toThrow(
      'cannot start /nonexistent/redis-server for the tests (ENOENT): scripts/setup.sh installs it, or set QG_TEST_REDIS_URL to a Redis the tests may use',
    );
  });
});

import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { createQueue, type QueueAndStores } from '../../src/queue/index.js';
import { makeJob, tempDir, removeTempDirs } from './support/helpers.js';
import { testRedisUrl } from '../support/redis.js';
import { closedPort, startRedisProxy } from './support/proxy.js';

afterAll(removeTempDirs);

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function openThrough(url: string): Promise<QueueAndStores> {
  const prefix = `qg-test-${randomUUID()}`;
  cleanups.push(async () => {
    const client = new Redis(testRedisUrl());
    const keys = await client.keys(`${prefix}:*`);
    if (keys.length > 0) await client.del(...keys);
    client.disconnect();
  });
  const opened = await createQueue({ env: { QG_REDIS_URL: url, QG_REDIS_PREFIX: prefix, DATA_DIR: tempDir() } });
  cleanups.push(() => opened.close().catch(() => undefined));
  return opened;
}

// These tests run with a short Jest timeout: an enqueue that hung instead of failing would fail them.
describe('Redis outages', () => {
  it('refuses to start with a clear message when Redis is unreachable', async () => {
    const port = await closedPort();
    const env = { QG_REDIS_URL: `redis://:hunter2@127.0.0.1:${String(port)}`, DATA_DIR: tempDir() };
    const attempt = createQueue({ env });
    await expect(attempt).rejects.toThrow(
      `cannot reach Redis at QG_REDIS_URL=redis://:***@127.0.0.1:${String(port)}: ECONNREFUSED`,
    );
  }, 5_000);

  it('rejects enqueues when Redis goes away mid-run, and reports unhealthy', async () => {
    const proxy = await startRedisProxy();
    const { queue } = await openThrough(proxy.url);
    const before = makeJob();
    expect((await queue.enqueue(before, { dedupKey: before.id })).duplicate).toBe(false);

    await proxy.kill();

    const after = makeJob();
    await expect(queue.enqueue(after, { dedupKey: after.id })).rejects.toThrow(/could not store the job in Redis/);
    expect(await queue.healthy()).toBe(false);
  }, 5_000);

  it('rejects enqueues when Redis stops answering mid-run', async () => {
    const proxy = await startRedisProxy();
    cleanups.push(() => proxy.kill());
    const { queue } = await openThrough(proxy.url);
    proxy.hang();
    const job = makeJob();
    await expect(queue.enqueue(job, { dedupKey: job.id })).rejects.toThrow(/could not store the job in Redis/);
  }, 5_000);
});

import { afterAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { APP_ROOT } from '../../src/paths.js';
import { dropPrefix, testRedisUrl } from '../support/redis.js';
import { concurrencyFrom, createQueue, defaultWorkerId } from '../../src/queue/index.js';
import { DEFAULT_TUNING, retryDelayMs, tuningFrom } from '../../src/queue/options.js';
import { makeJob, tempDir, waitFor, removeTempDirs } from './support/helpers.js';

afterAll(removeTempDirs);

describe('createQueue', () => {
  it('uses the SQLite file in DATA_DIR when QG_REDIS_URL is unset', async () => {
    const dir = path.join(tempDir(), 'data');
    const { queue, store, backend, close } = await createQueue({ env: { DATA_DIR: dir, QG_POLL_MS: '20' } });
    try {
      expect(backend).toBe('sqlite');
      expect(fs.existsSync(path.join(dir, 'quality-gates.sqlite'))).toBe(true);
      await store.cursors.set('c', 'v');
      expect(await store.cursors.get('c')).toBe('v');
      const outcomes: string[] = [];
      const job = makeJob();
      await queue.enqueue(job, { dedupKey: job.deliveryId });
      const workers = queue.process(() => Promise.resolve(), { concurrency: 1, onOutcome: (o) => outcomes.push(o) });
      await waitFor(() => outcomes.length === 1, 'the job');
      await workers.close();
      expect(outcomes).toEqual(['done']);
    } finally {
      await close();
    }
  });

  it('loads BullMQ and ioredis only when QG_REDIS_URL is set', async () => {
    // A fresh process: Jest's own module registry would hide what Node itself loaded.
    const loaded = (env: Record<string, string>) => {
      const script = `
        import { createRequire } from 'node:module';
        const { createQueue } = await import('./src/queue/index.ts');
        const { close } = await createQueue({ env: ${JSON.stringify(env)} });
        await close();
        const modules = Object.keys(createRequire(import.meta.url).cache);
        process.stdout.write(JSON.stringify(['bullmq', 'ioredis'].filter((name) => modules.some((m) => m.includes('/node_modules/' + name + '/')))));`;
      const out = execFileSync(process.execPath, ['--import', './bin/register.js', '--input-type=module', '-e', script], { cwd: APP_ROOT, encoding: 'utf8' });
      return JSON.parse(out) as string[];
    };
    const dataDir = path.join(tempDir(), 'data');
    expect(loaded({ DATA_DIR: dataDir })).toEqual([]);
    const prefix = `qg-test-lazy-${String(process.pid)}`;
    try {
      expect(loaded({ DATA_DIR: dataDir, QG_REDIS_URL: testRedisUrl(), QG_REDIS_PREFIX: prefix })).toEqual(['bullmq', 'ioredis']);
    } finally {
      await dropPrefix(prefix);
    }
  });
});

describe('queue settings', () => {
  it('reads timing from the environment and rejects values that are not positive whole numbers', () => {
    expect(tuningFrom({ QG_MAX_ATTEMPTS: '7', QG_LEASE_MS: '1000' })).toMatchObject({ maxAttempts: 7, leaseMs: 1000 });
    expect(tuningFrom({}, { pollMs: 5 }).pollMs).toBe(5);
    expect(() => tuningFrom({ QG_MAX_ATTEMPTS: 'many' })).toThrow('QG_MAX_ATTEMPTS=many is not a positive whole number');
    expect(concurrencyFrom({ QG_CONCURRENCY: '3' })).toBe(3);
    expect(concurrencyFrom({})).toBeGreaterThanOrEqual(1);
    expect(defaultWorkerId({ QG_WORKER_ID: 'web-1' })).toBe('web-1');
    expect(defaultWorkerId({})).not.toBe(defaultWorkerId({}));
  });

  it('doubles the retry delay per attempt, with jitter, up to the ceiling', () => {
    const low = () => 0;
    const high = () => 0.999999;
    expect(retryDelayMs(1, DEFAULT_TUNING, low)).toBe(2_500);
    expect(retryDelayMs(1, DEFAULT_TUNING, high)).toBe(4_999);
    expect(retryDelayMs(3, DEFAULT_TUNING, low)).toBe(10_000);
    expect(retryDelayMs(30, DEFAULT_TUNING, low)).toBe(DEFAULT_TUNING.backoffMaxMs / 2);
  });
});

import { afterAll, afterEach, describe, expect, it, jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { createQueue, type QueueAndStores } from '../../src/queue/index.js';
import { BullJobQueue } from '../../src/queue/bullmq/queue.js';
import { DEFAULT_TUNING, type QueueTuning } from '../../src/queue/options.js';
import { RetryableJobError, type WorkerHandle } from '../../src/queue/types.js';
import { testRedisUrl } from '../support/redis.js';
import { killHard, makeJob, spawnWorker, tempDir, waitFor, type Child, removeTempDirs } from './support/helpers.js';

afterAll(removeTempDirs);

const REDIS_URL = testRedisUrl();
const FAST: Partial<QueueTuning> = { backoffBaseMs: 10, leaseMs: 1000, maxAttempts: 3 };

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function freshPrefix(): string {
  const prefix = `qg-test-${randomUUID()}`;
  cleanups.unshift(async () => {
    const client = new Redis(REDIS_URL);
    const keys = await client.keys(`${prefix}:*`);
    if (keys.length > 0) await client.del(...keys);
    client.disconnect();
  });
  return prefix;
}

function envFor(prefix: string): Record<string, string> {
  return { QG_REDIS_URL: REDIS_URL, QG_REDIS_PREFIX: prefix, DATA_DIR: tempDir() };
}

async function open(prefix: string, tuning: Partial<QueueTuning> = FAST): Promise<QueueAndStores> {
  const opened = await createQueue({ env: envFor(prefix), tuning });
  cleanups.push(() => opened.close());
  return opened;
}

function track(handle: WorkerHandle): WorkerHandle {
  cleanups.push(() => handle.close());
  return handle;
}

describe('BullMQ job queue', () => {
  it('is chosen when QG_REDIS_URL is set and answers health checks', async () => {
    const { backend, queue } = await open(freshPrefix());
    expect(backend).toBe('redis');
    expect(await queue.healthy()).toBe(true);
  });

  it('names the worker running each job, and hands each job\'s result to the result listeners', async () => {
    const prefix = freshPrefix();
    const opened = await createQueue({ env: envFor(prefix), tuning: FAST, workerId: 'machine-b:7' });
    cleanups.push(() => opened.close());
    const { queue } = opened;
    const results: unknown[] = [];
    const stop = await queue.onResult?.((result) => results.push(result));
    cleanups.push(() => stop?.());
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    track(queue.process(async (job) => {
      await gate;
      return { done: job.id };
    }, { concurrency: 1 }));
    const job = makeJob();
    await queue.enqueue(job, { dedupKey: job.id });
    let running: Awaited<ReturnType<NonNullable<typeof queue.runningJobs>>> = [];
    await waitFor(async () => (running = (await queue.runningJobs?.()) ?? []).length === 1, 'the job to be active');
    expect(running[0]).toMatchObject({ job: { id: job.id }, worker: 'machine-b:7' });
    release();
    await waitFor(() => results.length === 1, 'the completed event');
    expect(results).toEqual([{ done: job.id }]);
  });

  it('handles a duplicate delivery once and returns the stored job', async () => {
    const { queue } = await open(freshPrefix());
    const job = makeJob();
    const again = makeJob({ deliveryId: job.deliveryId });
    const first = await queue.enqueue(job, { dedupKey: job.deliveryId });
    const second = await queue.enqueue(again, { dedupKey: again.deliveryId });
    expect([first.duplicate, second.duplicate]).toEqual([false, true]);
    expect(second.job.id).toBe(job.id);
    const handled: string[] = [];
    track(queue.process(async (j) => void handled.push(j.id), { concurrency: 1 }));
    await waitFor(async () => (await queue.counts()).done === 1, 'the job');
    expect(handled).toEqual([job.id]);
    // GitHub redelivers on request days later: a finished job still makes the delivery a duplicate.
    const late = await queue.enqueue(makeJob({ deliveryId: job.deliveryId }), { dedupKey: job.deliveryId });
    expect([late.duplicate, late.job.id]).toEqual([true, job.id]);
  });

  it('stores the enqueues of one turn together, telling a duplicate within the batch from the first, and records their supersede keys', async () => {
    const { queue } = await open(freshPrefix());
    const [a, b, c] = [makeJob(), makeJob(), makeJob()];
    const results = await Promise.all([
      queue.enqueue(a, { dedupKey: 'same', supersedeKey: 'pr#1' }),
      queue.enqueue(b, { dedupKey: 'other', supersedeKey: 'pr#1' }),
      queue.enqueue(c, { dedupKey: 'same' }),
    ]);
    expect(results.map((r) => [r.job.id, r.duplicate])).toEqual([[a.id, false], [b.id, false], [a.id, true]]);
    expect(await queue.counts()).toMatchObject({ queued: 2 });
    // Both stored jobs carry the supersede key: a newer job cancels the two.
    const newest = makeJob();
    await queue.enqueue(newest, { dedupKey: 'newest', supersedeKey: 'pr#1' });
    expect((await queue.supersede('pr#1', newest.id)).map((job) => job.id).sort()).toEqual([a.id, b.id].sort());
  });

  it('processes jobs stored before a restart once a worker starts', async () => {
    const prefix = freshPrefix();
    const producer = await open(prefix);
    const jobs = [makeJob(), makeJob()];
    for (const job of jobs) await producer.queue.enqueue(job, { dedupKey: job.id });
    await producer.close();

    const { queue } = await open(prefix);
    expect((await queue.counts()).queued).toBe(2);
    const handled: string[] = [];
    track(queue.process(async (j) => void handled.push(j.id), { concurrency: 2 }));
    await waitFor(() => handled.length === 2, 'both jobs');
    expect(handled.sort()).toEqual(jobs.map((j) => j.id).sort());
  });

  it('retries a RetryableJobError and does not retry other errors', async () => {
    const { queue } = await open(freshPrefix());
    const flaky = makeJob();
    const broken = makeJob();
    const attempts = new Map<string, number[]>();
    track(
      queue.process((job, { attempt, maxAttempts }) => {
        attempts.set(job.id, [...(attempts.get(job.id) ?? []), attempt]);
        expect(maxAttempts).toBe(3);
        if (job.id === broken.id) return Promise.reject(new Error('bug'));
        return attempt < 3 ? Promise.reject(new RetryableJobError('502')) : Promise.resolve();
      }, { concurrency: 1 }),
    );
    await queue.enqueue(flaky, { dedupKey: flaky.id });
    await queue.enqueue(broken, { dedupKey: broken.id });
    await waitFor(async () => {
      const counts = await queue.counts();
      return counts.done === 1 && counts.failed === 1;
    }, 'one done, one failed');
    expect(attempts.get(flaky.id)).toEqual([1, 2, 3]);
    expect(attempts.get(broken.id)).toEqual([1]);
  });

  it('supersede removes waiting jobs and aborts the running one', async () => {
    const { queue } = await open(freshPrefix());
    const running = makeJob();
    const waiting = makeJob();
    const newest = makeJob();
    const started: string[] = [];
    let aborted = false;
    track(
      queue.process(async (job, { signal }) => {
        started.push(job.id);
        if (job.id !== running.id) return;
        await new Promise((resolve) => signal.addEventListener('abort', resolve));
        aborted = true;
      }, { concurrency: 1 }),
    );
    await queue.enqueue(running, { dedupKey: running.id, supersedeKey: 'pr-1' });
    await waitFor(() => started.includes(running.id), 'the first job');
    await queue.enqueue(waiting, { dedupKey: waiting.id, supersedeKey: 'pr-1' });
    await queue.enqueue(newest, { dedupKey: newest.id, supersedeKey: 'pr-1' });

    const cancelled = await queue.supersede('pr-1', newest.id);

    expect(cancelled.map((j) => j.id).sort()).toEqual([running.id, waiting.id].sort());
    await waitFor(() => started.includes(newest.id), 'the newest job');
    expect(aborted).toBe(true);
    expect(started).not.toContain(waiting.id);
    expect((await queue.counts()).cancelled).toBe(2);
  });

  it('marks a job failed after its last retryable attempt', async () => {
    const { queue } = await open(freshPrefix());
    const job = makeJob();
    const outcomes: string[] = [];
    track(
      queue.process(() => Promise.reject(new RetryableJobError('network down')), {
        concurrency: 1,
        onOutcome: (outcome) => outcomes.push(outcome),
      }),
    );
    await queue.enqueue(job, { dedupKey: job.id });
    await waitFor(async () => (await queue.counts()).failed === 1, 'failed');
    expect(outcomes).toEqual(['retried', 'retried', 'failed']);
  });

  it('gives a running job back without spending an attempt when the workers close', async () => {
    const prefix = freshPrefix();
    const { queue } = await open(prefix);
    const job = makeJob();
    await queue.enqueue(job, { dedupKey: job.id });
    let started = false;
    const workers = queue.process(async (_job, { signal }) => {
      started = true;
      await new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error)));
    }, { concurrency: 1 });
    await waitFor(() => started, 'start');
    await workers.close();
    expect((await queue.counts()).queued).toBe(1);

    const attempts: number[] = [];
    track(queue.process(async (_job, { attempt }) => void attempts.push(attempt), { concurrency: 1 }));
    await waitFor(() => attempts.length === 1, 'the job again');
    expect(attempts).toEqual([1]);
    expect((await queue.counts()).failed).toBe(0);
  });

  it('hands the stored check-run ids to the worker', async () => {
    const { queue } = await open(freshPrefix());
    const job = makeJob();
    await queue.enqueue(job, { dedupKey: job.id });
    await queue.setCheckRunIds(job.id, { lint: 1, docs: 3 });
    let seen: unknown;
    track(queue.process(async (j) => void (seen = j.checkRunIds), { concurrency: 1 }));
    await waitFor(() => seen !== undefined, 'the job');
    expect(seen).toEqual({ lint: 1, docs: 3 });
  });

  it('records the check-run ids of one turn together, and a superseded job carries its recorded ids', async () => {
    const { queue } = await open(freshPrefix());
    const [first, second] = [makeJob(), makeJob()];
    await queue.enqueue(first, { dedupKey: first.id, supersedeKey: 'pr-9' });
    await queue.enqueue(second, { dedupKey: second.id });
    await Promise.all([queue.setCheckRunIds(first.id, { lint: 5, coverage: 6 }), queue.setCheckRunIds(second.id, { docs: 7 })]);
    const newest = makeJob();
    await queue.enqueue(newest, { dedupKey: newest.id, supersedeKey: 'pr-9' });
    const [cancelled] = await queue.supersede('pr-9', newest.id);
    // The app completes these as `cancelled`: without the ids the old checks would stay queued.
    expect(cancelled?.checkRunIds).toEqual({ lint: 5, coverage: 6 });
    const seen = new Map<string, unknown>();
    track(queue.process(async (j) => void seen.set(j.id, j.checkRunIds), { concurrency: 2 }));
    await waitFor(() => seen.size === 2, 'the two remaining jobs');
    expect(seen.get(second.id)).toEqual({ docs: 7 });
    expect(seen.get(newest.id)).toEqual({});
  });

  it('supersedes nothing, without a round trip, for a job that was alone under its key when stored', async () => {
    const client = new Redis(REDIS_URL);
    const prefix = freshPrefix();
    const queue = new BullJobQueue({ client, url: REDIS_URL, prefix, tuning: { ...DEFAULT_TUNING, ...FAST } });
    cleanups.push(async () => {
      await queue.close();
      client.disconnect();
    });
    const [alone, next] = [makeJob(), makeJob()];
    await queue.enqueue(alone, { dedupKey: alone.id, supersedeKey: 'pr-3' });
    await queue.enqueue(next, { dedupKey: next.id, supersedeKey: 'pr-3' });
    const reads = jest.spyOn(client, 'smembers');
    expect(await queue.supersede('pr-3', alone.id)).toEqual([]);
    expect(reads).not.toHaveBeenCalled();
    // The second job found the first under the key when it was stored: it asks, and cancels it.
    expect((await queue.supersede('pr-3', next.id)).map((job) => job.id)).toEqual([alone.id]);
    expect(reads).toHaveBeenCalledTimes(1);
  });

  it('keeps the result cache, ledger and cursors in Redis', async () => {
    const prefix = freshPrefix();
    const first = await open(prefix);
    await first.store.cursors.set('redelivery', '7');
    expect(await first.store.ledger.claim('deploy:x')).toBe(true);
    const second = await open(prefix);
    expect(await second.store.cursors.get('redelivery')).toBe('7');
    expect(await second.store.ledger.claim('deploy:x')).toBe(false);
  });
});

describe('BullMQ workers in separate processes', () => {
  const children: Child[] = [];
  afterEach(async () => {
    for (const child of children.splice(0)) await killHard(child);
  });

  it('share the jobs, and one finishes the job of another that was killed mid-job', async () => {
    const prefix = freshPrefix();
    const env = { ...envFor(prefix), QG_LEASE_MS: '1000' };
    const { queue } = await open(prefix);
    const doomed = spawnWorker({ ...env, CHILD_MODE: 'hang' });
    children.push(doomed);
    await waitFor(() => doomed.events.some((e) => e.event === 'ready'), `the first worker (${doomed.stderr.join('')})`);
    const interrupted = makeJob();
    await queue.enqueue(interrupted, { dedupKey: interrupted.id });
    await waitFor(() => doomed.events.some((e) => e.event === 'started'), 'the first worker to start the job');

    const survivor = spawnWorker({ ...env, CHILD_MODE: 'work' });
    children.push(survivor);
    const others = [makeJob(), makeJob()];
    for (const job of others) await queue.enqueue(job, { dedupKey: job.id });
    await waitFor(() => survivor.events.filter((e) => e.event === 'done').length === 2, `the second worker (${survivor.stderr.join('')})`);
    await killHard(doomed);

    await waitFor(
      () => survivor.events.some((e) => e.event === 'done' && e.jobId === interrupted.id),
      'the interrupted job to be finished by the second worker',
      20_000,
    );
    const finished = survivor.events.find((e) => e.event === 'done' && e.jobId === interrupted.id);
    expect(finished?.attempt).toBe(2);
    expect(survivor.events.filter((e) => e.event === 'done').map((e) => e.jobId).sort()).toEqual(
      [interrupted.id, ...others.map((j) => j.id)].sort(),
    );
    await waitFor(async () => (await queue.counts()).done === 3, 'three done');
  }, 30_000);
});

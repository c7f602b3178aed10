import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { JobAbortedError } from '../../src/queue/abort.js';
import { openDatabase, type StoreDatabase } from '../../src/store/database.js';
import type { Job } from '../../src/queue/job.js';
import { tuningFrom, type QueueTuning } from '../../src/queue/options.js';
import { SqliteJobQueue } from '../../src/queue/sqlite/queue.js';
import { RetryableJobError, type JobContext, type WorkerHandle } from '../../src/queue/types.js';
import { killHard, makeJob, spawnWorker, tempDir, waitFor, type Child, removeTempDirs } from './support/helpers.js';

afterAll(removeTempDirs);

const FAST: Partial<QueueTuning> = { backoffBaseMs: 10, leaseMs: 600, pollMs: 20, maxAttempts: 3 };

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function open(dir: string, options: { workerId?: string; tuning?: Partial<QueueTuning> } = {}) {
  const db: StoreDatabase = openDatabase(dir);
  const queue = new SqliteJobQueue({
    db,
    workerId: options.workerId ?? 'test-worker',
    tuning: tuningFrom({}, { ...FAST, ...options.tuning }),
    ownsDatabase: true,
  });
  cleanups.push(() => queue.close());
  return { db, queue };
}

function track(handle: WorkerHandle): WorkerHandle {
  cleanups.push(() => handle.close());
  return handle;
}

function stateOf(db: StoreDatabase, id: string): { state: string; attempts: number; last_error: string | null } {
  const row = db.prepare('SELECT state, attempts, last_error FROM jobs WHERE id = ?').get(id);
  return row as { state: string; attempts: number; last_error: string | null };
}

describe('SQLite job queue', () => {
  it('creates DATA_DIR and the store file on first start', () => {
    const dir = `${tempDir()}/nested/data`;
    open(dir);
    expect(fs.existsSync(`${dir}/quality-gates.sqlite`)).toBe(true);
  });

  it('processes jobs queued before a restart once the queue is reopened', async () => {
    const dir = tempDir();
    const first = open(dir);
    const jobs = [makeJob(), makeJob(), makeJob()];
    for (const job of jobs) await first.queue.enqueue(job, { dedupKey: job.deliveryId });
    await first.queue.close();

    const second = open(dir);
    const handled: string[] = [];
    track(second.queue.process(async (job) => void handled.push(job.id), { concurrency: 2 }));
    await waitFor(() => handled.length === 3, 'three jobs');
    expect(handled.sort()).toEqual(jobs.map((job) => job.id).sort());
    await waitFor(async () => (await second.queue.counts()).done === 3, 'done count');
  });

  it('handles a duplicate delivery once and returns the stored job', async () => {
    const { queue } = open(tempDir());
    const job = makeJob();
    const again = makeJob({ deliveryId: job.deliveryId });
    const [a, b] = await Promise.all([
      queue.enqueue(job, { dedupKey: job.deliveryId }),
      queue.enqueue(again, { dedupKey: again.deliveryId }),
    ]);
    const c = await queue.enqueue(again, { dedupKey: again.deliveryId });
    expect([a.duplicate, b.duplicate, c.duplicate]).toEqual([false, true, true]);
    expect(b.job.id).toBe(job.id);
    expect(c.job.id).toBe(job.id);
    const handled: string[] = [];
    track(queue.process(async (j) => void handled.push(j.id), { concurrency: 1 }));
    await waitFor(async () => (await queue.counts()).done === 1, 'the job');
    expect(handled).toEqual([job.id]);
  });

  it('retries a RetryableJobError with backoff and tells the handler its attempt', async () => {
    const { queue, db } = open(tempDir());
    const job = makeJob();
    await queue.enqueue(job, { dedupKey: job.id });
    const seen: Pick<JobContext, 'attempt' | 'maxAttempts'>[] = [];
    track(
      queue.process(async (_job, { attempt, maxAttempts }) => {
        seen.push({ attempt, maxAttempts });
        if (attempt < 3) throw new RetryableJobError('GitHub answered 502');
      }, { concurrency: 1 }),
    );
    await waitFor(() => stateOf(db, job.id).state === 'done', 'done');
    expect(seen).toEqual([
      { attempt: 1, maxAttempts: 3 },
      { attempt: 2, maxAttempts: 3 },
      { attempt: 3, maxAttempts: 3 },
    ]);
  });

  it('marks a job failed after its last retryable attempt', async () => {
    const { queue, db } = open(tempDir());
    const job = makeJob();
    await queue.enqueue(job, { dedupKey: job.id });
    track(queue.process(() => Promise.reject(new RetryableJobError('network down')), { concurrency: 1 }));
    await waitFor(() => stateOf(db, job.id).state === 'failed', 'failed');
    expect(stateOf(db, job.id)).toEqual({ state: 'failed', attempts: 3, last_error: 'network down' });
  });

  it('does not retry an error that is not a RetryableJobError', async () => {
    const { queue, db } = open(tempDir());
    const job = makeJob();
    await queue.enqueue(job, { dedupKey: job.id });
    let calls = 0;
    track(
      queue.process(() => {
        calls += 1;
        return Promise.reject(new TypeError('bug in the handler'));
      }, { concurrency: 1 }),
    );
    await waitFor(() => stateOf(db, job.id).state === 'failed', 'failed');
    expect(calls).toBe(1);
    expect(stateOf(db, job.id).last_error).toBe('bug in the handler');
  });

  it('supersede cancels queued jobs and aborts running ones with the same key', async () => {
    const { queue, db } = open(tempDir());
    const running = makeJob();
    const queued = makeJob();
    const newest = makeJob();
    const other = makeJob();
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
    await queue.enqueue(running, { dedupKey: running.id, supersedeKey: 'octo/demo#1' });
    await waitFor(() => started.includes(running.id), 'the first job to start');
    await queue.enqueue(queued, { dedupKey: queued.id, supersedeKey: 'octo/demo#1' });
    await queue.enqueue(other, { dedupKey: other.id, supersedeKey: 'octo/demo#2' });
    await queue.enqueue(newest, { dedupKey: newest.id, supersedeKey: 'octo/demo#1' });

    const cancelled = await queue.supersede('octo/demo#1', newest.id);

    expect(cancelled.map((job) => job.id).sort()).toEqual([running.id, queued.id].sort());
    await waitFor(() => started.includes(newest.id) && started.includes(other.id), 'the other jobs');
    expect(aborted).toBe(true);
    expect(started).not.toContain(queued.id);
    expect(stateOf(db, running.id).state).toBe('cancelled');
    expect(stateOf(db, queued.id).state).toBe('cancelled');
    expect((await queue.counts()).cancelled).toBe(2);
  });

  it('aborts a job whose lease another worker took over, and records nothing for it', async () => {
    const { queue, db } = open(tempDir());
    const job = makeJob();
    await queue.enqueue(job, { dedupKey: job.id });
    let reason: unknown;
    const outcomes: string[] = [];
    track(
      queue.process(async (_job, { signal }) => {
        db.prepare("UPDATE jobs SET lease_owner = 'another-worker'").run();
        await new Promise((resolve) => signal.addEventListener('abort', resolve));
        reason = signal.reason;
        throw new RetryableJobError('aborted');
      }, { concurrency: 1, onOutcome: (outcome) => outcomes.push(outcome) }),
    );
    await waitFor(() => outcomes.length === 1, 'the abort');
    expect(reason).toBeInstanceOf(JobAbortedError);
    expect((reason as JobAbortedError).reason).toBe('lease-lost');
    expect(outcomes).toEqual(['cancelled']);
    expect(stateOf(db, job.id)).toMatchObject({ state: 'running', attempts: 1 });
  });

  it('hands the stored check-run ids to the worker', async () => {
    const { queue } = open(tempDir());
    const job = makeJob();
    await queue.enqueue(job, { dedupKey: job.id });
    await queue.setCheckRunIds(job.id, { lint: 11, coverage: 12, docs: 13 });
    let seen: Job['checkRunIds'] | undefined;
    track(queue.process(async (j) => void (seen = j.checkRunIds), { concurrency: 1 }));
    await waitFor(() => seen !== undefined, 'the job');
    expect(seen).toEqual({ lint: 11, coverage: 12, docs: 13 });
  });

  it('gives running jobs back without spending an attempt when the workers close', async () => {
    const dir = tempDir();
    const first = open(dir);
    const job = makeJob();
    await first.queue.enqueue(job, { dedupKey: job.id });
    let started = false;
    const workers = first.queue.process(async (_job, { signal }) => {
      started = true;
      await new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error)));
    }, { concurrency: 1 });
    await waitFor(() => started, 'start');
    await workers.close();
    expect(stateOf(first.db, job.id)).toMatchObject({ state: 'queued', attempts: 0 });
  });

  it('rejects the enqueue with what to check when the file cannot be written, and reports unhealthy', async () => {
    const { queue, db } = open(tempDir());
    db.close();
    await expect(queue.enqueue(makeJob(), { dedupKey: 'x' })).rejects.toThrow(/check disk space and DATA_DIR/);
    expect(await queue.healthy()).toBe(false);
  });

  it('rejects only the enqueue that cannot be stored when a batch fails', async () => {
    const { queue } = open(tempDir());
    const job = makeJob();
    await queue.enqueue(job, { dedupKey: 'first' });
    const good = makeJob();
    const [clash, stored] = await Promise.allSettled([
      queue.enqueue(job, { dedupKey: 'same id, other key' }),
      queue.enqueue(good, { dedupKey: good.id }),
    ]);
    expect(clash.status).toBe('rejected');
    expect(stored).toEqual({ status: 'fulfilled', value: { job: good, duplicate: false } });
  });

  it('says when stored jobs are checkpointed into the database file itself, so they outlive a power cut', async () => {
    const { queue, db } = open(tempDir());
    const job = makeJob();
    await queue.enqueue(job, { dedupKey: job.id });
    // What a power cut leaves is the database file plus the synced log: a copy of the file alone holds
    // a job only once a checkpoint (which fsyncs) has moved it there.
    const copy = path.join(tempDir(), 'copy.sqlite');
    const inFileAlone = (id = job.id) => {
      fs.copyFileSync(db.name, copy);
      const reader = new Database(copy, { readonly: true });
      try {
        return (reader.prepare('SELECT COUNT(*) AS n FROM jobs WHERE id = ?').get(id) as { n: number }).n;
      } catch {
        // Not even the tables have been checkpointed yet.
        return 0;
      } finally {
        reader.close();
      }
    };
    await queue.whenDurable();
    expect(inFileAlone()).toBe(1);
    const later = makeJob();
    await queue.enqueue(later, { dedupKey: later.id });
    // Two callers at once: the second asks after the first question was sent, and is answered too.
    await Promise.all([queue.whenDurable(), queue.whenDurable()]);
    expect(inFileAlone(later.id)).toBe(1);
  });

  it('stores enqueues made in later turns, and all of them before close returns', async () => {
    const { queue, db } = open(tempDir());
    const jobs = Array.from({ length: 50 }, () => makeJob());
    const first = queue.enqueue(jobs[0] as Job, { dedupKey: 'k0' });
    await new Promise<void>((resolve) => setImmediate(resolve));
    const rest = jobs.slice(1).map((job, i) => queue.enqueue(job, { dedupKey: `k${String(i + 1)}` }));
    await first;
    const counted = (db.prepare('SELECT COUNT(*) AS n FROM jobs').get() as { n: number }).n;
    expect(counted).toBeGreaterThanOrEqual(1);
    const closing = queue.close();
    expect((await Promise.all(rest)).every((r) => !r.duplicate)).toBe(true);
    await closing;
    const reopened = openDatabase(path.dirname(db.name));
    expect(reopened.prepare('SELECT COUNT(*) AS n FROM jobs').get()).toEqual({ n: 50 });
    reopened.close();
  });

  it('records the check-run ids of a turn together', async () => {
    const { queue, db } = open(tempDir());
    const jobs = [makeJob(), makeJob(), makeJob()];
    for (const job of jobs) await queue.enqueue(job, { dedupKey: job.id });
    await Promise.all(jobs.map((job, i) => queue.setCheckRunIds(job.id, { lint: i + 1, docs: i + 10 })));
    const stored = db.prepare('SELECT id, payload FROM jobs').all() as { id: string; payload: string }[];
    const ids = Object.fromEntries(stored.map((row) => [row.id, (JSON.parse(row.payload) as Job).checkRunIds]));
    expect(jobs.map((job) => ids[job.id])).toEqual([{ lint: 1, docs: 10 }, { lint: 2, docs: 11 }, { lint: 3, docs: 12 }]);
  });

  it('answers a supersede with nothing to cancel without waiting for the write lock', async () => {
    const { queue, db } = open(tempDir());
    const job = makeJob();
    await queue.enqueue(job, { dedupKey: job.id, supersedeKey: 'octo/demo#9' });
    const blocker = openDatabase(path.dirname(db.name));
    blocker.exec('BEGIN IMMEDIATE');
    const order: string[] = [];
    const superseding = queue.supersede('octo/demo#9', job.id).then((cancelled) => {
      order.push('answered');
      return cancelled;
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    order.push('lock released');
    blocker.exec('COMMIT');
    blocker.close();
    expect(await superseding).toEqual([]);
    expect(order).toEqual(['answered', 'lock released']);
    expect(stateOf(db, job.id).state).toBe('queued');
  });

  it('rejects enqueues once closed', async () => {
    const { queue } = open(tempDir());
    expect(await queue.healthy()).toBe(true);
    await queue.close();
    await expect(queue.enqueue(makeJob(), { dedupKey: 'x' })).rejects.toThrow(/closed/);
  });
});

describe('SQLite job queue recovery after kill -9', () => {
  const children: Child[] = [];
  afterEach(async () => {
    for (const child of children.splice(0)) await killHard(child);
  });

  it('lets another worker finish a job whose worker was killed, once its lease expires', async () => {
    const dir = tempDir();
    const child = spawnWorker({ DATA_DIR: dir, CHILD_MODE: 'hang', QG_LEASE_MS: '600', QG_POLL_MS: '20' });
    children.push(child);
    const { queue, db } = open(dir);
    const job = makeJob();
    await queue.enqueue(job, { dedupKey: job.id });
    await waitFor(() => child.events.some((e) => e.event === 'started'), `the child to start the job (${child.stderr.join('')})`);
    await killHard(child);
    expect(stateOf(db, job.id).state).toBe('running');

    const attempts: number[] = [];
    track(queue.process(async (_job, { attempt }) => void attempts.push(attempt), { concurrency: 1 }));
    await waitFor(() => stateOf(db, job.id).state === 'done', 'the job to be finished by the second worker');
    expect(attempts).toEqual([2]);
  });

  it('takes its own jobs back at once when restarted with the same worker id', async () => {
    const dir = tempDir();
    const child = spawnWorker({ DATA_DIR: dir, CHILD_MODE: 'hang', QG_WORKER_ID: 'stable-worker', QG_POLL_MS: '20' });
    children.push(child);
    // A lease far longer than the test: only the restart recovery can hand the job over in time.
    const { queue, db } = open(dir, { workerId: 'stable-worker', tuning: { leaseMs: 600_000 } });
    const job = makeJob();
    await queue.enqueue(job, { dedupKey: job.id });
    await waitFor(() => child.events.some((e) => e.event === 'started'), `the child to start the job (${child.stderr.join('')})`);
    await killHard(child);

    track(queue.process(async () => undefined, { concurrency: 1 }));
    await waitFor(() => stateOf(db, job.id).state === 'done', 'the job to be taken back');
    expect(stateOf(db, job.id).attempts).toBe(2);
  });
});

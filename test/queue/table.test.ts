import { afterAll, describe, expect, it } from '@jest/globals';
import { openDatabase } from '../../src/store/database.js';
import { jobTable, WORKER_DIED_REASON } from '../../src/queue/sqlite/table.js';
import { makeJob, tempDir, removeTempDirs } from './support/helpers.js';
// Loaded for real (not only its types) so coverage sees the Job module.
import '../../src/queue/job.js';

afterAll(removeTempDirs);

const LEASE = 1000;

describe('jobs table', () => {
  it('hands a job whose worker keeps dying over once past its attempts, then fails it with the reason', () => {
    const table = jobTable(openDatabase(tempDir()));
    const job = makeJob();
    table.insertMany([{ job, dedupKey: job.id, supersedeKey: undefined, maxAttempts: 1 }], 0);

    expect(table.claim('a', 0, LEASE)?.attempts).toBe(1);
    expect(table.claim('b', 500, LEASE)).toBeUndefined(); // lease still held
    const extra = table.claim('b', 1000, LEASE);
    expect(extra).toMatchObject({ attempts: 2, maxAttempts: 1 });
    expect(table.claim('c', 2000, LEASE)).toBeUndefined();
    expect(table.reap(2000).map((row) => row.job.id)).toEqual([job.id]);
    expect(table.counts()).toMatchObject({ failed: 1, running: 0 });
    expect(WORKER_DIED_REASON).toMatch(/lease/);
  });

  it('refuses to record an outcome for a worker that lost the lease', () => {
    const table = jobTable(openDatabase(tempDir()));
    const job = makeJob();
    table.insertMany([{ job, dedupKey: job.id, supersedeKey: undefined, maxAttempts: 3 }], 0);
    table.claim('a', 0, LEASE);
    table.claim('b', 2000, LEASE);
    expect(table.renew(job.id, 'a', 5000)).toBe(false);
    expect(table.complete(job.id, 'a', 2100)).toBe(false);
    expect(table.complete(job.id, 'b', 2100)).toBe(true);
  });

  it('deletes finished jobs past retention but keeps queued ones', () => {
    const table = jobTable(openDatabase(tempDir()));
    const done = makeJob();
    const waiting = makeJob();
    table.insertMany(
      [
        { job: done, dedupKey: done.id, supersedeKey: undefined, maxAttempts: 3 },
        { job: waiting, dedupKey: waiting.id, supersedeKey: undefined, maxAttempts: 3 },
      ],
      0,
    );
    table.claim('a', 0, LEASE);
    table.complete(done.id, 'a', 10);
    expect(table.prune(100)).toBe(1);
    expect(table.counts()).toMatchObject({ queued: 1, done: 0 });
  });
});

import { afterAll, describe, expect, it } from '@jest/globals';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openDatabase, DATABASE_FILE } from '../../src/store/database.js';
import { threadWriter } from '../../src/queue/sqlite/commit-thread.js';
import type { NewJob } from '../../src/queue/sqlite/table.js';
import { makeJob, removeTempDirs, tempDir } from './support/helpers.js';

afterAll(removeTempDirs);

function newJob(dedupKey: string, job = makeJob()): NewJob {
  return { job, dedupKey, supersedeKey: undefined, maxAttempts: 3 };
}

function storeFile(): string {
  const dir = tempDir();
  openDatabase(dir).close();
  return path.join(dir, DATABASE_FILE);
}

describe('SQLite commit thread', () => {
  it('commits a batch that another connection reads once the commit resolves, and returns the stored job of a duplicate', async () => {
    const file = storeFile();
    const committer = threadWriter(file);
    const first = newJob('a');
    const results = await committer.commit([first, newJob('b')], Date.now());
    expect(results.map((r) => r.duplicate)).toEqual([false, false]);
    const reader = new Database(file, { readonly: true });
    expect(reader.prepare('SELECT COUNT(*) AS n FROM jobs').get()).toEqual({ n: 2 });
    reader.close();
    const [again] = await committer.commit([newJob('a')], Date.now());
    expect(again).toEqual({ job: first.job, duplicate: true });
    await committer.close();
  });

  it('rolls the whole batch back and rejects with the SQLite error when one row breaks a constraint', async () => {
    const file = storeFile();
    const committer = threadWriter(file);
    const job = makeJob();
    await expect(committer.commit([newJob('x'), newJob('y', job), newJob('z', job)], Date.now())).rejects.toThrow(/UNIQUE constraint/);
    const reader = new Database(file, { readonly: true });
    expect(reader.prepare('SELECT COUNT(*) AS n FROM jobs').get()).toEqual({ n: 0 });
    reader.close();
    await committer.close();
  });

  it('cancels the other queued jobs of a supersede key and records check-run ids, in the order sent', async () => {
    const file = storeFile();
    const writer = threadWriter(file);
    const older = makeJob();
    const other = makeJob();
    const newest = makeJob();
    await writer.commit([
      { job: older, dedupKey: 'o', supersedeKey: 'pr#1', maxAttempts: 3 },
      { job: other, dedupKey: 'x', supersedeKey: 'pr#2', maxAttempts: 3 },
      { job: newest, dedupKey: 'n', supersedeKey: 'pr#1', maxAttempts: 3 },
    ], Date.now());
    const [cancelled] = await Promise.all([
      writer.cancel('pr#1', newest.id, Date.now()),
      writer.setCheckRunIds([{ jobId: newest.id, ids: { lint: 5 } }, { jobId: other.id, ids: { docs: 6 } }], Date.now()),
    ]);
    expect(cancelled.map((job) => job.id)).toEqual([older.id]);
    const reader = new Database(file, { readonly: true });
    const rows = reader.prepare('SELECT id, state, payload FROM jobs').all() as { id: string; state: string; payload: string }[];
    reader.close();
    const byId = new Map(rows.map((row) => [row.id, { state: row.state, ids: (JSON.parse(row.payload) as { checkRunIds: unknown }).checkRunIds }]));
    expect(byId.get(older.id)).toEqual({ state: 'cancelled', ids: {} });
    expect(byId.get(newest.id)).toEqual({ state: 'queued', ids: { lint: 5 } });
    expect(byId.get(other.id)).toEqual({ state: 'queued', ids: { docs: 6 } });
    await writer.close();
  });

  it('rejects commits once the thread has stopped', async () => {
    const committer = threadWriter(storeFile());
    await committer.close();
    await expect(committer.commit([newJob('a')], Date.now())).rejects.toThrow(/commit thread has stopped/);
  });
});

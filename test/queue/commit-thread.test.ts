import { afterAll, describe, expect, it } from '@jest/globals';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openDatabase, DATABASE_FILE } from '../../src/store/database.js';
import { threadCommitter } from '../../src/queue/sqlite/commit-thread.js';
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
    const committer = threadCommitter(file);
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
    const committer = threadCommitter(file);
    const job = makeJob();
    await expect(committer.commit([newJob('x'), newJob('y', job), newJob('z', job)], Date.now())).rejects.toThrow(/UNIQUE constraint/);
    const reader = new Database(file, { readonly: true });
    expect(reader.prepare('SELECT COUNT(*) AS n FROM jobs').get()).toEqual({ n: 0 });
    reader.close();
    await committer.close();
  });

  it('rejects commits once the thread has stopped', async () => {
    const committer = threadCommitter(storeFile());
    await committer.close();
    await expect(committer.commit([newJob('a')], Date.now())).rejects.toThrow(/commit thread has stopped/);
  });
});

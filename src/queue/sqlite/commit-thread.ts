/**
 * Commits enqueues on a second connection to the store file inside a `worker_threads` thread, so the
 * `synchronous = FULL` fsync (≈ 0.4 ms per commit on this machine's disk, docs/benchmarks.md) no
 * longer blocks the event loop that answers webhooks. Durability is unchanged: an enqueue resolves
 * only once the thread's transaction has committed, and the thread uses the same pragmas.
 * @module
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { APP_ROOT } from '../../paths.js';
import { BUSY_TIMEOUT_MS } from '../../store/database.js';
import type { EnqueueResult } from '../types.js';
import type { Job } from '../job.js';
import { INSERT_JOB_SQL, JOB_BY_DEDUP_SQL, type NewJob } from './table.js';

/** Stores batches of new jobs in one transaction each. */
export interface EnqueueCommitter {
  /** Inserts the jobs in one transaction (one fsync); duplicates return the stored job. */
  commit(jobs: NewJob[], now: number): Promise<EnqueueResult[]>;
  /** Ends the thread once the commits sent have returned. */
  close(): Promise<void>;
}

interface Outcome {
  id: number;
  /** Per job: `false` when inserted, else the stored payload of the duplicate (`true` if since deleted). */
  existing?: (string | boolean)[];
  error?: string;
}

// Plain CommonJS run by the thread (`eval`): no TypeScript loader is needed there, and the thread
// starts without tsx (execArgv []), which keeps its start-up and memory small.
const THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = ' + workerData.busyTimeoutMs);
db.pragma('synchronous = FULL');
const insert = db.prepare(workerData.insertSql);
const byDedup = db.prepare(workerData.dedupSql);
const insertMany = db.transaction((rows, now) => rows.map((row) => {
  if (insert.run({ ...row, now }).changes === 1) return false;
  const stored = byDedup.get(row.dedupKey);
  return stored === undefined ? true : stored.payload;
}));
parentPort.on('message', ({ id, rows, now }) => {
  try {
    parentPort.postMessage({ id, existing: insertMany(rows, now) });
  } catch (error) {
    parentPort.postMessage({ id, error: String(error && error.message ? error.message : error) });
  }
});
`;

/**
 * Starts the commit thread on the store file `file` (already created and migrated by `openDatabase`).
 * @param file Path of the SQLite file.
 */
export function threadCommitter(file: string): EnqueueCommitter {
  const driver = createRequire(path.join(APP_ROOT, 'package.json')).resolve('better-sqlite3');
  const waiting = new Map<number, { jobs: NewJob[]; resolve(results: EnqueueResult[]): void; reject(error: Error): void }>();
  let next = 0;
  let dead: Error | undefined;
  let thread: Worker | undefined;
  const failAll = (error: Error) => {
    dead ??= error;
    for (const entry of waiting.values()) entry.reject(dead);
    waiting.clear();
  };
  const onOutcome = ({ id, existing, error }: Outcome) => {
    const entry = waiting.get(id);
    if (entry === undefined) return;
    waiting.delete(id);
    if (waiting.size === 0) thread?.unref();
    if (error !== undefined || existing === undefined) {
      entry.reject(new Error(error ?? 'the commit thread answered nothing'));
      return;
    }
    entry.resolve(
      entry.jobs.map(({ job }, i) => {
        const stored = existing[i];
        return typeof stored === 'string' ? { job: JSON.parse(stored) as Job, duplicate: true } : { job, duplicate: stored === true };
      }),
    );
  };
  // Started on the first enqueue: an app that receives no webhook (a worker-only process) never pays
  // the thread's ≈ 8 MB.
  const start = (): Worker => {
    const worker = new Worker(THREAD_SOURCE, {
      eval: true,
      execArgv: [],
      workerData: { driver, file, busyTimeoutMs: BUSY_TIMEOUT_MS, insertSql: INSERT_JOB_SQL, dedupSql: JOB_BY_DEDUP_SQL },
    });
    worker.unref();
    worker.on('message', onOutcome);
    worker.on('error', (error) => failAll(new Error('the SQLite commit thread failed', { cause: error })));
    worker.on('exit', () => failAll(new Error('the SQLite commit thread has stopped')));
    return worker;
  };
  return {
    commit(jobs, now) {
      if (dead !== undefined) return Promise.reject(dead);
      const id = next++;
      const rows = jobs.map(({ job, dedupKey, supersedeKey, maxAttempts }) => ({
        id: job.id,
        dedupKey,
        supersedeKey: supersedeKey ?? null,
        maxAttempts,
        payload: JSON.stringify(job),
      }));
      return new Promise((resolve, reject) => {
        waiting.set(id, { jobs, resolve, reject });
        thread ??= start();
        // Held while a commit is out, so a caller awaiting it keeps the process alive.
        thread.ref();
        thread.postMessage({ id, rows, now });
      });
    },
    async close() {
      dead ??= new Error('the SQLite commit thread has stopped');
      await thread?.terminate();
    },
  };
}

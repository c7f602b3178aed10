/**
 * The writes a webhook causes, made on a second connection to the store file inside a
 * `worker_threads` thread: enqueues (with the `synchronous = FULL` fsync, ≈ 0.4 ms per commit on this
 * machine's disk, docs/benchmarks.md), the cancellation of superseded jobs, and the check-run ids.
 * On the event loop that answers webhooks they cost CPU and, worse, could wait synchronously for the
 * write lock another connection held. Durability is unchanged: an enqueue resolves only once the
 * thread's transaction has committed, and the thread uses the same pragmas.
 * @module
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { APP_ROOT } from '../../paths.js';
import { BUSY_TIMEOUT_MS } from '../../store/database.js';
import type { EnqueueResult } from '../types.js';
import type { Job } from '../job.js';
import { CANCEL_SUPERSEDED_SQL, INSERT_JOB_SQL, JOB_BY_DEDUP_SQL, SET_CHECK_RUN_IDS_SQL, type NewJob } from './table.js';

/** One check-run id update. */
export interface CheckRunIdsUpdate {
  /** The job. */
  jobId: string;
  /** Its check-run ids by gate. */
  ids: Job['checkRunIds'];
}

/** The webhook path's writes to the store. */
export interface StoreWriter {
  /** Inserts the jobs in one transaction (one fsync); duplicates return the stored job. */
  commit(jobs: NewJob[], now: number): Promise<EnqueueResult[]>;
  /** Cancels the queued and running jobs with the supersede key, except one; returns them. */
  cancel(supersedeKey: string, exceptJobId: string, now: number): Promise<Job[]>;
  /** Records check-run ids, all in one transaction without an fsync (a lost id is found again on GitHub). */
  setCheckRunIds(updates: CheckRunIdsUpdate[], now: number): Promise<void>;
  /** Ends the thread once the writes sent have returned. */
  close(): Promise<void>;
}

type Request =
  | { op: 'insert'; rows: Record<string, unknown>[]; now: number }
  | { op: 'cancel'; key: string; except: string; now: number }
  | { op: 'ids'; updates: { id: string; ids: string }[]; now: number };

interface Outcome {
  id: number;
  /** Insert: per job `false` when inserted, else the stored payload of the duplicate (`true` if since deleted). Cancel: payloads. */
  result?: (string | boolean)[];
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
const cancel = db.prepare(workerData.cancelSql);
const setIds = db.prepare(workerData.setIdsSql);
const insertMany = db.transaction((rows, now) => rows.map((row) => {
  if (insert.run({ ...row, now }).changes === 1) return false;
  const stored = byDedup.get(row.dedupKey);
  return stored === undefined ? true : stored.payload;
}));
const setMany = db.transaction((updates, now) => {
  for (const update of updates) setIds.run({ ...update, now });
});
const ops = {
  insert: ({ rows, now }) => insertMany(rows, now),
  cancel: ({ key, except, now }) => cancel.all({ key, except, now }).map((row) => row.payload),
  ids: ({ updates, now }) => {
    db.pragma('synchronous = NORMAL');
    try {
      setMany(updates, now);
    } finally {
      db.pragma('synchronous = FULL');
    }
    return [];
  },
};
parentPort.on('message', (batch) => {
  parentPort.postMessage(batch.map(({ id, request }) => {
    try {
      return { id, result: ops[request.op](request) };
    } catch (error) {
      return { id, error: String(error && error.message ? error.message : error) };
    }
  }));
});
`;

/**
 * Starts the write thread on the store file `file` (already created and migrated by `openDatabase`).
 * @param file Path of the SQLite file.
 */
export function threadWriter(file: string): StoreWriter {
  const driver = createRequire(path.join(APP_ROOT, 'package.json')).resolve('better-sqlite3');
  const waiting = new Map<number, { resolve(result: (string | boolean)[]): void; reject(error: Error): void }>();
  let next = 0;
  let dead: Error | undefined;
  let thread: Worker | undefined;
  const failAll = (error: Error) => {
    dead ??= error;
    for (const entry of waiting.values()) entry.reject(dead);
    waiting.clear();
  };
  const onOutcome = ({ id, result, error }: Outcome) => {
    const entry = waiting.get(id);
    if (entry === undefined) return;
    waiting.delete(id);
    if (waiting.size === 0) thread?.unref();
    if (error !== undefined || result === undefined) entry.reject(new Error(error ?? 'the commit thread answered nothing'));
    else entry.resolve(result);
  };
  // Started on the first enqueue: an app that receives no webhook (a worker-only process) never pays
  // the thread's ≈ 8 MB.
  const start = (): Worker => {
    const worker = new Worker(THREAD_SOURCE, {
      eval: true,
      execArgv: [],
      workerData: {
        driver,
        file,
        busyTimeoutMs: BUSY_TIMEOUT_MS,
        insertSql: INSERT_JOB_SQL,
        dedupSql: JOB_BY_DEDUP_SQL,
        cancelSql: CANCEL_SUPERSEDED_SQL,
        setIdsSql: SET_CHECK_RUN_IDS_SQL,
      },
    });
    worker.unref();
    worker.on('message', (outcomes: Outcome[]) => outcomes.forEach(onOutcome));
    worker.on('error', (error) => failAll(new Error('the SQLite commit thread failed', { cause: error })));
    worker.on('exit', () => failAll(new Error('the SQLite commit thread has stopped')));
    return worker;
  };
  // The writes of one event-loop turn go in one message each way: a post costs the web thread more
  // than the write itself costs the thread.
  let outgoing: { id: number; request: Request }[] = [];
  const flush = () => {
    const batch = outgoing;
    outgoing = [];
    if (batch.length === 0) return;
    if (dead !== undefined) {
      for (const { id } of batch) onOutcome({ id, error: dead.message });
      return;
    }
    thread ??= start();
    thread.postMessage(batch);
  };
  // Enqueues go out at once (the queue has already grouped them, and a webhook's answer waits for
  // them), taking along whatever else was waiting so the order of writes is kept.
  const send = (request: Request, urgent = false): Promise<(string | boolean)[]> => {
    if (dead !== undefined) return Promise.reject(dead);
    const id = next++;
    return new Promise((resolve, reject) => {
      waiting.set(id, { resolve, reject });
      thread ??= start();
      // Held while a write is out, so a caller awaiting it keeps the process alive.
      thread.ref();
      if (outgoing.length === 0 && !urgent) setImmediate(flush);
      outgoing.push({ id, request });
      if (urgent) flush();
    });
  };
  return {
    async commit(jobs, now) {
      const rows = jobs.map(({ job, dedupKey, supersedeKey, maxAttempts }) => ({
        id: job.id,
        dedupKey,
        supersedeKey: supersedeKey ?? null,
        maxAttempts,
        payload: JSON.stringify(job),
      }));
      const existing = await send({ op: 'insert', rows, now }, true);
      return jobs.map(({ job }, i) => {
        const stored = existing[i];
        return typeof stored === 'string' ? { job: JSON.parse(stored) as Job, duplicate: true } : { job, duplicate: stored === true };
      });
    },
    async cancel(key, except, now) {
      const payloads = await send({ op: 'cancel', key, except, now });
      return payloads.map((payload) => JSON.parse(String(payload)) as Job);
    },
    async setCheckRunIds(updates, now) {
      await send({ op: 'ids', updates: updates.map(({ jobId, ids }) => ({ id: jobId, ids: JSON.stringify(ids) })), now });
    },
    async close() {
      dead ??= new Error('the SQLite commit thread has stopped');
      await thread?.terminate();
    },
  };
}

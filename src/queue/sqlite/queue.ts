/**
 * The embedded job queue on the SQLite store file: nothing to install, survives restarts, shared by
 * the processes of one machine.
 * @module
 */
import type { Logger } from '../../gates/types.js';
import type { StoreDatabase } from '../../store/database.js';
import type { Job, JobState } from '../job.js';
import type { QueueTuning } from '../options.js';
import type { EnqueueResult, JobHandler, JobQueue, ProcessOptions, WorkerHandle } from '../types.js';
import { jobTable, type JobTable, type NewJob } from './table.js';
import { startWorkerLoop } from './worker.js';
import { threadWriter, type CheckRunIdsUpdate, type StoreWriter } from './commit-thread.js';
import { JobAbortedError } from '../abort.js';

/** Finished jobs are kept this long, so a late duplicate delivery is still recognised (GitHub keeps 3 days). */
export const FINISHED_JOB_RETENTION_MS = 7 * 24 * 3600_000;

/** How often finished jobs past retention are deleted. */
export const PRUNE_INTERVAL_MS = 3600_000;

/** What the SQLite queue needs. */
export interface SqliteQueueOptions {
  /** The open store file (closed by {@link SqliteJobQueue.close} when `ownsDatabase`). */
  db: StoreDatabase;
  /** Lease owner for this process's workers; a stable one lets a restart take its jobs back at once. */
  workerId: string;
  /** Lease, poll and retry timing. */
  tuning: QueueTuning;
  /** Whether closing the queue closes the file. */
  ownsDatabase?: boolean;
  /** Progress and failures. */
  log?: Logger;
  /**
   * Make the webhook path's writes (enqueue, supersede, check-run ids) in a `worker_threads` thread
   * on a second connection (default: true for a file), keeping them off the event loop that answers
   * webhooks.
   */
  commitInThread?: boolean;
}

interface Pending extends NewJob {
  resolve(result: EnqueueResult): void;
  reject(error: Error): void;
}

/** {@link JobQueue} on SQLite. */
export class SqliteJobQueue implements JobQueue {
  private readonly table: JobTable;
  private readonly running = new Map<string, AbortController>();
  private readonly wakers = new Set<() => void>();
  private readonly workers = new Set<WorkerHandle>();
  private pending: Pending[] = [];
  private flushing: Promise<void> | undefined;
  private flushScheduled = false;
  private readonly writer: StoreWriter;
  private idUpdates: CheckRunIdsUpdate[] = [];
  private idsWritten: Promise<void> | undefined;
  private closed = false;
  private readonly pruner: NodeJS.Timeout;

  /** @param options Store file, worker id and timing. */
  constructor(private readonly options: SqliteQueueOptions) {
    this.table = jobTable(options.db);
    this.writer = (options.commitInThread ?? !options.db.memory) ? threadWriter(options.db.name) : this.inlineWriter();
    this.prune();
    this.pruner = setInterval(() => this.prune(), PRUNE_INTERVAL_MS).unref();
  }

  /**
   * Stores the job. Enqueues made in the same event-loop turn, or while the previous commit was out,
   * are committed together: a burst of webhooks pays one fsync per group rather than one each. (Capping
   * the group, so early deliveries of a burst are answered sooner, was measured worse: every extra
   * group is another fsync the next group waits behind.)
   */
  enqueue(job: Job, options: { dedupKey: string; supersedeKey?: string }): Promise<EnqueueResult> {
    if (this.closed) return Promise.reject(new Error('the job queue is closed: the app is shutting down'));
    return new Promise((resolve, reject) => {
      this.pending.push({
        job,
        dedupKey: options.dedupKey,
        supersedeKey: options.supersedeKey,
        maxAttempts: this.options.tuning.maxAttempts,
        resolve,
        reject,
      });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.flushScheduled || this.flushing !== undefined || this.pending.length === 0) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flushing ??= this.flush().finally(() => {
        this.flushing = undefined;
        this.schedule();
      });
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    try {
      // The thread's connection outlives a closed store; the queue must not.
      if (!this.options.db.open) throw new Error('the store file is closed');
      const results = await this.writer.commit(batch, Date.now());
      batch.forEach((item, i) => item.resolve(results[i] ?? { job: item.job, duplicate: false }));
    } catch {
      // One bad job (or a full disk, or a dead thread) rolled back the whole batch: store them one
      // by one on this thread's connection, so only the enqueues that really fail are rejected.
      for (const item of batch) this.insertAlone(item);
    }
    for (const wake of this.wakers) wake();
  }

  private insertAlone(item: Pending): void {
    try {
      const [result] = this.table.insertMany([item], Date.now());
      item.resolve(result ?? { job: item.job, duplicate: false });
    } catch (error) {
      item.reject(
        new Error('could not store the job in the SQLite file: check disk space and DATA_DIR', { cause: error }),
      );
    }
  }

  /** The same writes on this thread's connection: in-memory stores, and the fallback when the thread fails. */
  private inlineWriter(): StoreWriter {
    return {
      commit: (jobs, now) => Promise.resolve(this.table.insertMany(jobs, now)),
      cancel: (key, except, now) => Promise.resolve(this.table.cancel(key, except, now).map((row) => row.job)),
      setCheckRunIds: (updates, now) => {
        for (const { jobId, ids } of updates) this.table.setCheckRunIds(jobId, ids, now);
        return Promise.resolve();
      },
      close: () => Promise.resolve(),
    };
  }

  /** Cancels the other queued and running jobs with this key; running ones in this process are aborted now, in others at their next lease renewal. */
  async supersede(supersedeKey: string, exceptJobId: string): Promise<Job[]> {
    // Most deliveries (a pull request's first) have nothing to supersede: a read answers that without
    // a round trip to the write thread.
    if (!this.table.hasSupersedable(supersedeKey, exceptJobId)) return [];
    const now = Date.now();
    const cancelled = await this.writer.cancel(supersedeKey, exceptJobId, now).catch(() => this.inlineWriter().cancel(supersedeKey, exceptJobId, now));
    for (const job of cancelled) this.running.get(job.id)?.abort(new JobAbortedError('cancelled'));
    return cancelled;
  }

  /** Records check-run ids in the stored job; the updates of one event-loop turn are written together. */
  setCheckRunIds(jobId: string, ids: Job['checkRunIds']): Promise<void> {
    this.idUpdates.push({ jobId, ids });
    this.idsWritten ??= new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
      const updates = this.idUpdates;
      this.idUpdates = [];
      this.idsWritten = undefined;
      const now = Date.now();
      await this.writer.setCheckRunIds(updates, now).catch(() => this.inlineWriter().setCheckRunIds(updates, now));
    });
    return this.idsWritten;
  }

  /** Starts workers in this process. */
  process(handler: JobHandler, options: ProcessOptions): WorkerHandle {
    const loop = startWorkerLoop({
      table: this.table,
      workerId: this.options.workerId,
      tuning: this.options.tuning,
      handler,
      concurrency: options.concurrency,
      onOutcome: options.onOutcome ?? (() => undefined),
      running: this.running,
      onEnqueue: (wake) => {
        this.wakers.add(wake);
        return () => this.wakers.delete(wake);
      },
      ...(this.options.log === undefined ? {} : { log: this.options.log }),
    });
    const handle: WorkerHandle = {
      close: async () => {
        this.workers.delete(handle);
        await loop.close();
      },
    };
    this.workers.add(handle);
    return handle;
  }

  /** Jobs by state. */
  counts(): Promise<Record<JobState, number>> {
    return Promise.resolve(this.table.counts());
  }

  /** True when the file answers a query. */
  healthy(): Promise<boolean> {
    try {
      this.options.db.prepare('SELECT 1').get();
      return Promise.resolve(true);
    } catch {
      return Promise.resolve(false);
    }
  }

  /** Stops workers (their jobs go back to the queue), stores pending enqueues, closes the file if owned. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.pruner);
    await Promise.all([...this.workers].map((worker) => worker.close()));
    while (this.flushing !== undefined || this.pending.length > 0) await (this.flushing ?? this.flush());
    await this.idsWritten;
    await this.writer.close();
    if (this.options.ownsDatabase === true) this.options.db.close();
  }

  private prune(): void {
    try {
      this.table.prune(Date.now() - FINISHED_JOB_RETENTION_MS);
    } catch (error) {
      this.options.log?.warn({ err: error }, 'could not delete old finished jobs; will try again');
    }
  }
}

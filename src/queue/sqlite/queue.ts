/**
 * The embedded job queue on the SQLite store file: nothing to install, survives restarts, shared by
 * the processes of one machine.
 * @module
 */
import type { Logger } from '../../gates/types.js';
import type { StoreDatabase } from '../../store/database.js';
import type { Job, JobState } from '../job.js';
import type { QueueTuning } from '../options.js';
import type { EnqueueResult, JobHandler, JobQueue, ProcessOptions, RunningJobInfo, WorkerHandle } from '../types.js';
import { jobTable, type CheckRunIdsUpdate, type JobTable, type NewJob } from './table.js';
import { startWorkerLoop } from './worker.js';
import { startCheckpointer, type Checkpointer } from '../../store/checkpointer.js';
import { BUSY_TIMEOUT_MS } from '../../store/database.js';
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
  private checkpointer: Checkpointer | undefined;
  private idUpdates: CheckRunIdsUpdate[] = [];
  private idsWritten: Promise<void> | undefined;
  private closed = false;
  private readonly pruner: NodeJS.Timeout;

  /** @param options Store file, worker id and timing. */
  constructor(private readonly options: SqliteQueueOptions) {
    this.table = jobTable(options.db);
    this.prune();
    this.pruner = setInterval(() => this.prune(), PRUNE_INTERVAL_MS).unref();
  }

  /**
   * Stores the job. Enqueues made in the same event-loop turn are committed together, in one
   * transaction: a burst of webhooks pays for one commit per turn rather than one each.
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
      if (this.pending.length === 1) setImmediate(() => this.flush());
    });
  }

  /**
   * Commits on this thread skip the fsync (store/database.ts); the checkpoint thread makes them durable
   * against a power cut a fraction of a second later. Started with the first write, so a process that
   * only reads (or has not received a webhook yet) does not carry the thread.
   */
  private checkpointing(): void {
    if (this.checkpointer === undefined && !this.options.db.memory && !this.closed) {
      this.checkpointer = startCheckpointer(this.options.db.name, BUSY_TIMEOUT_MS);
    }
  }

  private flush(): void {
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    this.checkpointing();
    try {
      const results = this.table.insertMany(batch, Date.now());
      batch.forEach((item, i) => item.resolve(results[i] ?? { job: item.job, duplicate: false }));
    } catch {
      // One bad job (or a full disk) rolled back the whole batch: store them one by one, so only the
      // enqueues that really fail are rejected.
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

  /** Cancels the other queued and running jobs with this key; running ones in this process are aborted now, in others at their next lease renewal. */
  supersede(supersedeKey: string, exceptJobId: string): Promise<Job[]> {
    try {
      // Most deliveries (a pull request's first) have nothing to supersede: a read answers that.
      if (!this.table.hasSupersedable(supersedeKey, exceptJobId)) return Promise.resolve([]);
      const cancelled = this.table.cancel(supersedeKey, exceptJobId, Date.now()).map((row) => row.job);
      for (const job of cancelled) this.running.get(job.id)?.abort(new JobAbortedError('cancelled'));
      return Promise.resolve(cancelled);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /** Resolves after the next complete checkpoint (see `store/checkpointer.ts`). */
  whenDurable(): Promise<void> {
    this.checkpointing();
    return this.checkpointer?.whenDurable() ?? Promise.resolve();
  }

  /** Records check-run ids in the stored job; the updates of one event-loop turn are written together. */
  setCheckRunIds(jobId: string, ids: Job['checkRunIds']): Promise<void> {
    this.idUpdates.push({ jobId, ids });
    this.idsWritten ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      const updates = this.idUpdates;
      this.idUpdates = [];
      this.idsWritten = undefined;
      this.table.setCheckRunIdsMany(updates, Date.now());
    });
    return this.idsWritten;
  }

  /** Starts workers in this process. */
  process(handler: JobHandler, options: ProcessOptions): WorkerHandle {
    this.checkpointing();
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

  /** Jobs leased now, with their lease owner and when the lease was taken or renewed last. */
  runningJobs(): Promise<RunningJobInfo[]> {
    const rows = this.options.db
      .prepare<[], { payload: string; lease_owner: string | null; updated_at: number }>("SELECT payload, lease_owner, updated_at FROM jobs WHERE state = 'running' ORDER BY updated_at")
      .all();
    return Promise.resolve(rows.map((row) => ({ job: JSON.parse(row.payload) as Job, ...(row.lease_owner ? { worker: row.lease_owner } : {}) })));
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
    this.flush();
    await this.idsWritten?.catch(() => undefined);
    await this.checkpointer?.close();
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

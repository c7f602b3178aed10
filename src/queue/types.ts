/**
 * The queue contract shared by the SQLite (embedded) and BullMQ (distributed) implementations. The
 * app enqueues; workers process. Delivery is at least once, so handlers must be idempotent.
 * @module
 */
import type { Job, JobState } from './job.js';

/** What {@link JobQueue.enqueue} did. */
export interface EnqueueResult {
  /** The stored job (the earlier one when this was a duplicate). */
  job: Job;
  /** True when a job with the same dedup key was already stored: nothing new was queued. */
  duplicate: boolean;
}

/** What a handler gets besides the job. */
export interface JobContext {
  /** Aborted when the job is superseded or cancelled, or the worker shuts down. */
  signal: AbortSignal;
  /** 1 for the first attempt. */
  attempt: number;
  /**
   * Attempts allowed before the job is marked failed. When `attempt >= maxAttempts` this is the last
   * try: the handler must complete the job's check runs (as failed, with the reason) instead of
   * throwing {@link RetryableJobError}. A job whose worker died during its last attempt is handed
   * over once more with `attempt === maxAttempts + 1`.
   */
  maxAttempts: number;
}

/**
 * Processes one job. Throw {@link RetryableJobError} for infrastructure failures worth a retry. What it
 * resolves with (JSON) is the job's result: the distributed queue hands it to the web process's
 * {@link JobQueue.onResult} listeners (the dashboard's history travels that way).
 */
export type JobHandler = (job: Job, context: JobContext) => Promise<unknown>;

/** An infrastructure failure (network, GitHub 5xx, worker crash): the job is retried with backoff. */
export class RetryableJobError extends Error {
  /**
   * @param message What failed.
   * @param options The underlying cause.
   */
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.name = 'RetryableJobError';
  }
}

/** How one run of a handler ended, for metrics. `released`: given back on shutdown, not counted as an attempt. */
export type JobOutcome = 'done' | 'retried' | 'failed' | 'cancelled' | 'released';

/** Options of {@link JobQueue.process}. */
export interface ProcessOptions {
  /** Jobs run at once by this process. */
  concurrency: number;
  /** Called after each run of the handler (metrics); must not throw. */
  onOutcome?: (outcome: JobOutcome, job: Job) => void;
}

/** A running set of workers. */
export interface WorkerHandle {
  /** Stops taking jobs, aborts running ones, and resolves when they have ended. */
  close(): Promise<void>;
}

/** A job being run, and where. */
export interface RunningJobInfo {
  /** The job. */
  job: Job;
  /** The worker running it, when the queue knows. */
  worker?: string;
  /** When it started (ms since epoch), when the queue knows. */
  startedAt?: number;
}

/** Durable job queue. */
export interface JobQueue {
  /** Stores the job durably; resolves only once it is safe to acknowledge the webhook. */
  enqueue(job: Job, options: { dedupKey: string; supersedeKey?: string }): Promise<EnqueueResult>;
  /**
   * Marks every other job with this supersede key (queued or running) cancelled and aborts the running
   * ones; returns the jobs that were cancelled so their check runs can be completed `cancelled`.
   */
  supersede(supersedeKey: string, exceptJobId: string): Promise<Job[]>;
  /**
   * Resolves once the jobs stored so far would survive a power cut, not only a crash of the app:
   * their `queued` check runs are created only then (a check run whose job was lost would block
   * merges for good).
   */
  whenDurable(): Promise<void>;
  /** Records check-run ids created after the job was stored. */
  setCheckRunIds(jobId: string, ids: Job['checkRunIds']): Promise<void>;
  /** Starts `concurrency` workers that take jobs and call `handler`. */
  process(handler: JobHandler, options: ProcessOptions): WorkerHandle;
  /** Jobs by state, for metrics and health. */
  counts(): Promise<Record<JobState, number>>;
  /** Whether the store answers (health endpoint). */
  healthy(): Promise<boolean>;
  /** The jobs running now and the worker (lease owner) running each (the operator's page). */
  runningJobs?(): Promise<RunningJobInfo[]>;
  /** Releases connections and files. */
  close(): Promise<void>;
  /**
   * Calls `listener` with the result of every job that completes, in whichever process it ran
   * (distributed queue only; the embedded queue's workers share the process and its store).
   * Returns a function that stops listening.
   */
  onResult?(listener: (result: unknown) => void): Promise<() => Promise<void>>;
}

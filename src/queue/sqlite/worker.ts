/**
 * The SQLite worker loop: take a job under a lease, renew the lease while the handler runs, record
 * the outcome. Idle slots poll, and wake at once when this process enqueues.
 * @module
 */
import type { Logger } from '../../gates/types.js';
import type { Job } from '../job.js';
import { retryDelayMs, type QueueTuning } from '../options.js';
import { RetryableJobError, type JobHandler, type JobOutcome, type WorkerHandle } from '../types.js';
import type { JobRow, JobTable } from './table.js';
import { JobAbortedError } from '../abort.js';

/** What the loop shares with its queue. */
export interface WorkerLoopOptions {
  /** The jobs table. */
  table: JobTable;
  /** Lease owner recorded on taken jobs. */
  workerId: string;
  /** Lease, poll and retry timing. */
  tuning: QueueTuning;
  /** Handler of each job. */
  handler: JobHandler;
  /** Jobs run at once. */
  concurrency: number;
  /** Told how each run ended. */
  onOutcome(outcome: JobOutcome, job: Job): void;
  /** Abort controllers of jobs running in this process, so supersede can abort them directly. */
  running: Map<string, AbortController>;
  /** Registers a callback called when this process enqueues; returns its removal. */
  onEnqueue(wake: () => void): () => void;
  /** Progress and failures. */
  log?: Logger;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Starts the loop.
 * @param options Table, handler and timing.
 */
export function startWorkerLoop(options: WorkerLoopOptions): WorkerHandle {
  const { table, workerId, tuning, handler, concurrency, running, onOutcome, log } = options;
  const active = new Set<Promise<void>>();
  const mine = new Map<string, AbortController>();
  let closed = false;
  let wakeUp: (() => void) | undefined;
  const wake = () => wakeUp?.();
  const unsubscribe = options.onEnqueue(wake);

  async function runOne(row: JobRow): Promise<void> {
    const { job } = row;
    const scope = { jobId: job.id, deliveryId: job.deliveryId, attempt: row.attempts };
    const controller = new AbortController();
    running.set(job.id, controller);
    mine.set(job.id, controller);
    const renew = setInterval(() => {
      try {
        if (!table.renew(job.id, workerId, Date.now() + tuning.leaseMs)) {
          controller.abort(new JobAbortedError('lease-lost'));
        }
      } catch (error) {
        log?.warn({ ...scope, err: error }, 'could not renew the job lease; will try again');
      }
    }, Math.max(1, Math.floor(tuning.leaseMs / 3)));
    let outcome: JobOutcome;
    try {
      await handler(job, { signal: controller.signal, attempt: row.attempts, maxAttempts: row.maxAttempts });
      outcome = table.complete(job.id, workerId, Date.now()) ? 'done' : 'cancelled';
    } catch (error) {
      const reason: unknown = controller.signal.reason;
      const now = Date.now();
      if (reason instanceof JobAbortedError && reason.reason === 'shutdown') {
        table.release(job.id, workerId, now);
        outcome = 'released';
      } else if (reason instanceof JobAbortedError) {
        outcome = 'cancelled'; // cancelled, or taken over by another worker: nothing to record
      } else if (error instanceof RetryableJobError && row.attempts < row.maxAttempts) {
        const delay = retryDelayMs(row.attempts, tuning);
        log?.warn({ ...scope, err: error, retryInMs: delay }, 'job failed for an infrastructure reason; retrying');
        table.retry(job.id, workerId, now + delay, message(error), now);
        outcome = 'retried';
      } else {
        log?.warn({ ...scope, err: error }, 'job failed');
        table.fail(job.id, workerId, message(error), now);
        outcome = 'failed';
      }
    } finally {
      clearInterval(renew);
      running.delete(job.id);
      mine.delete(job.id);
    }
    onOutcome(outcome, job);
  }

  function fill(): void {
    for (const row of table.reap(Date.now())) {
      log?.warn({ jobId: row.job.id, deliveryId: row.job.deliveryId }, 'job failed: its worker died on every attempt');
    }
    while (!closed && active.size < concurrency) {
      const row = table.claim(workerId, Date.now(), tuning.leaseMs);
      if (row === undefined) return;
      const task: Promise<void> = runOne(row)
        .catch((error: unknown) => log?.warn({ jobId: row.job.id, err: error }, 'could not record the job outcome'))
        .finally(() => {
          active.delete(task);
          wake();
        });
      active.add(task);
    }
  }

  async function loop(): Promise<void> {
    while (!closed) {
      try {
        fill();
      } catch (error) {
        log?.warn({ err: error, workerId }, 'could not take a job from the store; will try again');
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, tuning.pollMs);
        wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  const recovered = table.recoverOwned(workerId, Date.now());
  if (recovered > 0) log?.info({ workerId, recovered }, 're-queued jobs this worker held before it restarted');
  const looping = loop();

  return {
    async close() {
      closed = true;
      unsubscribe();
      wake();
      await looping;
      for (const controller of mine.values()) controller.abort(new JobAbortedError('shutdown'));
      await Promise.all(active);
    },
  };
}

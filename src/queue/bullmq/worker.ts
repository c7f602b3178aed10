/**
 * BullMQ workers running our handler: attempts and retries mapped onto BullMQ's, cancellation
 * checked in Redis while the job runs, and a shutdown that gives running jobs back to the queue.
 * @module
 */
import { UnrecoverableError, WaitingError, Worker, type Job as BullJob } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from '../../gates/types.js';
import { JobAbortedError } from '../abort.js';
import type { QueueTuning } from '../options.js';
import { WORKER_DIED_REASON } from '../sqlite/table.js';
import type { Job } from '../job.js';
import { RetryableJobError, type JobHandler, type JobOutcome, type WorkerHandle } from '../types.js';
import { WORKER_OPTIONS } from './connection.js';
import type { BullJobData } from './queue.js';

/** What the workers need. */
export interface BullWorkerOptions {
  /** `QG_REDIS_URL`. */
  url: string;
  /** Key prefix. */
  prefix: string;
  /** BullMQ queue name. */
  queueName: string;
  /** Lease (lock) and attempts. */
  tuning: QueueTuning;
  /** Handler of each job. */
  handler: JobHandler;
  /** Jobs run at once in this process. */
  concurrency: number;
  /** Told how each run ended. */
  onOutcome(outcome: JobOutcome, job: Job): void;
  /** Abort controllers of jobs running here, by BullMQ id, so supersede aborts them at once. */
  running: Map<string, AbortController>;
  /** Whether supersede marked the job cancelled. */
  isCancelled(bullId: string): Promise<boolean>;
  /** Check-run ids recorded after the job was stored (`BullJobQueue.setCheckRunIds`). */
  storedCheckRunIds(jobId: string): Promise<Job['checkRunIds']>;
  /** Name BullMQ records on each job this worker takes (`processedBy`). */
  workerId?: string;
  /** Progress and failures. */
  log?: Logger;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Starts a BullMQ worker with `concurrency` slots.
 * @param options Connection, handler and timing.
 */
export function startBullWorkers(options: BullWorkerOptions): WorkerHandle {
  const { tuning, handler, running, isCancelled, storedCheckRunIds, onOutcome, log } = options;
  const connection = new Redis(options.url, WORKER_OPTIONS);
  const mine = new Map<string, AbortController>();

  async function processJob(bullJob: BullJob<BullJobData>, token?: string): Promise<unknown> {
    const id = bullJob.id ?? '';
    const stored = bullJob.data.job;
    // A stall (dead worker) gives the job back without counting a failed attempt, so "attempts
    // started" is the attempt number the handler must see, less the starts given back at shutdown.
    const attempt = bullJob.attemptsStarted - (bullJob.data.releases ?? 0);
    const maxAttempts = bullJob.opts.attempts ?? tuning.maxAttempts;
    const scope = { jobId: stored.id, deliveryId: stored.deliveryId, attempt };
    if (attempt > maxAttempts + 1) {
      onOutcome('failed', stored);
      throw new UnrecoverableError(WORKER_DIED_REASON);
    }
    // Registered before the check, so a supersede in this process either sees the controller or
    // wrote its mark before the check reads it.
    const controller = new AbortController();
    running.set(id, controller);
    mine.set(id, controller);
    if ((await isCancelled(id)) || controller.signal.aborted) {
      running.delete(id);
      mine.delete(id);
      onOutcome('cancelled', stored);
      return undefined;
    }
    // Unreadable ids are not worth failing the job for: the handler finds the runs on GitHub.
    const recorded = await storedCheckRunIds(stored.id).catch(() => ({}));
    const job: Job = { ...stored, checkRunIds: { ...stored.checkRunIds, ...recorded } };
    const check = setInterval(() => {
      isCancelled(id).then(
        (cancelled) => cancelled && controller.abort(new JobAbortedError('cancelled')),
        (error: unknown) => log?.warn({ ...scope, err: error }, 'could not check whether the job was cancelled'),
      );
    }, Math.max(1, Math.floor(tuning.leaseMs / 3)));
    let outcome: JobOutcome = 'failed';
    try {
      // The handler's result becomes BullMQ's returnvalue, which reaches `onResult` listeners.
      const result = await handler(job, { signal: controller.signal, attempt, maxAttempts });
      outcome = controller.signal.aborted ? 'cancelled' : 'done';
      return result;
    } catch (error) {
      const reason: unknown = controller.signal.reason;
      if (reason instanceof JobAbortedError && reason.reason === 'cancelled') {
        outcome = 'cancelled';
        return undefined;
      }
      if (reason instanceof JobAbortedError && reason.reason === 'shutdown' && token !== undefined) {
        await bullJob.updateData({ ...bullJob.data, releases: (bullJob.data.releases ?? 0) + 1 });
        await bullJob.moveToWait(token);
        outcome = 'released';
        throw new WaitingError();
      }
      if (error instanceof RetryableJobError && attempt < maxAttempts) {
        log?.warn({ ...scope, err: error }, 'job failed for an infrastructure reason; retrying');
        outcome = 'retried';
        throw error;
      }
      log?.warn({ ...scope, err: error }, 'job failed');
      throw new UnrecoverableError(message(error));
    } finally {
      onOutcome(outcome, job);
      clearInterval(check);
      running.delete(id);
      mine.delete(id);
    }
  }

  const worker = new Worker<BullJobData>(options.queueName, processJob, {
    connection,
    prefix: options.prefix,
    ...(options.workerId === undefined ? {} : { name: options.workerId }),
    concurrency: options.concurrency,
    lockDuration: tuning.leaseMs,
    stalledInterval: tuning.leaseMs,
    // A stall counts like an attempt: the job is taken over until its attempts are used up.
    maxStalledCount: tuning.maxAttempts,
  });
  worker.on('error', (error) => log?.warn({ err: error }, 'BullMQ worker error; it reconnects by itself'));

  return {
    async close() {
      const closing = worker.close(); // stops fetching first, so nothing new starts after the aborts
      for (const controller of mine.values()) controller.abort(new JobAbortedError('shutdown'));
      await closing;
      connection.disconnect();
    },
  };
}

/**
 * The distributed job queue on BullMQ: any number of worker processes on any number of machines
 * share one Redis. Same semantics as the SQLite queue: dedup key = BullMQ job id, attempts with
 * exponential backoff, a lock (lease) whose expiry hands a dead worker's job to another.
 * @module
 */
import { createHash } from 'node:crypto';
import { Queue, type Job as BullJob } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../../gates/types.js';
import type { Job, JobState } from '../job.js';
import { BACKOFF_JITTER, type QueueTuning } from '../options.js';
import type { EnqueueResult, JobHandler, JobQueue, ProcessOptions, WorkerHandle } from '../types.js';
import { startBullWorkers } from './worker.js';
import { JobAbortedError } from '../abort.js';

/** Name of the BullMQ queue inside the prefix. */
export const QUEUE_NAME = 'jobs';

/** Finished jobs stay this long so a late duplicate delivery is still recognised (GitHub keeps 3 days). */
export const FINISHED_JOB_RETENTION_SECONDS = 7 * 24 * 3600;

/** What BullMQ stores as a job's data. */
export interface BullJobData {
  /** Our job. */
  job: Job;
  /** Key that deduplicated it. */
  dedupKey: string;
  /** Key under which newer jobs cancel it. */
  supersedeKey?: string;
  /** Times a shutting-down worker gave it back: those starts are not attempts. */
  releases?: number;
}

/** What the BullMQ queue needs. */
export interface BullQueueOptions {
  /** Fail-fast connection for the webhook path and the supersede bookkeeping. */
  client: Redis;
  /** `QG_REDIS_URL`: workers open their own (blocking, patient) connections. */
  url: string;
  /** Key prefix, so several installations (or tests) share one Redis. */
  prefix: string;
  /** Attempts, backoff and lease. */
  tuning: QueueTuning;
  /** Progress and failures. */
  log?: Logger;
}

/**
 * The BullMQ job id for a dedup key: BullMQ refuses `:` in custom ids, so the key is hashed.
 * @param dedupKey Caller's dedup key.
 */
export function bullJobId(dedupKey: string): string {
  return `d${createHash('sha256').update(dedupKey).digest('hex').slice(0, 40)}`;
}

/** An enqueue waiting for the end of its event-loop turn. */
interface PendingEnqueue {
  job: Job;
  dedupKey: string;
  supersedeKey: string | undefined;
  resolve(result: EnqueueResult): void;
  reject(error: Error): void;
}

const QUEUED_STATES = new Set(['waiting', 'delayed', 'prioritized', 'waiting-children']);

/** {@link JobQueue} on BullMQ. */
export class BullJobQueue implements JobQueue {
  private readonly queue: Queue<BullJobData>;
  private readonly running = new Map<string, AbortController>();
  private readonly workers = new Set<WorkerHandle>();
  private pending: PendingEnqueue[] = [];

  /** @param options Connection, prefix and timing. */
  constructor(private readonly options: BullQueueOptions) {
    this.queue = new Queue<BullJobData>(QUEUE_NAME, { connection: options.client, prefix: options.prefix });
    this.queue.on('error', (error) => options.log?.warn({ err: error }, 'BullMQ queue error'));
  }

  private key(...parts: string[]): string {
    return [this.options.prefix, 'qg', ...parts].join(':');
  }

  /** Redis key marking a job cancelled, checked by whichever worker runs it. */
  cancelledKey(bullId: string): string {
    return this.key('cancelled', bullId);
  }

  /**
   * Stores the job in Redis; rejects within a couple of seconds when Redis is unreachable. The
   * enqueues of one event-loop turn go in one `addBulk` and one pipeline: two round trips for a burst
   * instead of two per delivery, on the thread that answers webhooks.
   */
  enqueue(job: Job, options: { dedupKey: string; supersedeKey?: string }): Promise<EnqueueResult> {
    return new Promise((resolve, reject) => {
      this.pending.push({ job, dedupKey: options.dedupKey, supersedeKey: options.supersedeKey, resolve, reject });
      if (this.pending.length === 1) setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    const { maxAttempts, backoffBaseMs } = this.options.tuning;
    const ttl = String(FINISHED_JOB_RETENTION_SECONDS);
    try {
      await this.queue.addBulk(
        batch.map(({ job, dedupKey, supersedeKey }) => ({
          name: 'job',
          data: { job, dedupKey, ...(supersedeKey === undefined ? {} : { supersedeKey }) },
          opts: {
            jobId: bullJobId(dedupKey),
            attempts: maxAttempts,
            backoff: { type: 'exponential', delay: backoffBaseMs, jitter: BACKOFF_JITTER },
            removeOnComplete: { age: FINISHED_JOB_RETENTION_SECONDS },
            removeOnFail: { age: FINISHED_JOB_RETENTION_SECONDS },
          },
        })),
      );
      // BullMQ answers a duplicate id with the existing job's id only, so the stored data tells
      // whether an enqueue created the job. The data of job i is reply `dataReply[i]` of the pipeline.
      const pipeline = this.options.client.pipeline();
      const dataReply: number[] = [];
      let replies = 0;
      for (const { job, dedupKey, supersedeKey } of batch) {
        const id = bullJobId(dedupKey);
        dataReply.push(replies);
        pipeline.hget(this.queue.toKey(id), 'data').set(this.key('id', job.id), id, 'EX', ttl);
        replies += 2;
        if (supersedeKey !== undefined) {
          const set = this.key('supersede', supersedeKey);
          pipeline.sadd(set, id).expire(set, ttl);
          replies += 2;
        }
      }
      const answers = (await pipeline.exec()) ?? [];
      batch.forEach(({ job, resolve }, i) => {
        const stored = answers[dataReply[i] ?? -1]?.[1];
        const storedJob = typeof stored === 'string' ? (JSON.parse(stored) as BullJobData).job : job;
        resolve({ job: storedJob, duplicate: storedJob.id !== job.id });
      });
    } catch (error) {
      const failure = new Error('could not store the job in Redis (QG_REDIS_URL): is Redis up?', { cause: error });
      for (const { reject } of batch) reject(failure);
    }
  }

  /**
   * Redis answers once the job is in its memory; how soon that reaches its disk is Redis's own
   * persistence setting (docs/operations.md), which nothing here can wait for.
   */
  whenDurable(): Promise<void> {
    return Promise.resolve();
  }

  /**
   * Marks the other jobs with the key cancelled and removes the waiting ones. The marks are written
   * first, so a worker that takes one of them meanwhile skips it; running ones are aborted here at
   * once, in other processes within a third of the lease.
   */
  async supersede(supersedeKey: string, exceptJobId: string): Promise<Job[]> {
    const { client } = this.options;
    const set = this.key('supersede', supersedeKey);
    const jobs: BullJob<BullJobData>[] = [];
    // The set holds the new job too; most deliveries (a pull request's first) have nothing else in it,
    // and one round trip that also asks for the new job's BullMQ id tells so without loading any job.
    const replies = (await client.pipeline().smembers(set).get(this.key('id', exceptJobId)).exec()) ?? [];
    const failed = replies.find(([error]) => error !== null)?.[0];
    if (failed) throw failed;
    const [members, ownId] = replies.map(([, reply]) => reply);
    const others = Array.isArray(members) ? members.filter((id): id is string => typeof id === 'string' && id !== ownId) : [];
    for (const id of others) {
      const bullJob = await this.queue.getJob(id);
      if (bullJob === undefined) await client.srem(set, id);
      else if (bullJob.data.job.id !== exceptJobId) jobs.push(bullJob);
    }
    if (jobs.length === 0) return [];
    const marks = client.pipeline();
    for (const bullJob of jobs) marks.set(this.cancelledKey(bullJob.id ?? ''), '1', 'EX', FINISHED_JOB_RETENTION_SECONDS);
    await marks.exec();

    const cancelled: Job[] = [];
    for (const bullJob of jobs) {
      const id = bullJob.id ?? '';
      const state = await bullJob.getState();
      if (QUEUED_STATES.has(state)) await this.tryRemove(bullJob);
      if (QUEUED_STATES.has(state) || state === 'active') {
        this.running.get(id)?.abort(new JobAbortedError('cancelled'));
        cancelled.push(bullJob.data.job);
      }
      await client.srem(set, id);
    }
    if (cancelled.length > 0) await client.incrby(this.key('cancelled-count'), cancelled.length);
    return cancelled;
  }

  private async tryRemove(bullJob: BullJob<BullJobData>): Promise<boolean> {
    try {
      await bullJob.remove();
      return true;
    } catch {
      return false; // taken by a worker meanwhile (locked): it skips the job or aborts through the mark
    }
  }

  /** Records check-run ids in the stored job. */
  async setCheckRunIds(jobId: string, ids: Job['checkRunIds']): Promise<void> {
    const id = await this.options.client.get(this.key('id', jobId));
    const bullJob = id === null ? undefined : await this.queue.getJob(id);
    if (bullJob === undefined) return;
    await bullJob.updateData({ ...bullJob.data, job: { ...bullJob.data.job, checkRunIds: ids } });
  }

  /** Starts `concurrency` workers in this process on their own connection. */
  process(handler: JobHandler, options: ProcessOptions): WorkerHandle {
    const workers = startBullWorkers({
      url: this.options.url,
      prefix: this.options.prefix,
      queueName: QUEUE_NAME,
      tuning: this.options.tuning,
      handler,
      concurrency: options.concurrency,
      onOutcome: options.onOutcome ?? (() => undefined),
      running: this.running,
      isCancelled: async (id) => (await this.options.client.exists(this.cancelledKey(id))) === 1,
      ...(this.options.log === undefined ? {} : { log: this.options.log }),
    });
    const handle: WorkerHandle = {
      close: async () => {
        this.workers.delete(handle);
        await workers.close();
      },
    };
    this.workers.add(handle);
    return handle;
  }

  /**
   * Jobs by state. BullMQ has no cancelled state: `cancelled` counts supersede cancellations ever made,
   * and a running job cancelled that way also ends in `done`.
   */
  async counts(): Promise<Record<JobState, number>> {
    const c = await this.queue.getJobCounts('waiting', 'delayed', 'prioritized', 'paused', 'active', 'completed', 'failed');
    const cancelled = Number((await this.options.client.get(this.key('cancelled-count'))) ?? 0);
    const n = (state: string) => c[state] ?? 0;
    return {
      queued: n('waiting') + n('delayed') + n('prioritized') + n('paused'),
      running: n('active'),
      done: n('completed'),
      failed: n('failed'),
      cancelled,
    };
  }

  /** True when Redis answers a ping. */
  async healthy(): Promise<boolean> {
    try {
      return (await this.options.client.ping()) === 'PONG';
    } catch {
      return false;
    }
  }

  /** Stops workers (running jobs go back to waiting) and closes the queue; the caller closes the client. */
  async close(): Promise<void> {
    await Promise.all([...this.workers].map((worker) => worker.close()));
    await this.queue.close();
  }
}

/**
 * The distributed job queue on BullMQ: any number of worker processes on any number of machines
 * share one Redis. Same semantics as the SQLite queue: the dedup key is BullMQ's deduplication id
 * (kept as long as finished jobs), attempts with exponential backoff, a lock (lease) whose expiry
 * hands a dead worker's job to another.
 * @module
 */
import { createHash } from 'node:crypto';
import { Queue, QueueEvents, type Job as BullJob } from 'bullmq';
import { Redis } from 'ioredis';
import { GATE_NAMES, type Logger } from '../../gates/types.js';
import type { Job, JobState } from '../job.js';
import { BACKOFF_JITTER, type QueueTuning } from '../options.js';
import type { EnqueueResult, JobHandler, JobQueue, ProcessOptions, RunningJobInfo, WorkerHandle } from '../types.js';
import { startBullWorkers } from './worker.js';
import { JobAbortedError } from '../abort.js';
import { REDIS_COMMAND_TIMEOUT_MS, WORKER_OPTIONS } from './connection.js';

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
  /** This process's worker id: BullMQ records it on each job it takes (`processedBy`, the operator page). */
  workerId?: string;
  /** Progress and failures. */
  log?: Logger;
}

/**
 * BullMQ's id of a job: our id itself, which BullMQ accepts unless it is an integer or holds a `:`
 * (then a hash of it). Knowing it before the job is stored is what lets the supersede bookkeeping go
 * out beside the job rather than after it.
 * @param jobId Our job id (a UUID from the app).
 */
export function bullJobId(jobId: string): string {
  return /^\d+$|:/u.test(jobId) ? `h${createHash('sha256').update(jobId).digest('hex').slice(0, 40)}` : jobId;
}

/**
 * BullMQ's deduplication id for a dedup key (BullMQ keys it as `de:<id>`; hashed so any key fits).
 * @param dedupKey Caller's dedup key.
 */
export function deduplicationId(dedupKey: string): string {
  return createHash('sha256').update(dedupKey).digest('hex').slice(0, 40);
}

/** An enqueue waiting for the end of its event-loop turn. */
interface PendingEnqueue {
  job: Job;
  dedupKey: string;
  supersedeKey: string | undefined;
  resolve(result: EnqueueResult): void;
  reject(error: Error): void;
}

/** Most jobs remembered as having nothing to supersede (see `BullJobQueue.remember`). */
export const MAX_ALONE_NOTES = 10_000;

const QUEUED_STATES = new Set(['waiting', 'delayed', 'prioritized', 'waiting-children']);

/** {@link JobQueue} on BullMQ. */
export class BullJobQueue implements JobQueue {
  private readonly queue: Queue<BullJobData>;
  /**
   * BullMQ's own connection. BullMQ defines its ~50 Lua scripts as commands on the connection it is
   * given, and ioredis copies every such command onto each pipeline it builds: on a shared connection
   * every pipeline of ours (two per delivery) cost ≈ 0.1 ms of the webhook thread for that copying
   * alone (docs/benchmarks.md). Our own commands stay on `options.client`, which has none.
   */
  private readonly bullClient: Redis;
  private readonly running = new Map<string, AbortController>();
  private readonly workers = new Set<WorkerHandle>();
  private pending: PendingEnqueue[] = [];
  /** Jobs whose supersede set held nothing else when they were stored: their `supersede` is a no-op. */
  private readonly alone = new Set<string>();
  private checkRunIdWrites: { jobId: string; ids: Job['checkRunIds']; resolve(): void; reject(error: Error): void }[] = [];

  /** @param options Connection, prefix and timing. */
  constructor(private readonly options: BullQueueOptions) {
    this.bullClient = options.client.duplicate();
    this.bullClient.on('error', () => undefined); // reported through the queue's own 'error' event
    this.queue = new Queue<BullJobData>(QUEUE_NAME, { connection: this.bullClient, prefix: options.prefix });
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
    try {
      // BullMQ's deduplication (kept as long as finished jobs) answers a duplicate with the id of the
      // job already stored: one round trip tells stored from duplicate. The supersede sets go out at
      // the same time on the other connection, each read back: whatever else a set holds now is older
      // than the new job, and when that is nothing, `supersede` needs no round trip of its own.
      const jobs = batch.map(({ job, dedupKey, supersedeKey }) => ({
        name: 'job',
        data: { job, dedupKey, ...(supersedeKey === undefined ? {} : { supersedeKey }) },
        opts: {
          jobId: bullJobId(job.id),
          deduplication: { id: deduplicationId(dedupKey), ttl: FINISHED_JOB_RETENTION_SECONDS * 1000 },
          attempts: maxAttempts,
          backoff: { type: 'exponential' as const, delay: backoffBaseMs, jitter: BACKOFF_JITTER },
          removeOnComplete: { age: FINISHED_JOB_RETENTION_SECONDS },
          removeOnFail: { age: FINISHED_JOB_RETENTION_SECONDS },
        },
      }));
      // `addBulk` builds a pipeline on BullMQ's connection (see `bullClient`); one job needs none.
      const [single] = jobs;
      const adding = jobs.length === 1 && single !== undefined ? this.queue.add(single.name, single.data, single.opts).then((job) => [job]) : this.queue.addBulk(jobs);
      const [added, members] = await Promise.all([adding, this.registerSupersedeKeys(batch)]);
      await Promise.all(
        batch.map(async ({ job, resolve }, i) => {
          const storedId = added[i]?.id;
          if (storedId === bullJobId(job.id)) {
            if (members[i]?.every((member) => member === storedId) === true) this.remember(job.id);
            resolve({ job, duplicate: false });
            return;
          }
          const stored = storedId === undefined ? undefined : await this.queue.getJob(storedId);
          resolve({ job: stored?.data.job ?? job, duplicate: true });
        }),
      );
    } catch (error) {
      const failure = new Error('could not store the job in Redis (QG_REDIS_URL): is Redis up?', { cause: error });
      for (const { reject } of batch) reject(failure);
    }
  }

  /**
   * Notes a job that has nothing to supersede. The app asks `supersede` right after each answer; should
   * a caller never ask, the notes are dropped past {@link MAX_ALONE_NOTES} (asking Redis is never wrong).
   */
  private remember(jobId: string): void {
    if (this.alone.size >= MAX_ALONE_NOTES) this.alone.clear();
    this.alone.add(jobId);
  }

  /** Adds each job to its supersede set; returns each set's members afterwards (none without a key). */
  private async registerSupersedeKeys(batch: PendingEnqueue[]): Promise<(string[] | undefined)[]> {
    if (batch.every(({ supersedeKey }) => supersedeKey === undefined)) return [];
    const ttl = String(FINISHED_JOB_RETENTION_SECONDS);
    const pipeline = this.options.client.pipeline();
    const replyOf: (number | undefined)[] = [];
    let replies = 0;
    for (const { job, supersedeKey } of batch) {
      if (supersedeKey === undefined) {
        replyOf.push(undefined);
        continue;
      }
      const set = this.key('supersede', supersedeKey);
      pipeline.sadd(set, bullJobId(job.id)).expire(set, ttl).smembers(set);
      replyOf.push(replies + 2);
      replies += 3;
    }
    const answers = (await pipeline.exec()) ?? [];
    const failed = answers.find(([error]) => error !== null)?.[0];
    if (failed) throw failed;
    return replyOf.map((reply) => {
      const members = reply === undefined ? undefined : answers[reply]?.[1];
      return Array.isArray(members) ? members.filter((member): member is string => typeof member === 'string') : undefined;
    });
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
    if (this.alone.delete(exceptJobId)) return [];
    const { client } = this.options;
    const set = this.key('supersede', supersedeKey);
    const ownId = bullJobId(exceptJobId);
    const jobs: BullJob<BullJobData>[] = [];
    for (const id of await client.smembers(set)) {
      if (id === ownId) continue;
      const bullJob = await this.queue.getJob(id);
      if (bullJob === undefined) await client.srem(set, id);
      else jobs.push(bullJob);
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
        const { job } = bullJob.data;
        cancelled.push({ ...job, checkRunIds: { ...job.checkRunIds, ...(await this.storedCheckRunIds(job.id)) } });
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

  /**
   * Records check-run ids beside the stored job, in a hash of their own that the worker reads when it
   * takes the job: rewriting BullMQ's job data took three round trips and the job's JSON both ways on
   * the thread that answers webhooks. The writes of one event-loop turn share one pipeline.
   */
  setCheckRunIds(jobId: string, ids: Job['checkRunIds']): Promise<void> {
    return new Promise((resolve, reject) => {
      this.checkRunIdWrites.push({ jobId, ids, resolve, reject });
      if (this.checkRunIdWrites.length === 1) setImmediate(() => void this.flushCheckRunIds());
    });
  }

  private async flushCheckRunIds(): Promise<void> {
    const batch = this.checkRunIdWrites;
    this.checkRunIdWrites = [];
    const pipeline = this.options.client.pipeline();
    for (const { jobId, ids } of batch) {
      const key = this.key('check-runs', jobId);
      const fields = Object.entries(ids).flatMap(([gate, id]) => [gate, String(id)]);
      if (fields.length > 0) pipeline.hset(key, ...fields).expire(key, FINISHED_JOB_RETENTION_SECONDS);
    }
    try {
      const failed = ((await pipeline.exec()) ?? []).find(([error]) => error !== null)?.[0];
      if (failed) throw failed;
      for (const { resolve } of batch) resolve();
    } catch (error) {
      const failure = new Error('could not record the check-run ids in Redis', { cause: error });
      for (const { reject } of batch) reject(failure);
    }
  }

  /**
   * The check-run ids recorded for a job by {@link BullJobQueue.setCheckRunIds}.
   * @param jobId Our job id.
   */
  async storedCheckRunIds(jobId: string): Promise<Job['checkRunIds']> {
    const fields = await this.options.client.hgetall(this.key('check-runs', jobId));
    const ids: Job['checkRunIds'] = {};
    for (const gate of GATE_NAMES) {
      const id = Number(fields[gate]);
      if (Number.isInteger(id) && id > 0) ids[gate] = id;
    }
    return ids;
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
      storedCheckRunIds: (jobId) => this.storedCheckRunIds(jobId),
      ...(this.options.workerId === undefined ? {} : { workerId: this.options.workerId }),
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

  /** Jobs BullMQ has active, with the worker that took each when BullMQ recorded it. */
  async runningJobs(): Promise<RunningJobInfo[]> {
    const active = await this.queue.getActive(0, 200);
    return active.map((bullJob) => ({
      job: bullJob.data.job,
      ...(bullJob.processedBy ? { worker: bullJob.processedBy } : {}),
      ...(bullJob.processedOn ? { startedAt: bullJob.processedOn } : {}),
    }));
  }

  /** True when Redis answers a ping. */
  async healthy(): Promise<boolean> {
    try {
      return (await this.options.client.ping()) === 'PONG';
    } catch {
      return false;
    }
  }

  /** Listens to BullMQ's `completed` events (on a connection of their own) and hands on each job's returnvalue. */
  async onResult(listener: (result: unknown) => void): Promise<() => Promise<void>> {
    // A blocking reader, so a connection of its own, set up as the workers' are.
    const connection = new Redis(this.options.url, WORKER_OPTIONS);
    const events = new QueueEvents(QUEUE_NAME, { connection, prefix: this.options.prefix });
    events.on('error', (error) => this.options.log?.warn({ err: error }, 'BullMQ events error'));
    events.on('completed', ({ returnvalue }) => {
      // BullMQ hands the value over as it stored it: JSON text, or already parsed, depending on the version.
      listener(typeof returnvalue === 'string' ? (JSON.parse(returnvalue) as unknown) : returnvalue);
    });
    await events.waitUntilReady();
    return async () => {
      await events.close();
      connection.disconnect();
    };
  }

  /** Stops workers (running jobs go back to waiting) and closes the queue; the caller closes the client. */
  async close(): Promise<void> {
    await Promise.all([...this.workers].map((worker) => worker.close()));
    // BullMQ still setting up its connection (a queue closed right after it was made) would fail that
    // set-up on an emitter nobody listens to once closed, and that throws: let it finish first.
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise((resolve) => (timer = setTimeout(resolve, REDIS_COMMAND_TIMEOUT_MS)));
    await Promise.race([this.queue.waitUntilReady().catch(() => undefined), late]).finally(() => clearTimeout(timer));
    await this.queue.close();
    this.bullClient.disconnect();
  }
}

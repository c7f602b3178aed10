/**
 * The Probot app: each handler turns a delivery into a stored job and answers. The job is stored
 * before the answer (a delivery GitHub saw acknowledged is never lost); the `queued` check runs are
 * created right after, without holding the answer back, and their ids recorded with the job.
 * @module
 */
import { randomUUID } from 'node:crypto';
import type { ApplicationFunction, Context, Probot } from 'probot';
import { GATE_NAMES, type GateName, type Logger } from '../gates/types.js';
import type { Job } from '../queue/job.js';
import type { JobQueue } from '../queue/types.js';
import { GitHubClient } from '../github/client.js';
import type { Octokit } from '../github/types.js';
import { planEvent, type JobPlan } from './events.js';
import type { Traffic } from './limiter.js';

/** The webhook events the app subscribes to (the same list is in `app.yml`). */
export const HANDLED_EVENTS = ['pull_request', 'push', 'check_suite', 'check_run'] as const;

/** What the handlers need; one instance per server, never module state. */
export interface AppDeps {
  /** The durable queue. */
  queue: JobQueue;
  /** Check runs being created per job id, for in-process workers (see `PipelineDeps.pendingCheckRuns`). */
  pendingCheckRuns: Map<string, Promise<Partial<Record<GateName, number>>>>;
  /** Called with the time from receipt to acknowledgement of each stored job (metrics). */
  onAcknowledged?(event: string, seconds: number): void;
  /** Makes job ids (tests pass a counter). */
  newId?: () => string;
  /** Runs background GitHub calls behind the answers (see `createLimiter`). */
  background: <T>(task: () => Promise<T>) => Promise<T>;
  /** Deliveries being handled, which background work waits for. */
  traffic?: Traffic;
}

/** An error whose `status` becomes the webhook's HTTP answer (Probot's middleware reads it). */
export class WebhookError extends Error {
  /**
   * @param message What was wrong.
   * @param status The HTTP status to answer with.
   * @param options The cause.
   */
  constructor(message: string, readonly status: number, options: { cause?: unknown } = {}) {
    super(message, options);
    this.name = 'WebhookError';
  }
}

/** Creates the `queued` check runs of a stored job and records their ids with it. */
async function createCheckRuns(job: Job, octokit: Octokit, queue: JobQueue): Promise<Partial<Record<GateName, number>>> {
  const github = new GitHubClient(octokit);
  const ids: Partial<Record<GateName, number>> = {};
  await Promise.all(
    job.gates.map(async (gate) => {
      ids[gate] = await github.createCheckRun({ owner: job.owner, repo: job.repo, gate, headSha: job.sha, externalId: job.id });
    }),
  );
  await queue.setCheckRunIds(job.id, ids);
  return ids;
}

/** Completes the check runs of superseded jobs as `cancelled`. */
async function cancelCheckRuns(jobs: Job[], octokit: Octokit, deps: AppDeps): Promise<void> {
  const github = new GitHubClient(octokit);
  const output = { title: 'Superseded', summary: 'A newer commit was pushed; its checks replace these.' };
  await Promise.allSettled(
    jobs.map(async (job) => {
      // The superseded job's check runs may still be being created by this process.
      const ids = { ...(await deps.pendingCheckRuns.get(job.id)?.catch(() => ({}))), ...job.checkRunIds };
      await Promise.allSettled(
        GATE_NAMES.flatMap((gate) => {
          const checkRunId = ids[gate];
          return checkRunId === undefined ? [] : [github.completeCheckRun({ owner: job.owner, repo: job.repo, checkRunId, conclusion: 'cancelled', output })];
        }),
      );
    }),
  );
}

async function store(plan: JobPlan, deps: AppDeps, log: Logger): Promise<{ job: Job; duplicate: boolean; superseded: Job[] }> {
  try {
    const { job, duplicate } = await deps.queue.enqueue(plan.job, { dedupKey: plan.dedupKey, ...(plan.supersedeKey ? { supersedeKey: plan.supersedeKey } : {}) });
    const superseded = !duplicate && plan.supersedeKey ? await deps.queue.supersede(plan.supersedeKey, job.id) : [];
    return { job, duplicate, superseded };
  } catch (error) {
    log.warn({ err: error }, 'could not store the job; answering 503 so GitHub records a failed delivery');
    throw new WebhookError('The job store is unavailable: the delivery was not stored, redeliver it once the store is back', 503, { cause: error });
  }
}

/** Handles one delivery: plan, store, answer; check runs follow in the background. */
async function handle(context: Context, deps: AppDeps): Promise<void> {
  const receivedAt = Date.now();
  const plan = planEvent({ name: context.name, id: context.id, payload: context.payload }, deps.newId ?? randomUUID, receivedAt);
  if (plan.kind === 'ignored') {
    context.log.debug({ reason: plan.reason }, 'event ignored');
    return;
  }
  if (plan.kind === 'malformed') {
    context.log.warn({ reason: plan.reason }, 'malformed payload');
    throw new WebhookError(`Malformed ${context.name} payload: ${plan.reason}`, 422);
  }
  const log = context.log.child({ jobId: plan.job.id });
  const { job, duplicate, superseded } = await store(plan, deps, log);
  deps.onAcknowledged?.(context.name, (Date.now() - receivedAt) / 1000);
  if (duplicate) {
    log.info({ existing: job.id }, 'duplicate delivery: already stored');
    return;
  }
  log.debug({ repo: `${job.owner}/${job.repo}`, sha: job.sha, trigger: job.trigger, gates: job.gates }, 'job stored');
  const octokit = context.octokit as unknown as Octokit;
  // After the answers: a burst of deliveries creates its checks once answered, a few jobs at a time.
  const creating = deps.background(() => createCheckRuns(job, octokit, deps.queue));
  deps.pendingCheckRuns.set(job.id, creating);
  void creating
    .catch((error: unknown) => log.warn({ err: error }, 'could not create the queued check runs; the worker will create them'))
    .finally(() => deps.pendingCheckRuns.delete(job.id));
  if (superseded.length > 0) {
    log.info({ superseded: superseded.map((j) => j.id) }, 'superseded older jobs');
    void cancelCheckRuns(superseded, octokit, deps);
  }
}

/**
 * Jobs whose `queued` check runs are created at once: enough to keep up with a steady stream, few
 * enough that a burst of deliveries is answered before its checks are created.
 */
export const CHECK_RUN_CREATION_CONCURRENCY = 4;

/** The app function Probot loads. */
export function qualityGatesApp(deps: AppDeps): ApplicationFunction {
  return (app: Probot) => {
    app.on([...HANDLED_EVENTS], async (context) => {
      if (deps.traffic) deps.traffic.inflight += 1;
      try {
        await handle(context as unknown as Context, deps);
      } finally {
        if (deps.traffic) deps.traffic.inflight -= 1;
      }
    });
  };
}

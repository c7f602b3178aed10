/**
 * The Probot app: each handler turns a delivery into a stored job and answers. The job is stored
 * before the answer (a delivery GitHub saw acknowledged is never lost); the `queued` check runs are
 * created right after by the check-run thread, without holding the answer back, and their ids
 * recorded with the job.
 * @module
 */
import { randomUUID } from 'node:crypto';
import type { ApplicationFunction, Context, Probot } from 'probot';
import { GATE_NAMES, type GateName, type Logger } from '../gates/types.js';
import type { Job } from '../queue/job.js';
import type { JobQueue } from '../queue/types.js';
import { GitHubClient } from '../github/client.js';
import { installationAuth, type CheckRunOutbox, type InstallationAuth } from '../github/check-run-outbox.js';
import type { Octokit } from '../github/types.js';
import { planEvent, type JobPlan } from './events.js';
import { isFeatureBranchPush, pullRequestCheckingPush } from '../pipeline/branch-push.js';

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
  /** Creates the `queued` check runs off the event loop that answers webhooks. */
  checkRuns: CheckRunOutbox;
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

/**
 * Creates the `queued` check runs of a stored job and records their ids with it. Runs that could not
 * be created are logged: the worker creates whatever is missing when it takes the job.
 */
async function createCheckRuns(job: Job, auth: Promise<InstallationAuth>, deps: AppDeps, log: Logger): Promise<Partial<Record<GateName, number>>> {
  const { ids, errors } = await deps.checkRuns.create({
    auth: await auth,
    owner: job.owner,
    repo: job.repo,
    headSha: job.sha,
    externalId: job.id,
    gates: job.gates,
  });
  if (errors.length > 0) log.warn({ errors }, 'could not create every queued check run; the worker will create the rest');
  if (Object.keys(ids).length > 0) await deps.queue.setCheckRunIds(job.id, ids);
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

async function store(plan: JobPlan, deps: AppDeps, log: Logger): Promise<{ job: Job; duplicate: boolean }> {
  try {
    return await deps.queue.enqueue(plan.job, { dedupKey: plan.dedupKey, ...(plan.supersedeKey ? { supersedeKey: plan.supersedeKey } : {}) });
  } catch (error) {
    log.warn({ err: error }, 'could not store the job; answering 503 so GitHub records a failed delivery');
    throw new WebhookError('The job store is unavailable: the delivery was not stored, redeliver it once the store is back', 503, { cause: error });
  }
}

/** A push to a pull request's head branch gets no check runs of its own (see `pipeline/branch-push.ts`). */
async function createUnlessPullRequest(job: Job, octokit: Octokit, deps: AppDeps, log: Logger): Promise<Partial<Record<GateName, number>>> {
  const pullRequest = await pullRequestCheckingPush(job, new GitHubClient(octokit));
  if (pullRequest !== undefined) {
    log.info({ pullRequest }, 'push to the head of an open pull request: its checks run for the pull request');
    return {};
  }
  return createCheckRuns(job, installationAuth(octokit), deps, log);
}

/**
 * Cancels the jobs the new one replaces and completes their check runs as `cancelled`. Runs after the
 * answer: the new job is already stored, and an old job that is not cancelled only finishes checks
 * on a commit the pull request has moved past.
 */
async function supersedeOlder(job: Job, supersedeKey: string, octokit: Octokit, deps: AppDeps, log: Logger): Promise<void> {
  try {
    const superseded = await deps.queue.supersede(supersedeKey, job.id);
    if (superseded.length === 0) return;
    log.info({ superseded: superseded.map((j) => j.id) }, 'superseded older jobs');
    await cancelCheckRuns(superseded, octokit, deps);
  } catch (error) {
    log.warn({ err: error }, 'could not cancel the jobs this one supersedes; they finish on their own');
  }
}

/**
 * The delivery's logger with the job id on every line. Not a pino child: building one for each
 * delivery cost the webhook path more than the few lines it logs.
 */
function withJobId(log: Logger, jobId: string): Logger {
  return {
    info: (obj, msg) => log.info({ jobId, ...obj }, msg),
    warn: (obj, msg) => log.warn({ jobId, ...obj }, msg),
    debug: (obj, msg) => log.debug({ jobId, ...obj }, msg),
  };
}

/**
 * Runs `task` once the delivery has been answered: Probot writes the answer when the handler's promise
 * settles, and even the synchronous start of follow-up work would otherwise run before it.
 */
function afterAnswer<T>(task: () => Promise<T>): Promise<T> {
  return new Promise<void>((resolve) => setImmediate(resolve)).then(task);
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
  const log = withJobId(context.log, plan.job.id);
  const { job, duplicate } = await store(plan, deps, log);
  deps.onAcknowledged?.(context.name, (Date.now() - receivedAt) / 1000);
  if (duplicate) {
    log.info({ existing: job.id }, 'duplicate delivery: already stored');
    return;
  }
  log.debug({ repo: `${job.owner}/${job.repo}`, sha: job.sha, trigger: job.trigger, gates: job.gates }, 'job stored');
  const creating = startCheckRuns(job, context.octokit as unknown as Octokit, deps, log);
  deps.pendingCheckRuns.set(job.id, creating);
  void creating
    .catch((error: unknown) => log.warn({ err: error }, 'could not create the queued check runs; the worker will create them'))
    .finally(() => deps.pendingCheckRuns.delete(job.id));
  if (plan.supersedeKey) void startSupersede(job, plan.supersedeKey, context.octokit as unknown as Octokit, deps, log);
}

// The two functions below take the delivery's Octokit as a parameter so that no closure of `handle`
// captures it: V8 keeps one context per scope, and the `.finally` above lives until the checks are
// created (after a burst's answers, or up to a second under load). Capturing the Octokit there kept
// hundreds of them (≈ 36 KB each) alive, and every garbage collection copied them.

/** Starts creating the job's `queued` check runs once the delivery is answered. */
function startCheckRuns(job: Job, octokit: Octokit, deps: AppDeps, log: Logger): Promise<Partial<Record<GateName, number>>> {
  return isFeatureBranchPush(job)
    ? afterAnswer(() => createUnlessPullRequest(job, octokit, deps, log))
    : afterAnswer(() => createCheckRuns(job, installationAuth(octokit), deps, log));
}

/** Starts cancelling the jobs this one supersedes once the delivery is answered. */
function startSupersede(job: Job, supersedeKey: string, octokit: Octokit, deps: AppDeps, log: Logger): Promise<void> {
  return afterAnswer(() => supersedeOlder(job, supersedeKey, octokit, deps, log));
}

/** The app function Probot loads. */
export function qualityGatesApp(deps: AppDeps): ApplicationFunction {
  return (app: Probot) => {
    app.on([...HANDLED_EVENTS], (context) => handle(context as unknown as Context, deps));
  };
}

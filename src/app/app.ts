/**
 * What a webhook delivery becomes: a plan (pure, from the payload), a stored job, the answer, and
 * — after the answer — the job's `queued` check runs and the cancellation of the jobs it supersedes.
 * The job is stored before the answer (a delivery GitHub saw acknowledged is never lost). The HTTP
 * side (signature, status codes) is `webhook-receiver.ts`.
 * @module
 */
import { randomUUID } from 'node:crypto';
import { GATE_NAMES, type GateName, type Logger } from '../gates/types.js';
import type { Job } from '../queue/job.js';
import type { JobQueue } from '../queue/types.js';
import { GitHubClient } from '../github/client.js';
import type { CheckRunOutbox, InstallationAuth } from '../github/check-run-outbox.js';
import type { Octokit } from '../github/types.js';
import { planEvent, type JobPlan, type WebhookEvent } from './events.js';
import { isFeatureBranchPush, pullRequestCheckingPush } from '../pipeline/branch-push.js';

/** The webhook events the app subscribes to (the same list is in `app.yml`). */
export const HANDLED_EVENTS = ['pull_request', 'push', 'check_suite', 'check_run'] as const;

/**
 * GitHub access for one installation, asked for only after the answer: a delivery's path to its
 * answer builds no Octokit (building one per delivery was most of what each delivery left for the
 * garbage collector: docs/benchmarks.md).
 */
export interface InstallationAccess {
  /** The installation token with the base URL and user agent (for the check-run thread). */
  auth(): Promise<InstallationAuth>;
  /** An Octokit authenticated as the installation. */
  octokit(): Promise<Octokit>;
}

/** What the handlers need; one instance per server, never module state. */
export interface AppDeps {
  /** The durable queue. */
  queue: JobQueue;
  /** Check runs being created per job id, for in-process workers (see `PipelineDeps.pendingCheckRuns`). */
  pendingCheckRuns: Map<string, Promise<Partial<Record<GateName, number>>>>;
  /** Makes job ids (tests pass a counter). */
  newId?: () => string;
  /** Creates the `queued` check runs off the event loop that answers webhooks. */
  checkRuns: CheckRunOutbox;
  /** GitHub access for an installation. */
  installation(installationId: number): InstallationAccess;
}

/** An error whose `status` becomes the webhook's HTTP answer. */
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
async function createUnlessPullRequest(job: Job, access: InstallationAccess, deps: AppDeps, log: Logger): Promise<Partial<Record<GateName, number>>> {
  const pullRequest = await pullRequestCheckingPush(job, new GitHubClient(await access.octokit()));
  if (pullRequest !== undefined) {
    log.info({ pullRequest }, 'push to the head of an open pull request: its checks run for the pull request');
    return {};
  }
  return createCheckRuns(job, access.auth(), deps, log);
}

/**
 * Cancels the jobs the new one replaces and completes their check runs as `cancelled`. Runs after the
 * answer: the new job is already stored, and an old job that is not cancelled only finishes checks
 * on a commit the pull request has moved past.
 */
async function supersedeOlder(job: Job, supersedeKey: string, deps: AppDeps, log: Logger): Promise<void> {
  try {
    const superseded = await deps.queue.supersede(supersedeKey, job.id);
    if (superseded.length === 0) return;
    log.info({ superseded: superseded.map((j) => j.id) }, 'superseded older jobs');
    await cancelCheckRuns(superseded, await deps.installation(job.installationId).octokit(), deps);
  } catch (error) {
    log.warn({ err: error }, 'could not cancel the jobs this one supersedes; they finish on their own');
  }
}

/** A logger that adds the same fields to every line; its methods live on the prototype, not per instance. */
class FieldsLogger implements Logger {
  constructor(private readonly log: Logger, private readonly fields: object) {}
  info(obj: object, msg?: string): void {
    this.log.info({ ...this.fields, ...obj }, msg);
  }
  warn(obj: object, msg?: string): void {
    this.log.warn({ ...this.fields, ...obj }, msg);
  }
  debug(obj: object, msg?: string): void {
    this.log.debug({ ...this.fields, ...obj }, msg);
  }
}

/**
 * `log` with `fields` on every line. Not a pino child, and no closures: building either for each
 * delivery cost the webhook path more than the few lines it logs.
 * @param log The logger to write to.
 * @param fields Added to every line (a line's own fields win).
 */
export function withFields(log: Logger, fields: object): Logger {
  return new FieldsLogger(log, fields);
}

/**
 * Runs `task` once the delivery has been answered: the answer is written when the returned promise
 * settles, and even the synchronous start of follow-up work would otherwise run before it.
 */
function afterAnswer<T>(task: () => Promise<T>): Promise<T> {
  return new Promise<void>((resolve) => setImmediate(resolve)).then(task);
}

/**
 * Handles one verified delivery: plans it at once, then stores the job; the returned promise settles
 * when the delivery can be answered (rejecting with a {@link WebhookError} for a 4xx/5xx answer), and
 * the check runs follow in the background.
 *
 * Deliberately not `async`: the plan is made before anything is awaited and only the small job goes
 * on, so the parsed payload (≈ 23 KB of objects for a pull request) is garbage as soon as the caller
 * drops it, rather than living until the store commits. Objects that outlive a young-generation
 * collection are copied into the old generation, and that copying was what made the answers of a
 * loaded app slow (docs/benchmarks.md).
 * @param event The delivery: event name, delivery id and parsed body.
 * @param deps The queue, check-run outbox and GitHub access.
 * @param log The delivery's logger.
 */
export function receiveDelivery(event: WebhookEvent, deps: AppDeps, log: Logger): Promise<void> {
  const plan = planEvent(event, deps.newId ?? randomUUID, Date.now());
  if (plan.kind === 'ignored') {
    log.debug({ reason: plan.reason }, 'event ignored');
    return Promise.resolve();
  }
  if (plan.kind === 'malformed') {
    log.warn({ reason: plan.reason }, 'malformed payload');
    return Promise.reject(new WebhookError(`Malformed ${event.name} payload: ${plan.reason}`, 422));
  }
  return storeAndFollowUp(plan, deps, withFields(log, { jobId: plan.job.id }));
}

async function storeAndFollowUp(plan: JobPlan, deps: AppDeps, log: Logger): Promise<void> {
  const { job, duplicate } = await store(plan, deps, log);
  if (duplicate) {
    log.info({ existing: job.id }, 'duplicate delivery: already stored');
    return;
  }
  log.debug({ repo: `${job.owner}/${job.repo}`, sha: job.sha, trigger: job.trigger, gates: job.gates }, 'job stored');
  const creating = startCheckRuns(job, deps, log);
  deps.pendingCheckRuns.set(job.id, creating);
  void creating
    .catch((error: unknown) => log.warn({ err: error }, 'could not create the queued check runs; the worker will create them'))
    .finally(() => deps.pendingCheckRuns.delete(job.id));
  if (plan.supersedeKey !== undefined) {
    const supersedeKey = plan.supersedeKey;
    void afterAnswer(() => supersedeOlder(job, supersedeKey, deps, log));
  }
}

/**
 * Starts creating the job's `queued` check runs once the delivery is answered and the job would
 * survive a power cut (`JobQueue.whenDurable`).
 */
function startCheckRuns(job: Job, deps: AppDeps, log: Logger): Promise<Partial<Record<GateName, number>>> {
  return afterAnswer(() => deps.queue.whenDurable()).then(() => {
    const access = deps.installation(job.installationId);
    return isFeatureBranchPush(job) ? createUnlessPullRequest(job, access, deps, log) : createCheckRuns(job, access.auth(), deps, log);
  });
}

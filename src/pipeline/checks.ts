/**
 * The check-run steps of a job: make sure the job's check runs exist, mark them `in_progress` as
 * their gates start, and complete them — with results, or all at once with one reason (invalid config,
 * infrastructure failure, cancellation) so that none is ever left running.
 * @module
 */
import type { GateName } from '../gates/types.js';
import type { Job } from '../queue/job.js';
import type { CheckConclusion, CheckOutput } from '../github/types.js';
import type { PipelineDeps } from './deps.js';

/**
 * How long after a webhook a worker waits for the web process to create the job's `queued` checks
 * before creating the missing ones itself (the web process creates them right after the answer; a
 * few hundred milliseconds under load).
 */
export const CHECK_RUN_SETTLE_MS = 5_000;

/** How often a worker looks for them meanwhile. */
const CHECK_RUN_POLL_MS = 250;

/** Check-run ids of a job, one per gate it runs. */
export type CheckRunIds = Partial<Record<GateName, number>>;

/**
 * The job's check runs: the ids stored with the job, those this process is still creating, those
 * already on GitHub under the job's external id (a worker that died after creating them), and new
 * ones for whatever is still missing.
 */
export async function ensureCheckRuns(job: Job, deps: PipelineDeps, now: () => number = Date.now): Promise<CheckRunIds> {
  let ids: CheckRunIds = { ...job.checkRunIds };
  const pending = deps.pendingCheckRuns?.get(job.id);
  if (pending && missing(job, ids).length > 0) ids = { ...ids, ...(await pending.catch(() => ({}))) };
  // A worker in another process may take the job while the web process is still creating its checks:
  // look on GitHub until they appear, or until the web process has had time enough to create them.
  while (missing(job, ids).length > 0) {
    ids = { ...(await deps.github.findCheckRuns({ owner: job.owner, repo: job.repo, sha: job.sha, externalId: job.id })), ...ids };
    if (missing(job, ids).length === 0 || now() - job.receivedAt >= CHECK_RUN_SETTLE_MS) break;
    await new Promise((resolve) => setTimeout(resolve, CHECK_RUN_POLL_MS));
  }
  for (const gate of missing(job, ids)) {
    ids[gate] = await deps.github.createCheckRun({ owner: job.owner, repo: job.repo, gate, headSha: job.sha, externalId: job.id });
  }
  return ids;
}

function missing(job: Job, ids: CheckRunIds): GateName[] {
  return job.gates.filter((gate) => ids[gate] === undefined);
}

/** Marks a gate's check run `in_progress`. */
export async function startCheck(job: Job, deps: PipelineDeps, ids: CheckRunIds, gate: GateName): Promise<void> {
  const checkRunId = ids[gate];
  if (checkRunId !== undefined) await deps.github.startCheckRun({ owner: job.owner, repo: job.repo, checkRunId });
}

/** Completes one gate's check run. */
export async function completeCheck(
  job: Job,
  deps: PipelineDeps,
  ids: CheckRunIds,
  gate: GateName,
  conclusion: CheckConclusion,
  output: CheckOutput,
): Promise<void> {
  const checkRunId = ids[gate];
  if (checkRunId === undefined) return;
  await deps.github.completeCheckRun({ owner: job.owner, repo: job.repo, checkRunId, conclusion, output });
}

/**
 * Completes every check run of the job with the same conclusion and reason. Used when no gate could
 * run; each call is attempted even if another fails, so one GitHub error does not leave the rest open.
 */
export async function completeAll(
  job: Job,
  deps: PipelineDeps,
  ids: CheckRunIds,
  conclusion: CheckConclusion,
  output: CheckOutput,
): Promise<void> {
  const outcomes = await Promise.allSettled(job.gates.map((gate) => completeCheck(job, deps, ids, gate, conclusion, output)));
  const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failed) throw new Error('Could not complete every check run of the job', { cause: failed.reason });
}

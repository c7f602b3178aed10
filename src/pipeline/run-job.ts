/**
 * One job through the pipeline, step by step: checks.start → config.load → (tree cache) →
 * workspace.prepare → gates.run → checks.complete → deploy. Each step is one function of its own
 * module; this file only orders them.
 * @module
 */
import type { Config } from '../config/schema.js';
import { GATE_NAMES, type GateResult } from '../gates/types.js';
import type { Job } from '../queue/job.js';
import type { GateName } from '../gates/types.js';
import type { RequiredChecksState } from '../github/types.js';
import { completeAll, completeCheck, ensureCheckRuns, startCheck, type CheckRunIds } from './checks.js';
import { loadJobConfig } from './config.js';
import { prepareWorkspace } from './workspace.js';
import { baseLinesPct, pullRequestChangedLines, runJobGates } from './gates.js';
import { checkOutput, commitPageUrl, configDocsUrl, enforcementNote, failureOutput } from './report.js';
import { deployStep, mayDeploy } from './deploy.js';
import { isFeatureBranchPush, pullRequestCheckingPush } from './branch-push.js';
import { resultCacheKey, toolVersions } from './cache-key.js';
import type { JobOutcome, PipelineDeps } from './deps.js';
import { collectSources, PhaseClock } from './history.js';

/** The cancellation error `runJob` throws when its signal is aborted between steps. */
export class JobCancelledError extends Error {
  /** @param reason What aborted the job. */
  constructor(reason: unknown) {
    super('The job was cancelled', { cause: reason });
    this.name = 'JobCancelledError';
  }
}

function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new JobCancelledError(signal.reason);
}

/** The branch whose rules decide whether our checks block a merge: the PR's base, or the default branch. */
function protectedBranch(job: Job): string | undefined {
  if (job.pullRequest) return job.pullRequest.baseRef;
  return job.ref === `refs/heads/${job.defaultBranch}` ? job.defaultBranch : undefined;
}

async function enforcementNotes(job: Job, deps: PipelineDeps): Promise<string[]> {
  const branch = protectedBranch(job);
  if (branch === undefined) return [];
  const required: RequiredChecksState = await deps.github
    .requiredStatusChecks({ owner: job.owner, repo: job.repo, branch })
    .catch((error: unknown) => ({ state: 'unknown' as const, reason: String(error) }));
  const note = enforcementNote(branch, required);
  return note ? [note] : [];
}

/**
 * The pull request that checks this push instead, when the push has no check runs yet (the web
 * process made none for that reason, or another process took the job first). A push whose runs exist
 * is run: leaving them `queued` would be worse than a second verdict.
 */
async function checkedByPullRequest(job: Job, deps: PipelineDeps): Promise<number | undefined> {
  if (!isFeatureBranchPush(job) || Object.keys(job.checkRunIds).length > 0) return undefined;
  const pending = await deps.pendingCheckRuns?.get(job.id)?.catch(() => ({}));
  if (pending !== undefined && Object.keys(pending).length > 0) return undefined;
  const pullRequest = await pullRequestCheckingPush(job, deps.github);
  if (pullRequest === undefined) return undefined;
  const existing = await deps.github.findCheckRuns({ owner: job.owner, repo: job.repo, sha: job.sha, externalId: job.id });
  return Object.keys(existing).length === 0 ? pullRequest : undefined;
}

/** The tree cache key, when the job checks a whole tree (all gates). */
async function cacheKeyOf(job: Job, deps: PipelineDeps, config: Config): Promise<{ key: string; tree: string } | undefined> {
  if (job.gates.length !== GATE_NAMES.length) return undefined;
  const tree = await deps.github.getTreeSha({ owner: job.owner, repo: job.repo, sha: job.sha });
  return { key: resultCacheKey(tree, config, await toolVersions()), tree };
}

async function completeResults(job: Job, deps: PipelineDeps, ids: CheckRunIds, results: GateResult[], notes: string[]): Promise<void> {
  for (const result of results) {
    await completeCheck(job, deps, ids, result.gate, result.conclusion, checkOutput(result, notes, configDocsUrl(deps.publicUrl), commitPageUrl(deps.publicUrl, job)));
  }
}

/**
 * Runs one job. Completes every check run it owns on every path it controls; errors it cannot turn
 * into a result (GitHub down, tarball unreadable) are thrown for `createJobHandler` to retry or fail.
 */
export async function runJob(job: Job, deps: PipelineDeps, signal: AbortSignal): Promise<JobOutcome> {
  const pullRequest = await checkedByPullRequest(job, deps);
  if (pullRequest !== undefined) {
    deps.log.info({ pullRequest }, 'push to the head of an open pull request: checked through the pull request, not here');
    return { results: [], fromCache: false };
  }
  const clock = new PhaseClock(job);
  const ids = await ensureCheckRuns(job, deps);
  throwIfAborted(signal);

  const loaded = await clock.time('config', loadJobConfig(job, deps));
  if (!loaded.ok) {
    await completeAll(job, deps, ids, 'failure', failureOutput('Invalid configuration', `Invalid config in ${loaded.error.message}\n\nFix \`${loaded.error.file}\` on the default branch (\`${job.defaultBranch}\`): the checks read it from there.`));
    return { results: [], fromCache: false, phases: clock.phases, checkRunIds: ids, error: `Invalid configuration: ${loaded.error.message}` };
  }
  const config = loaded.config;
  const [notes, cache] = await Promise.all([enforcementNotes(job, deps), cacheKeyOf(job, deps, config)]);
  throwIfAborted(signal);

  const cached = cache && mayDeploy(job, config) ? await deps.results.get(cache.key) : undefined;
  if (cached?.every((r) => r.conclusion === 'success' || r.conclusion === 'skipped' || r.conclusion === 'neutral')) {
    const cacheNote = `**Tree already passed:** tree \`${cache?.tree ?? ''}\` passed these gates before, with the same config and tools; the gates were not run again.`;
    const deployLines = await deployStep(job, deps, config, cached, cache?.tree);
    await completeResults(job, deps, ids, cached, [cacheNote, ...deployLines, ...notes]);
    return { results: cached, fromCache: true, phases: clock.phases, checkRunIds: ids };
  }

  const workspace = await clock.time('fetch', prepareWorkspace(job, deps));
  try {
    const [changedLines, base] = await Promise.all([pullRequestChangedLines(job, deps), baseLinesPct(job, deps)]);
    throwIfAborted(signal);
    const deferred = mayDeploy(job, config);
    const pending: Promise<void>[] = [];
    // A gate's completion is sent only once its `in_progress` update has been answered: sent side by
    // side, the two requests raced, and a skipped gate (done at once) could end `in_progress`.
    const started = new Map<GateName, Promise<void>>();
    const results = await runJobGates(job, deps, { dir: workspace.dir, config, signal, ...(changedLines ? { changedLines } : {}), ...(base !== undefined ? { baseLinesPct: base } : {}) }, {
      onGateStart: (gate) => {
        const start = startCheck(job, deps, ids, gate);
        started.set(gate, start);
        pending.push(start);
      },
      onGateResult: (result) => {
        deps.onGateResult?.(result);
        if (deferred) return;
        const start = started.get(result.gate)?.catch(() => undefined) ?? Promise.resolve();
        pending.push(start.then(() => completeCheck(job, deps, ids, result.gate, result.conclusion, checkOutput(result, notes, configDocsUrl(deps.publicUrl), commitPageUrl(deps.publicUrl, job)))));
      },
      install: (ctx, step) => clock.time('install', step.run(ctx)),
    });
    await Promise.all(pending);
    throwIfAborted(signal);
    if (cache) await deps.results.put(cache.key, results);
    if (deferred) {
      const deployLines = await deployStep(job, deps, config, results, cache?.tree);
      await completeResults(job, deps, ids, results, [...deployLines, ...notes]);
    } else {
      const done = new Set(results.map((r) => r.gate));
      const left = job.gates.filter((gate) => !done.has(gate));
      if (left.length > 0) await completeAll({ ...job, gates: left }, deps, ids, 'failure', failureOutput('No result', 'The gate engine returned no result for this gate.'));
    }
    const sources = deps.recordHistory ? await collectSources(workspace.dir, results) : {};
    return { results, fromCache: false, phases: clock.phases, checkRunIds: ids, sources };
  } finally {
    await workspace.cleanup();
  }
}

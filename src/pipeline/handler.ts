/**
 * The queue's job handler: runs the pipeline and guarantees that every check run of the job ends
 * `completed` — `cancelled` when the job was superseded, `failure` with the reason when it cannot
 * succeed — while infrastructure failures are handed back to the queue for a retry with backoff.
 * @module
 */
import { RetryableJobError, type JobHandler } from '../queue/types.js';
import { JobAbortedError } from '../queue/abort.js';
import { UnsafeTarballError } from '../workspace/tarball.js';
import type { Job } from '../queue/job.js';
import type { CheckConclusion } from '../github/types.js';
import { completeAll, ensureCheckRuns } from './checks.js';
import { failureOutput } from './report.js';
import { runJob } from './run-job.js';
import type { JobOutcome, PipelineDeps } from './deps.js';
import { historyRunOf } from './history.js';

/** What the handler needs. */
export interface JobHandlerOptions {
  /** The services for one job (its installation's GitHub client, a job-scoped logger …). */
  depsFor(job: Job): Promise<PipelineDeps>;
  /**
   * Resolves once the job would survive a power cut (`JobQueue.whenDurable`): nothing is written to
   * GitHub before, so a job lost with the machine leaves no check run behind that nobody completes.
   */
  whenDurable?(): Promise<void>;
}

/** HTTP statuses of a failed GitHub call that another attempt will not change. */
function permanentStatus(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (e instanceof UnsafeTarballError) return true;
    if ('status' in e) {
      const status = Number(e.status);
      if (status >= 400 && status < 500 && status !== 408 && status !== 429) return true;
    }
  }
  return false;
}

function describe(error: unknown): string {
  const messages: string[] = [];
  for (let e: unknown = error; e instanceof Error && messages.length < 4; e = e.cause) messages.push(e.message);
  return messages.join(': ') || String(error);
}

async function finish(job: Job, deps: PipelineDeps, conclusion: CheckConclusion, title: string, reason: string): Promise<void> {
  const ids = await ensureCheckRuns(job, deps);
  await completeAll(job, deps, ids, conclusion, failureOutput(title, reason));
}

/**
 * Hands the finished job's record to the history, after its check runs are completed. A failure is
 * logged, never thrown: the dashboard misses a run, the checks stand.
 */
async function record(job: Job, deps: PipelineDeps, outcome: JobOutcome, error?: string): Promise<unknown> {
  if (!deps.recordHistory) return undefined;
  try {
    const run = historyRunOf(job, outcome, {
      checkRunIds: outcome.checkRunIds ?? job.checkRunIds,
      ...(error ?? outcome.error ? { error: error ?? outcome.error } : {}),
      ...(deps.workerId ? { worker: deps.workerId } : {}),
    });
    return await deps.recordHistory(run);
  } catch (failure) {
    deps.log.warn({ err: failure }, 'could not record the job in the history; the dashboard will miss it');
    return undefined;
  }
}

/** Builds the handler the queue's workers call for every job. */
export function createJobHandler(options: JobHandlerOptions): JobHandler {
  return async (job, context) => {
    const { signal, attempt, maxAttempts } = context;
    let deps: PipelineDeps;
    try {
      deps = await options.depsFor(job);
    } catch (error) {
      throw new RetryableJobError(`Could not prepare the job (GitHub authentication?): ${describe(error)}`, { cause: error });
    }
    deps.log.info({ attempt, repo: `${job.owner}/${job.repo}`, sha: job.sha, gates: job.gates }, 'job started');
    try {
      await options.whenDurable?.();
      const outcome = await runJob(job, deps, signal);
      deps.log.info({ gates: outcome.results.map((r) => `${r.gate}:${r.conclusion}`), fromCache: outcome.fromCache }, 'job done');
      return await record(job, deps, outcome);
    } catch (error) {
      if (signal.aborted) {
        deps.log.info({ reason: String(signal.reason) }, 'job aborted');
        // A shutdown gives the job back and a lost lease means another worker has it: theirs to finish.
        if (signal.reason instanceof JobAbortedError && signal.reason.reason !== 'cancelled') throw error;
        await finish(job, deps, 'cancelled', 'Cancelled', 'Superseded by a newer commit, or the app stopped while the gates ran.').catch(() => undefined);
        return undefined;
      }
      const reason = describe(error);
      if (!permanentStatus(error) && attempt < maxAttempts) {
        deps.log.warn({ err: error, attempt }, 'job failed for an infrastructure reason; retrying');
        throw new RetryableJobError(`Attempt ${String(attempt)} failed: ${reason}`, { cause: error });
      }
      deps.log.warn({ err: error, attempt }, 'job failed; completing its checks as failed');
      await finish(job, deps, 'failure', 'Could not run the gates', `The gates could not run: ${reason}\n\nPush again or re-run the check once the cause is fixed.`);
      return record(job, deps, { results: [], fromCache: false }, reason);
    }
  };
}

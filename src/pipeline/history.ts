/**
 * history.record: what a finished job leaves for the dashboard. The conductor times its phases with a
 * {@link PhaseClock} and, before the workspace is removed, keeps the sources the file view will show
 * ({@link collectSources}); the job handler turns the outcome into a {@link HistoryRun} once every check
 * run is completed. Recording is the last thing a job does and never fails it.
 * @module
 */
import { GATE_NAMES, type GateResult } from '../gates/types.js';
import type { Job } from '../queue/job.js';
import type { HistoryRun, PhaseDurations } from '../store/history.js';
import { readTextInsideSync } from '../workspace/read-inside.js';
import type { JobOutcome } from './deps.js';

/** Largest source file kept: larger ones (generated bundles) are not worth a file view. */
export const MAX_SOURCE_BYTES_PER_FILE = 256 * 1024;

/** Sources kept per run at most, so one run never weighs more than about a megabyte in the store. */
export const MAX_SOURCE_BYTES_PER_RUN = 1024 * 1024;

/** Findings kept per run: a repository with thousands of lint errors needs the worst, not all. */
export const MAX_FINDINGS_PER_RUN = 2_000;

/** Times the named phases of one job. */
export class PhaseClock {
  /** Milliseconds by phase; a phase timed twice (two installs) adds up. */
  readonly phases: PhaseDurations = {};

  /** @param job The job, whose `receivedAt` gives the queue wait. */
  constructor(job: Pick<Job, 'receivedAt'>, now = Date.now()) {
    this.phases.queue_wait = Math.max(0, now - job.receivedAt);
  }

  /** Adds `ms` to a phase. */
  add(name: string, ms: number): void {
    this.phases[name] = (this.phases[name] ?? 0) + ms;
  }

  /** Awaits `work` and adds its duration to `name`, whether it resolves or rejects. */
  async time<T>(name: string, work: Promise<T>): Promise<T> {
    const start = performance.now();
    try {
      return await work;
    } finally {
      this.add(name, Math.round(performance.now() - start));
    }
  }
}

/**
 * Paths worth a file view, most useful first: files with findings, then the coverage table worst
 * first (a maintainer opens the least covered files).
 */
function wantedPaths(results: readonly GateResult[]): string[] {
  const paths = new Set<string>();
  for (const result of results) for (const finding of result.findings) paths.add(finding.path);
  const files = results.flatMap((r) => r.files ?? []);
  for (const file of [...files].sort((a, b) => a.pct - b.pct)) paths.add(file.path);
  return [...paths];
}

function readOrSkip(dir: string, file: string): string | undefined {
  try {
    return readTextInsideSync(dir, file, { maxBytes: MAX_SOURCE_BYTES_PER_FILE });
  } catch {
    return undefined;
  }
}

/**
 * Reads the sources the file view shows from the checkout, within the caps; a file that cannot be
 * read safely (a link out of the checkout, too large) is left out. Synchronous reads: a few dozen
 * small files cost a fraction of a millisecond each this way, where a promise per file cost several
 * event-loop turns each (bench/dashboard.ts).
 * @param dir The checkout.
 * @param results The gates' results.
 */
export function collectSources(dir: string, results: readonly GateResult[]): Promise<Record<string, string>> {
  const sources: Record<string, string> = {};
  let total = 0;
  for (const file of wantedPaths(results)) {
    if (total >= MAX_SOURCE_BYTES_PER_RUN) break;
    const text = readOrSkip(dir, file);
    if (text === undefined || total + text.length > MAX_SOURCE_BYTES_PER_RUN) continue;
    sources[file] = text;
    total += text.length;
  }
  return Promise.resolve(sources);
}

/** What the handler knows besides the outcome. */
export interface HistoryContext {
  /** Check-run ids by gate. */
  checkRunIds: Job['checkRunIds'];
  /** Why the gates could not run, when they could not. */
  error?: string;
  /** Which worker ran the job. */
  worker?: string;
  /** Finish time (default now). */
  finishedAt?: number;
}

/** The job's branch: the pushed branch, or the pull request's head. */
function branchOf(job: Job): string | undefined {
  if (job.pullRequest) return job.pullRequest.headRef;
  return job.ref?.startsWith('refs/heads/') ? job.ref.slice('refs/heads/'.length) : undefined;
}

/**
 * The record of one finished job.
 * @param job The job.
 * @param outcome What `runJob` returned (empty results when the job failed before the gates).
 * @param context Check-run ids, the error, the worker.
 */
export function historyRunOf(job: Job, outcome: JobOutcome, context: HistoryContext): HistoryRun {
  const order = (r: GateResult) => GATE_NAMES.indexOf(r.gate);
  const results = [...outcome.results].sort((a, b) => order(a) - order(b));
  const branch = branchOf(job);
  const phases: PhaseDurations = { ...outcome.phases };
  for (const result of results) if (result.durationMs !== undefined) phases[result.gate] = result.durationMs;
  return {
    jobId: job.id,
    owner: job.owner,
    repo: job.repo,
    ...(job.private === undefined ? {} : { private: job.private }),
    installationId: job.installationId,
    defaultBranch: job.defaultBranch,
    sha: job.sha,
    ...(branch === undefined ? {} : { branch }),
    ...(job.pullRequest ? { pullRequest: job.pullRequest.number } : {}),
    trigger: job.trigger,
    receivedAt: job.receivedAt,
    finishedAt: context.finishedAt ?? Date.now(),
    phases,
    gates: results.map((r) => ({
      gate: r.gate,
      conclusion: r.conclusion,
      title: r.title,
      metrics: r.metrics,
      ...(context.checkRunIds[r.gate] === undefined ? {} : { checkRunId: context.checkRunIds[r.gate] }),
      ...(r.durationMs === undefined ? {} : { durationMs: r.durationMs }),
    })),
    fromCache: outcome.fromCache,
    ...(context.error === undefined ? {} : { error: context.error }),
    ...(context.worker === undefined ? {} : { worker: context.worker }),
    files: results.flatMap((r) => r.files ?? []),
    findings: results.flatMap((r) => r.findings.map((f) => ({ ...f, gate: r.gate }))).slice(0, MAX_FINDINGS_PER_RUN),
    sources: outcome.sources ?? {},
  };
}

/**
 * gates.run: the gate engine on the checkout, fed with what only GitHub knows — the pull request's
 * changed lines, and the line coverage the base commit's own coverage check recorded.
 * @module
 */
import { changedLinesFromFiles } from '../gates/diff.js';
import { runGates as defaultRunGates, type RunGatesOptions } from '../gates/run.js';
import type { ChangedLines, GateName, GateResult } from '../gates/types.js';
import type { Config } from '../config/schema.js';
import { extractMetrics } from '../report/embed.js';
import { checkName } from '../github/types.js';
import type { Job } from '../queue/job.js';
import type { PipelineDeps } from './deps.js';

/** The pull request's added lines per file; undefined for pushes (every line counts). */
export async function pullRequestChangedLines(job: Job, deps: PipelineDeps): Promise<ChangedLines | undefined> {
  if (!job.pullRequest) return undefined;
  const files = await deps.github.listPullRequestFiles({ owner: job.owner, repo: job.repo, pullNumber: job.pullRequest.number });
  return changedLinesFromFiles(files);
}

/**
 * Line coverage the base commit recorded in its `quality-gates/coverage` check run; undefined when it
 * has none (the coverage gate then says "no base to compare" instead of failing).
 */
export async function baseLinesPct(job: Job, deps: PipelineDeps): Promise<number | undefined> {
  if (!job.pullRequest) return undefined;
  const text = await deps.github.findCheckRunOutput({
    owner: job.owner,
    repo: job.repo,
    sha: job.pullRequest.baseSha,
    name: checkName('coverage'),
  });
  if (text === undefined) return undefined;
  const value = extractMetrics(text)?.lines_pct;
  return typeof value === 'number' ? value : undefined;
}

/** Hooks the pipeline gives the engine so check runs follow the gates as they run. */
export interface GateHooks {
  /** A gate started. */
  onGateStart(gate: GateName): Promise<void> | void;
  /** A gate finished. */
  onGateResult(result: GateResult): Promise<void> | void;
  /** Runs one dependency install (the pipeline times it). */
  install?: RunGatesOptions['install'];
}

/** Runs the job's gates on `dir` in the sandbox. No token or key is passed: the engine never sees one. */
export async function runJobGates(
  job: Job,
  deps: PipelineDeps,
  input: { dir: string; config: Config; changedLines?: ChangedLines; baseLinesPct?: number; signal: AbortSignal },
  hooks: GateHooks,
): Promise<GateResult[]> {
  const run = deps.runGates ?? defaultRunGates;
  return run({
    dir: input.dir,
    config: input.config,
    sandbox: await deps.sandbox(),
    cacheDir: deps.cacheDir,
    signal: input.signal,
    log: deps.log,
    gates: job.gates,
    ...(input.changedLines ? { changedLines: input.changedLines } : {}),
    ...(input.baseLinesPct !== undefined ? { baseLinesPct: input.baseLinesPct } : {}),
    onGateStart: (gate: GateName) => hooks.onGateStart(gate),
    onGateResult: (result: GateResult) => hooks.onGateResult(result),
    ...(hooks.install ? { install: hooks.install } : {}),
  });
}

/** A pipeline wired to the fake GitHub, with a stub gate engine unless a test wants the real one. */
import { mkdtemp, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ProbotOctokit } from 'probot';
import { GitHubClient } from '../../src/github/client.js';
import type { Octokit } from '../../src/github/types.js';
import type { GateName, GateResult } from '../../src/gates/types.js';
import type { Job } from '../../src/queue/job.js';
import type { PipelineDeps } from '../../src/pipeline/deps.js';
import type { Sandbox } from '../../src/sandbox/types.js';
import type { runGates } from '../../src/gates/run.js';
import type { FakeGitHub } from '../support/fake-github.js';
import { memoryLedger, memoryResults } from '../support/memory-stores.js';

/** A logger that keeps nothing. */
export const silentLog = { info: () => undefined, warn: () => undefined, debug: () => undefined };

/** An installation client against the fake, without retries (tests inject faults on purpose). */
export function fakeClient(github: FakeGitHub): GitHubClient {
  const octokit = new ProbotOctokit({ auth: 'token', baseUrl: `http://${github.host}/api/v3`, retry: { enabled: false }, throttle: { enabled: false } } as never);
  return new GitHubClient(octokit as unknown as Octokit);
}

/** A passing result of a gate. */
export function passing(gate: GateName, metrics: GateResult['metrics'] = {}): GateResult {
  return { gate, conclusion: 'success', title: `${gate} ok`, summary: `${gate} passed`, metrics, findings: [] };
}

/** A stub engine that reports each gate with `result(gate)` and records what it was called with. */
export function stubGates(result: (gate: GateName) => GateResult = passing) {
  const calls: Parameters<typeof runGates>[0][] = [];
  const run: typeof runGates = async (options) => {
    calls.push(options);
    const results: GateResult[] = [];
    for (const gate of options.gates ?? []) {
      await options.onGateStart?.(gate);
      const r = result(gate);
      results.push(r);
      await options.onGateResult?.(r);
    }
    return results;
  };
  return { run, calls };
}

/** Deps for one job against the fake. */
export async function pipelineDeps(github: FakeGitHub, overrides: Partial<PipelineDeps> = {}): Promise<PipelineDeps & { workRoot: string }> {
  const workRoot = await mkdtemp(path.join(os.tmpdir(), 'qg-pipeline-'));
  return {
    github: fakeClient(github),
    sandbox: () => Promise.resolve({} as Sandbox),
    results: memoryResults(),
    ledger: memoryLedger(),
    env: {},
    log: silentLog,
    workRoot,
    cacheDir: path.join(workRoot, 'cache'),
    ...overrides,
  };
}

/** Folders left in the work root (workspaces must be removed). */
export async function leftovers(workRoot: string): Promise<string[]> {
  return (await readdir(workRoot)).filter((name) => name.startsWith('ws-'));
}

/** A job for repository `o/r`. */
export function jobFor(sha: string, extra: Partial<Job> = {}): Job {
  return {
    id: `job-${sha.slice(0, 6)}`,
    deliveryId: 'delivery',
    trigger: 'pull_request',
    installationId: 1,
    owner: 'o',
    repo: 'r',
    defaultBranch: 'main',
    sha,
    gates: ['lint', 'coverage', 'docs'],
    checkRunIds: {},
    // Long enough ago that no web process is still creating its check runs.
    receivedAt: Date.now() - 60_000,
    ...extra,
  };
}

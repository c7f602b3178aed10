import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, mkdir, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createJobHandler } from '../../src/pipeline/handler.js';
import { collectSources, historyRunOf, MAX_SOURCE_BYTES_PER_FILE, PhaseClock } from '../../src/pipeline/history.js';
import type { HistoryRun } from '../../src/store/history.js';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github.js';
import { fixture } from '../e2e/helpers.js';
import { jobFor, passing, pipelineDeps, stubGates } from './helpers.js';

const sha = (n: number) => String(n).padStart(40, 'c');

describe('PhaseClock', () => {
  it('counts the queue wait from the webhook and adds up a phase timed twice', async () => {
    const clock = new PhaseClock({ receivedAt: 1_000 }, 1_250);
    clock.add('install', 10);
    await clock.time('install', Promise.resolve());
    await expect(clock.time('fetch', Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(clock.phases.queue_wait).toBe(250);
    expect(clock.phases.install).toBeGreaterThanOrEqual(10);
    expect(clock.phases.fetch).toBeGreaterThanOrEqual(0);
  });
});

describe('collectSources', () => {
  it('keeps files with findings and coverage, and leaves out links out of the checkout and oversized files', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'qg-sources-'));
    await mkdir(path.join(dir, 'src'));
    await writeFile(path.join(dir, 'src/a.js'), 'a();\n');
    await writeFile(path.join(dir, 'src/big.js'), 'x'.repeat(MAX_SOURCE_BYTES_PER_FILE + 1));
    await symlink('/etc/passwd', path.join(dir, 'src/link.js'));
    const coverage = { ...passing('coverage'), files: ['a', 'big', 'link', 'gone'].map((name) => ({ path: `src/${name}.js`, lines: 1, covered: 0, pct: 0, uncoveredLines: [1], coveredLines: [] })) };
    const sources = await collectSources(dir, [coverage]);
    expect(Object.keys(sources)).toEqual(['src/a.js']);
  });
});

describe('historyRunOf', () => {
  it('records gates in report order with their check runs, durations and findings', () => {
    const lint = { ...passing('lint', { errors: 1 }), durationMs: 5, findings: [{ path: 'a.js', line: 1, level: 'failure' as const, message: 'bad' }] };
    const run = historyRunOf(
      jobFor(sha(1), { pullRequest: { number: 4, baseSha: sha(0), baseRef: 'main', headRef: 'topic' }, private: true }),
      { results: [passing('docs'), lint], fromCache: false, phases: { fetch: 3 } },
      { checkRunIds: { lint: 21 }, worker: 'w1', finishedAt: 99 },
    );
    expect(run.gates.map((g) => [g.gate, g.checkRunId])).toEqual([['lint', 21], ['docs', undefined]]);
    expect(run).toMatchObject({ branch: 'topic', pullRequest: 4, private: true, worker: 'w1', finishedAt: 99, phases: { fetch: 3, lint: 5 } });
    expect(run.findings).toEqual([{ path: 'a.js', line: 1, level: 'failure', message: 'bad', gate: 'lint' }]);
  });
});

describe('recording from the job handler', () => {
  let github: FakeGitHub;
  beforeAll(async () => {
    github = await startFakeGitHub();
  });
  afterAll(async () => {
    await github.close();
  });

  it('records a finished job after its checks are completed, with phases and sources, and returns what the recorder returned', async () => {
    github.addCommit(sha(2), fixture('js-pass'));
    const recorded: { run: HistoryRun; statuses: string[] }[] = [];
    const coverage = () => ({ ...passing('coverage'), files: [{ path: 'package.json', lines: 1, covered: 1, pct: 100, uncoveredLines: [], coveredLines: [1] }] });
    const handler = createJobHandler({
      depsFor: () =>
        pipelineDeps(github, {
          runGates: stubGates((gate) => (gate === 'coverage' ? coverage() : passing(gate))).run,
          recordHistory: (run) => {
            recorded.push({ run, statuses: github.runsFor(sha(2)).map((r) => r.status) });
            return Promise.resolve({ ticket: 1 });
          },
          workerId: 'worker-a',
        }),
    });
    const result = await handler(jobFor(sha(2), { trigger: 'push', ref: 'refs/heads/main', pullRequest: undefined }), { signal: new AbortController().signal, attempt: 1, maxAttempts: 3 });
    expect(result).toEqual({ ticket: 1 });
    expect(recorded).toHaveLength(1);
    const { run, statuses } = recorded[0] ?? { run: undefined, statuses: [] };
    expect(statuses).toEqual(['completed', 'completed', 'completed']);
    expect(run?.branch).toBe('main');
    expect(run?.worker).toBe('worker-a');
    expect(Object.keys(run?.phases ?? {})).toEqual(expect.arrayContaining(['queue_wait', 'config', 'fetch']));
    expect(Object.keys(run?.sources ?? {})).toEqual(['package.json']);
    expect(run?.gates.every((g) => typeof g.checkRunId === 'number')).toBe(true);
  });

  it('records the reason when the gates could not run, and a failing recorder fails nothing', async () => {
    const recorded: HistoryRun[] = [];
    const handler = createJobHandler({
      depsFor: () =>
        pipelineDeps(github, {
          runGates: stubGates().run,
          recordHistory: (run) => {
            recorded.push(run);
            return Promise.reject(new Error('disk full'));
          },
        }),
    });
    // No commit served: the tarball answers 404, a permanent failure.
    await expect(handler(jobFor(sha(3)), { signal: new AbortController().signal, attempt: 1, maxAttempts: 3 })).resolves.toBeUndefined();
    expect(recorded[0]?.error).toMatch(/Not found/);
    expect(github.runsFor(sha(3)).map((r) => r.conclusion)).toEqual(['failure', 'failure', 'failure']);
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runJob } from '../../src/pipeline/run-job.js';
import { GitHubClient } from '../../src/github/client.js';
import { ensureCheckRuns } from '../../src/pipeline/checks.js';
import { embedMetrics } from '../../src/report/embed.js';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github.js';
import { fixture } from '../e2e/helpers.js';
import { fakeClient, jobFor, leftovers, passing, pipelineDeps, stubGates } from './helpers.js';

const sha = (n: number) => String(n).padStart(40, 'a');

describe('runJob', () => {
  let github: FakeGitHub;
  beforeAll(async () => {
    github = await startFakeGitHub();
  });
  afterAll(async () => {
    await github.close();
  });

  it('creates missing check runs, moves them through in_progress and completes them, then removes the workspace', async () => {
    github.addCommit(sha(1), fixture('js-pass'));
    const gates = stubGates();
    const deps = await pipelineDeps(github, { runGates: gates.run });
    const outcome = await runJob(jobFor(sha(1)), deps, new AbortController().signal);
    expect(outcome.fromCache).toBe(false);
    const runs = github.runsFor(sha(1));
    expect(runs.map((r) => [r.name, r.history])).toEqual([
      ['quality-gates/lint', ['queued', 'in_progress', 'completed']],
      ['quality-gates/coverage', ['queued', 'in_progress', 'completed']],
      ['quality-gates/docs', ['queued', 'in_progress', 'completed']],
    ]);
    expect(runs.every((r) => r.conclusion === 'success')).toBe(true);
    expect(gates.calls[0]?.dir).toMatch(/ws-/);
    expect(gates.calls[0]?.changedLines).toBeUndefined();
    expect(await leftovers(deps.workRoot)).toEqual([]);
  });

  it('completes a gate that finishes at once only after its in_progress update was answered', async () => {
    github.addCommit(sha(50), fixture('js-pass'));
    const client = fakeClient(github);
    const slowStart: typeof client.startCheckRun = async (params) => {
      await new Promise((resolve) => setTimeout(resolve, 150));
      await GitHubClient.prototype.startCheckRun.call(client, params);
    };
    client.startCheckRun = slowStart;
    const deps = await pipelineDeps(github, { github: client, runGates: stubGates((gate) => ({ ...passing(gate), conclusion: 'skipped', title: 'Disabled' })).run });
    await runJob(jobFor(sha(50)), deps, new AbortController().signal);
    expect(github.runsFor(sha(50)).map((r) => [r.status, r.history.at(-1)])).toEqual([
      ['completed', 'completed'],
      ['completed', 'completed'],
      ['completed', 'completed'],
    ]);
  });

  it('feeds the changed lines of the pull request and the base commit coverage to the engine', async () => {
    github.addCommit(sha(2), fixture('js-pass'));
    github.pullFiles.set('o/r#5', [{ filename: 'src/index.js', patch: '@@ -1,0 +1,2 @@\n+a\n+b' }]);
    const base = sha(3);
    github.checkRuns.set(1, {
      id: 1, owner: 'o', repo: 'r', name: 'quality-gates/coverage', head_sha: base, external_id: 'x', status: 'completed', conclusion: 'success',
      output: { title: 't', summary: `s\n${embedMetrics({ metrics: { lines_pct: 87.5 } })}`, text: null }, annotations: [], history: [], created_at: 0,
    });
    const gates = stubGates();
    const deps = await pipelineDeps(github, { runGates: gates.run });
    await runJob(jobFor(sha(2), { pullRequest: { number: 5, baseSha: base, baseRef: 'main', headRef: 'topic' } }), deps, new AbortController().signal);
    expect(gates.calls[0]?.baseLinesPct).toBe(87.5);
    expect([...(gates.calls[0]?.changedLines?.get('src/index.js') ?? [])]).toEqual([1, 2]);
  });

  it('leaves a push to the head of an open pull request to the pull request: no check runs, no gates', async () => {
    github.addCommit(sha(40), fixture('js-pass'));
    github.openPulls.set('o/pr-heads', [{ number: 12, headSha: sha(40) }]);
    const gates = stubGates();
    const deps = await pipelineDeps(github, { runGates: gates.run });
    const outcome = await runJob(jobFor(sha(40), { repo: 'pr-heads', trigger: 'push', ref: 'refs/heads/topic' }), deps, new AbortController().signal);
    expect(outcome).toEqual({ results: [], fromCache: false });
    expect(github.runsFor(sha(40))).toEqual([]);
    expect(gates.calls).toHaveLength(0);
  });

  it('still checks a push to the default branch, and a pushed branch whose check runs already exist, even with an open pull request', async () => {
    github.addCommit(sha(41), fixture('js-pass'));
    github.addCommit(sha(42), fixture('js-pass'));
    github.openPulls.set('o/pr-heads2', [{ number: 13, headSha: sha(41) }, { number: 14, headSha: sha(42) }]);
    const deps = await pipelineDeps(github, { runGates: stubGates().run });
    await runJob(jobFor(sha(41), { repo: 'pr-heads2', trigger: 'push', ref: 'refs/heads/main' }), deps, new AbortController().signal);
    expect(github.runsFor(sha(41)).map((r) => r.conclusion)).toEqual(['success', 'success', 'success']);
    const job = jobFor(sha(42), { repo: 'pr-heads2', trigger: 'push', ref: 'refs/heads/topic' });
    const ids = await ensureCheckRuns(job, deps);
    await runJob({ ...job, checkRunIds: ids }, deps, new AbortController().signal);
    expect(github.runsFor(sha(42)).map((r) => r.conclusion)).toEqual(['success', 'success', 'success']);
  });

  it('fails every check with the file, line and key of an invalid config, without running the gates', async () => {
    github.addCommit(sha(4), fixture('js-pass'));
    github.setFile('o', 'bad', 'main', '.github/quality-gates.yml', 'coverage:\n  min_lines: 180\n');
    const gates = stubGates();
    const deps = await pipelineDeps(github, { runGates: gates.run });
    await runJob(jobFor(sha(4), { repo: 'bad' }), deps, new AbortController().signal);
    const runs = github.runsFor(sha(4));
    expect(runs.map((r) => r.conclusion)).toEqual(['failure', 'failure', 'failure']);
    expect(runs[0]?.output.summary).toContain('.github/quality-gates.yml:2:');
    expect(runs[0]?.output.summary).toContain('coverage.min_lines');
    expect(gates.calls).toHaveLength(0);
  });

  it('merges an `_extends` config from the organisation repository before validating it', async () => {
    github.addCommit(sha(5), fixture('js-pass'));
    github.setFile('o', 'ext', 'main', '.github/quality-gates.yml', '_extends: .github\nlint:\n  max_warnings: 3\n');
    github.setFile('o', '.github', 'main', '.github/quality-gates.yml', 'lint:\n  max_errors: 2\n  max_warnings: 50\ncoverage:\n  min_lines: 70\n');
    const gates = stubGates();
    const deps = await pipelineDeps(github, { runGates: gates.run });
    await runJob(jobFor(sha(5), { repo: 'ext' }), deps, new AbortController().signal);
    expect(gates.calls[0]?.config.lint).toMatchObject({ max_errors: 2, max_warnings: 3 });
    expect(gates.calls[0]?.config.coverage.min_lines).toBe(70);
  });

  it('deploys a push whose tree already passed without running the gates, and says so', async () => {
    github.addCommit(sha(6), fixture('js-pass'), 'tree-6');
    github.addCommit(sha(7), fixture('js-pass'), 'tree-6');
    github.setFile('o', 'dep', 'main', '.github/quality-gates.yml', 'deploy:\n  webhook: {}\n  dry_run: true\n');
    const gates = stubGates();
    const deps = await pipelineDeps(github, { runGates: gates.run });
    await runJob(jobFor(sha(6), { repo: 'dep' }), deps, new AbortController().signal);
    expect(gates.calls).toHaveLength(1);
    const outcome = await runJob(jobFor(sha(7), { repo: 'dep', trigger: 'push', ref: 'refs/heads/main' }), deps, new AbortController().signal);
    expect(outcome.fromCache).toBe(true);
    expect(gates.calls).toHaveLength(1);
    const runs = github.runsFor(sha(7));
    expect(runs.map((r) => r.conclusion)).toEqual(['success', 'success', 'success']);
    expect(runs[0]?.output.summary).toContain('Tree already passed');
    expect(runs[0]?.output.summary).toContain('dry run');
  });

  it('runs the gates of a push to the deploy branch and records why nothing deployed when one failed', async () => {
    github.addCommit(sha(8), fixture('js-pass'), 'tree-8');
    const gates = stubGates((gate) => (gate === 'docs' ? { ...passing(gate), conclusion: 'failure', title: 'docs bad' } : passing(gate)));
    const deps = await pipelineDeps(github, { runGates: gates.run });
    await runJob(jobFor(sha(8), { repo: 'dep', trigger: 'push', ref: 'refs/heads/main' }), deps, new AbortController().signal);
    const runs = github.runsFor(sha(8));
    expect(runs.map((r) => r.conclusion)).toEqual(['success', 'success', 'failure']);
    expect(runs[0]?.output.summary).toContain('not triggered');
  });
});

describe('ensureCheckRuns', () => {
  let github: FakeGitHub;
  beforeAll(async () => {
    github = await startFakeGitHub();
  });
  afterAll(async () => {
    await github.close();
  });

  it('waits for the check runs another process is still creating instead of creating a second set', async () => {
    const job = jobFor(sha(20), { receivedAt: Date.now() });
    const deps = await pipelineDeps(github);
    const web = fakeClient(github);
    await web.createCheckRun({ owner: 'o', repo: 'r', gate: 'lint', headSha: job.sha, externalId: job.id });
    const late = new Promise((resolve) => setTimeout(resolve, 400)).then(() =>
      Promise.all(['coverage', 'docs'].map((gate) => web.createCheckRun({ owner: 'o', repo: 'r', gate: gate as 'coverage', headSha: job.sha, externalId: job.id }))),
    );
    const ids = await ensureCheckRuns(job, deps);
    await late;
    expect(Object.keys(ids).sort()).toEqual(['coverage', 'docs', 'lint']);
    expect(github.runsFor(job.sha)).toHaveLength(3);
  });

  it('creates the missing ones once the web process had time enough', async () => {
    const job = jobFor(sha(21), { receivedAt: Date.now() - 60_000 });
    const deps = await pipelineDeps(github);
    const ids = await ensureCheckRuns(job, deps);
    expect(Object.keys(ids)).toHaveLength(3);
    expect(github.runsFor(job.sha).map((r) => r.external_id)).toEqual([job.id, job.id, job.id]);
  });
});

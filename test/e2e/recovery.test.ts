/**
 * Recovery with the embedded SQLite store, the app run as `npm start` runs it: jobs stored while no
 * worker ran are done after a restart, and a `kill -9` in the middle of a gate leaves no check run
 * hanging once the app is started again on the same DATA_DIR.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { allCompleted, fixture, OWNER, runNamed, serveRepo, shaOf, waitForRuns, jobCounts, settledJobCounts } from './helpers.js';
import { startFakeGitHub, type FakeCheckRun, type FakeGitHub } from '../support/fake-github.js';
import { startApp, WEBHOOK_SECRET, type AppProcess } from '../support/app-process.js';
import { deliver, pullRequestPayload } from '../support/webhooks.js';

/** Every gate off: the job still goes through the pipeline (config, tarball, check runs) but runs no tool. */
const NO_GATES = 'lint:\n  enabled: false\ncoverage:\n  enabled: false\ndocs:\n  enabled: false\n';

/** Kills the app like an OOM killer or a power cut would, and removes its scratch folder (not DATA_DIR). */
async function killHard(app: AppProcess): Promise<void> {
  if (app.child.exitCode === null && app.child.signalCode === null) {
    const exited = new Promise((resolve) => app.child.once('exit', resolve));
    app.child.kill('SIGKILL');
    await exited;
  }
  await rm(app.dataDir, { recursive: true, force: true });
}

const coverageRunning = (runs: FakeCheckRun[]) => runs.some((r) => r.name === 'quality-gates/coverage' && r.status === 'in_progress');

describe('recovery of stored jobs with the SQLite store', () => {
  let github: FakeGitHub;
  let dataDir: string;
  let workDir: string;
  beforeAll(async () => {
    github = await startFakeGitHub();
  });
  afterAll(async () => {
    await github.close();
  });
  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'qg-e2e-recovery-'));
    workDir = path.join(os.tmpdir(), `qg-e2e-work-${path.basename(dataDir)}`);
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
    await rm(workDir, { recursive: true, force: true });
  });

  it('runs the jobs acknowledged while no worker ran once the app restarts with workers', async () => {
    const shas = [shaOf('restart-a'), shaOf('restart-b')];
    for (const [i, sha] of shas.entries()) await serveRepo(github, `restart${String(i)}`, sha, fixture('js-pass'), NO_GATES);

    const web = await startApp(github.host, { DATA_DIR: dataDir, QG_WORK_DIR: workDir, QG_WORKERS: '0' });
    try {
      for (const [i, sha] of shas.entries()) {
        const payload = pullRequestPayload({ owner: OWNER, repo: `restart${String(i)}`, number: i + 1, sha, baseSha: shaOf('restart-base') });
        expect((await deliver(web.url, 'pull_request', payload, WEBHOOK_SECRET)).status).toBe(200);
      }
      for (const sha of shas) await waitForRuns(github, sha, (runs) => runs.length === 3);
      expect(await jobCounts(web.url)).toMatchObject({ queued: 2, running: 0, done: 0 });
    } finally {
      await web.stop();
    }
    expect(shas.flatMap((sha) => github.runsFor(sha)).map((r) => r.status)).toEqual(Array(6).fill('queued'));

    const app = await startApp(github.host, { DATA_DIR: dataDir, QG_WORK_DIR: workDir });
    try {
      for (const sha of shas) {
        const runs = await waitForRuns(github, sha, allCompleted(3));
        // The worker completed the check runs the web process created before the restart: no second set.
        expect(runs).toHaveLength(3);
        expect(runs.map((r) => r.conclusion)).toEqual(['skipped', 'skipped', 'skipped']);
        expect(runs.map((r) => r.history[0])).toEqual(['queued', 'queued', 'queued']);
      }
      expect(await settledJobCounts(app.url, { queued: 0, running: 0, done: 2 })).toMatchObject({ queued: 0, running: 0, done: 2 });
    } finally {
      await app.stop();
    }
  });

  it.each([
    ['the same QG_WORKER_ID (takes its job back at once)', { QG_WORKER_ID: 'recovery-worker' }, { QG_WORKER_ID: 'recovery-worker' }],
    ['another worker id once the lease expires', { QG_WORKER_ID: 'doomed-worker', QG_LEASE_MS: '3000' }, { QG_WORKER_ID: 'heir-worker', QG_LEASE_MS: '3000' }],
  ])('completes every check after a kill -9 during the coverage gate and a restart with %s', async (_label, before, after) => {
    const sha = shaOf(`killed-${before.QG_WORKER_ID}`);
    const repo = `slow-${before.QG_WORKER_ID}`;
    await serveRepo(github, repo, sha, fixture('e2e-slow'));

    const doomed = await startApp(github.host, { DATA_DIR: dataDir, QG_WORK_DIR: workDir, ...before });
    try {
      const payload = pullRequestPayload({ owner: OWNER, repo, number: 7, sha, baseSha: shaOf('slow-base') });
      expect((await deliver(doomed.url, 'pull_request', payload, WEBHOOK_SECRET)).status).toBe(200);
      await waitForRuns(github, sha, coverageRunning, 30_000);
    } finally {
      await killHard(doomed);
    }
    expect(runNamed(github.runsFor(sha), 'coverage').status).toBe('in_progress');

    const heir = await startApp(github.host, { DATA_DIR: dataDir, QG_WORK_DIR: workDir, ...after });
    try {
      const runs = await waitForRuns(github, sha, allCompleted(3), 45_000);
      expect(runs).toHaveLength(3);
      const coverage = runNamed(runs, 'coverage');
      expect(coverage.conclusion).toBe('success');
      // Started by the killed process, started again after the restart, then completed.
      expect(coverage.history.filter((s) => s === 'in_progress').length).toBeGreaterThanOrEqual(2);
      expect(coverage.history.at(-1)).toBe('completed');
      expect(runs.filter((r) => r.name !== 'quality-gates/coverage').map((r) => r.conclusion)).toEqual(['skipped', 'skipped']);
      expect(heir.output()).toContain('"attempt":2');
      expect(await settledJobCounts(heir.url, { queued: 0, running: 0, done: 1 })).toMatchObject({ queued: 0, running: 0, done: 1 });
    } finally {
      await heir.stop();
    }
  });
});

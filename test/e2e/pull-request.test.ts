import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { allCompleted, fixture, OWNER, runNamed, serveRepo, shaOf, startE2E, waitForRuns, type E2E } from './helpers.js';
import { checkRunRerequestedPayload, deliver, pullRequestPayload, pushPayload } from '../support/webhooks.js';
import { WEBHOOK_SECRET } from '../support/app-process.js';
import { manyFindingsRepo } from '../support/repos.js';

const ONLY_LINT = 'coverage:\n  enabled: false\ndocs:\n  enabled: false\n';

describe('pull requests and pushes through the running app', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
  });
  afterAll(async () => {
    await e2e.stop();
  });

  it('completes all three checks successfully on a passing pull request', async () => {
    const sha = shaOf('pass-head');
    await serveRepo(e2e.github, 'pass', sha, fixture('js-pass'));
    const payload = pullRequestPayload({ owner: OWNER, repo: 'pass', number: 1, sha, baseSha: shaOf('pass-base') });
    const answer = await deliver(e2e.app.url, 'pull_request', payload, WEBHOOK_SECRET);
    expect(answer.status).toBe(200);
    const runs = await waitForRuns(e2e.github, sha, allCompleted(3));
    expect(runs.map((r) => r.name).sort()).toEqual(['quality-gates/coverage', 'quality-gates/docs', 'quality-gates/lint']);
    expect(runs.map((r) => r.conclusion)).toEqual(['success', 'success', 'success']);
    for (const run of runs) {
      expect(run.history[0]).toBe('queued');
      expect(run.history).toContain('in_progress');
      expect(run.external_id).toBe(runs[0]?.external_id);
    }
    expect(runNamed(runs, 'coverage').output.summary).toContain('quality-gates:metrics');
    expect(runNamed(runs, 'coverage').output.summary).toContain('no base to compare');
    expect(runNamed(runs, 'lint').output.summary).toContain('Not enforced');
  });

  it('re-runs only the gate whose check run was re-requested', async () => {
    const sha = shaOf('pass-head');
    const payload = checkRunRerequestedPayload({ owner: OWNER, repo: 'pass', sha, name: 'quality-gates/lint' });
    expect((await deliver(e2e.app.url, 'check_run', payload, WEBHOOK_SECRET)).status).toBe(200);
    const runs = await waitForRuns(e2e.github, sha, allCompleted(4));
    const lintRuns = runs.filter((r) => r.name === 'quality-gates/lint');
    expect(lintRuns).toHaveLength(2);
    expect(lintRuns[1]?.conclusion).toBe('success');
    expect(runs.filter((r) => r.name !== 'quality-gates/lint')).toHaveLength(2);
  });

  it('fails the lint check of a pull request with lint errors and annotates the lines', async () => {
    const sha = shaOf('lint-head');
    await serveRepo(e2e.github, 'lintfail', sha, fixture('js-lint-fail'));
    const payload = pullRequestPayload({ owner: OWNER, repo: 'lintfail', number: 2, sha, baseSha: shaOf('lint-base') });
    expect((await deliver(e2e.app.url, 'pull_request', payload, WEBHOOK_SECRET)).status).toBe(200);
    const runs = await waitForRuns(e2e.github, sha, allCompleted(3));
    const lint = runNamed(runs, 'lint');
    expect(lint.conclusion).toBe('failure');
    expect(lint.annotations.length).toBeGreaterThan(0);
    expect(lint.annotations.map((a) => a.path)).toContain('src/index.js');
  });

  it('fails every check with the file, line and key when the config is invalid', async () => {
    const sha = shaOf('badcfg-head');
    await serveRepo(e2e.github, 'badcfg', sha, fixture('js-pass'), 'lint:\n  max_warnigs: 3\n');
    const payload = pullRequestPayload({ owner: OWNER, repo: 'badcfg', number: 3, sha, baseSha: shaOf('badcfg-base') });
    expect((await deliver(e2e.app.url, 'pull_request', payload, WEBHOOK_SECRET)).status).toBe(200);
    const runs = await waitForRuns(e2e.github, sha, allCompleted(3));
    expect(runs.map((r) => r.conclusion)).toEqual(['failure', 'failure', 'failure']);
    for (const run of runs) {
      expect(run.output.summary).toContain('.github/quality-gates.yml:2:');
      expect(run.output.summary).toContain('lint.max_warnigs');
    }
  });

  it('cancels the checks of an older push when a newer commit is pushed to the same branch', async () => {
    const older = shaOf('push-old');
    const newer = shaOf('push-new');
    await serveRepo(e2e.github, 'pushes', older, fixture('js-pass'));
    await serveRepo(e2e.github, 'pushes', newer, fixture('js-pass'));
    expect((await deliver(e2e.app.url, 'push', pushPayload({ owner: OWNER, repo: 'pushes', sha: older, branch: 'feature' }), WEBHOOK_SECRET)).status).toBe(200);
    await waitForRuns(e2e.github, older, (runs) => runs.length === 3);
    expect((await deliver(e2e.app.url, 'push', pushPayload({ owner: OWNER, repo: 'pushes', sha: newer, branch: 'feature' }), WEBHOOK_SECRET)).status).toBe(200);
    const oldRuns = await waitForRuns(e2e.github, older, allCompleted(3));
    expect(oldRuns.map((r) => r.conclusion)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    const newRuns = await waitForRuns(e2e.github, newer, allCompleted(3));
    expect(newRuns.map((r) => r.conclusion)).toEqual(['success', 'success', 'success']);
  });

  it('sends more than 50 annotations in several requests and keeps them all', async () => {
    const sha = shaOf('many-head');
    await serveRepo(e2e.github, 'many', sha, await manyFindingsRepo(120), ONLY_LINT);
    const payload = pullRequestPayload({ owner: OWNER, repo: 'many', number: 4, sha, baseSha: shaOf('many-base') });
    expect((await deliver(e2e.app.url, 'pull_request', payload, WEBHOOK_SECRET)).status).toBe(200);
    const runs = await waitForRuns(e2e.github, sha, allCompleted(3));
    const lint = runNamed(runs, 'lint');
    expect(lint.conclusion).toBe('failure');
    expect(lint.annotations).toHaveLength(120);
    expect(new Set(lint.annotations.map((a) => a.start_line)).size).toBe(120);
    const patches = e2e.github.requestsTo('PATCH', new RegExp(`/check-runs/${String(lint.id)}$`));
    const batches = patches.map((r) => ((r.body as { output?: { annotations?: unknown[] } }).output?.annotations ?? []).length).filter((n) => n > 0);
    expect(batches).toEqual([50, 50, 20]);
    expect(patches.at(-1)?.body).toMatchObject({ status: "completed", conclusion: "failure" });
  });

  it('recovers from a GitHub 500 on one call through the retry and ends in the right state', async () => {
    const sha = shaOf('flaky-head');
    await serveRepo(e2e.github, 'flaky', sha, fixture('js-pass'), ONLY_LINT);
    e2e.github.failOnce('GET', /^\/repos\/octo-org\/flaky\/contents\//, 500);
    const payload = pullRequestPayload({ owner: OWNER, repo: 'flaky', number: 5, sha, baseSha: shaOf('flaky-base') });
    expect((await deliver(e2e.app.url, 'pull_request', payload, WEBHOOK_SECRET)).status).toBe(200);
    const runs = await waitForRuns(e2e.github, sha, allCompleted(3));
    expect({ conclusion: runNamed(runs, 'lint').conclusion, summary: runNamed(runs, 'lint').output.summary }).toMatchObject({ conclusion: 'success' });
    expect(runNamed(runs, 'coverage').conclusion).toBe('skipped');
    const configReads = e2e.github.requestsTo('GET', /^\/repos\/octo-org\/flaky\/contents\//).map((r) => r.status);
    expect(configReads).toEqual([500, 200]);
  });
});

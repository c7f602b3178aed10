import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { allCompleted, fixture, OWNER, runNamed, serveRepo, shaOf, startE2E, waitForRuns, type E2E } from './helpers.js';
import { deliver, pullRequestPayload } from '../support/webhooks.js';
import { WEBHOOK_SECRET } from '../support/app-process.js';

describe('a pull request through the running app', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
  });
  afterAll(async () => {
    await e2e.stop();
  });

  it('posts three queued check runs and completes them all successfully on a passing repository', async () => {
    const sha = shaOf('pass-head');
    await serveRepo(e2e.github, 'pass', sha, fixture('js-pass'));
    const payload = pullRequestPayload({ owner: OWNER, repo: 'pass', number: 1, sha, baseSha: shaOf('pass-base') });
    const answer = await deliver(e2e.app.url, 'pull_request', payload, WEBHOOK_SECRET);
    expect(answer.status).toBe(200);
    const runs = await waitForRuns(e2e.github, sha, allCompleted(3));
    expect(runs.map((r) => r.name).sort()).toEqual(['quality-gates/coverage', 'quality-gates/docs', 'quality-gates/lint']);
    for (const run of runs) {
      expect({ name: run.name, conclusion: run.conclusion, title: run.output.title }).toEqual({ name: run.name, conclusion: 'success', title: run.output.title });
      expect(run.history[0]).toBe('queued');
      expect(run.history).toContain('in_progress');
      expect(run.external_id).toBe(runs[0]?.external_id);
    }
    expect(runNamed(runs, 'coverage').output.summary).toContain('quality-gates:metrics');
  });
});

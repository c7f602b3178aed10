import { describe, expect, it } from '@jest/globals';
import { planEvent, type EventPlan } from '../../src/app/events.js';
import { examplePayload, withRepo } from '../support/webhooks.js';

const NOW = 1_700_000_000_000;
const plan = (name: string, payload: unknown, id = 'delivery-1'): EventPlan => planEvent({ name, id, payload }, () => 'job-1', NOW);

function job(p: EventPlan) {
  if (p.kind !== 'job') throw new Error(`expected a job, got ${p.kind}: ${p.reason}`);
  return p;
}

describe('planEvent', () => {
  it.each(['opened', 'synchronize', 'reopened', 'ready_for_review'])('turns pull_request.%s into a job for the head commit with all gates', (action) => {
    const payload = examplePayload('pull_request', action);
    const p = job(plan('pull_request', payload));
    const pr = payload.pull_request as { number: number; head: { sha: string; ref: string }; base: { sha: string; ref: string } };
    expect(p.job).toMatchObject({
      id: 'job-1',
      deliveryId: 'delivery-1',
      trigger: 'pull_request',
      sha: pr.head.sha,
      gates: ['lint', 'coverage', 'docs'],
      pullRequest: { number: pr.number, baseSha: pr.base.sha, baseRef: pr.base.ref, headRef: pr.head.ref },
      checkRunIds: {},
      receivedAt: NOW,
    });
    expect(p.supersedeKey).toBe(`${p.job.owner}/${p.job.repo}#${String(pr.number)}`);
    expect(p.dedupKey).toContain('delivery-1');
    expect(p.dedupKey).toContain(pr.head.sha);
  });

  it.each(['closed', 'labeled', 'assigned'])('ignores pull_request.%s', (action) => {
    expect(plan('pull_request', examplePayload('pull_request', action)).kind).toBe('ignored');
  });

  it('turns a branch push into a push job superseding older pushes to the same branch', () => {
    const payload = examplePayload('push');
    payload.ref = 'refs/heads/main';
    payload.deleted = false;
    payload.after = 'a'.repeat(40);
    const p = job(plan('push', payload));
    expect(p.job).toMatchObject({ trigger: 'push', ref: 'refs/heads/main', sha: payload.after, gates: ['lint', 'coverage', 'docs'] });
    expect(p.job.pullRequest).toBeUndefined();
    expect(p.supersedeKey).toBe(`${p.job.owner}/${p.job.repo}@refs/heads/main`);
  });

  it('ignores tag pushes and branch deletions', () => {
    const tag = examplePayload('push');
    expect(tag.ref).toBe('refs/tags/simple-tag');
    expect(plan('push', tag)).toMatchObject({ kind: 'ignored', reason: expect.stringContaining('tag') as unknown });
    const deletion = examplePayload('push');
    deletion.ref = 'refs/heads/gone';
    deletion.deleted = true;
    expect(plan('push', deletion)).toMatchObject({ kind: 'ignored', reason: 'branch deleted' });
  });

  it.each(['requested', 'rerequested'])('turns check_suite.%s into a job for the suite head', (action) => {
    const payload = examplePayload('check_suite', action);
    const p = job(plan('check_suite', payload));
    expect(p.job).toMatchObject({ trigger: 'check_suite', sha: (payload.check_suite as { head_sha: string }).head_sha, gates: ['lint', 'coverage', 'docs'] });
  });

  it('gives a push and the check_suite.requested it causes the same dedup key, and a re-run all checks a new one', () => {
    const suite = examplePayload('check_suite', 'requested');
    const { head_sha: sha, head_branch: branch } = suite.check_suite as { head_sha: string; head_branch: string };
    const push = examplePayload('push');
    Object.assign(push, { ref: `refs/heads/${branch}`, deleted: false, after: sha, repository: suite.repository, installation: suite.installation });
    const fromPush = job(plan('push', push, 'd-push'));
    const fromSuite = job(plan('check_suite', suite, 'd-suite'));
    expect(fromSuite.dedupKey).toBe(fromPush.dedupKey);
    expect(fromSuite.supersedeKey).toBe(fromPush.supersedeKey);
    const rerun = job(plan('check_suite', examplePayload('check_suite', 'rerequested'), 'd-rerun'));
    expect(rerun.dedupKey).toContain('d-rerun');
  });

  it('ignores check_suite.completed', () => {
    expect(plan('check_suite', examplePayload('check_suite', 'completed')).kind).toBe('ignored');
  });

  it('re-runs only the gate of a re-requested check run of ours', () => {
    const payload = examplePayload('check_run', 'rerequested');
    const run = payload.check_run as { name: string; head_sha: string };
    run.name = 'quality-gates/coverage';
    const p = job(plan('check_run', payload));
    expect(p.job).toMatchObject({ trigger: 'check_run', sha: run.head_sha, gates: ['coverage'] });
  });

  it('ignores a re-requested check run of another app, and other check_run actions', () => {
    expect(plan('check_run', examplePayload('check_run', 'rerequested'))).toMatchObject({ kind: 'ignored', reason: expect.stringContaining('not one of ours') as unknown });
    expect(plan('check_run', examplePayload('check_run', 'requested_action')).kind).toBe('ignored');
  });

  it('keeps the pull request of a re-requested check run for changed-line filtering', () => {
    const payload = withRepo(examplePayload('check_run', 'rerequested'), 'o', 'r');
    const run = payload.check_run as Record<string, unknown>;
    run.name = 'quality-gates/lint';
    run.pull_requests = [{ number: 7, base: { sha: 'b'.repeat(40), ref: 'main' }, head: { sha: 'h'.repeat(40), ref: 'topic' } }];
    expect(job(plan('check_run', payload)).job.pullRequest).toEqual({ number: 7, baseSha: 'b'.repeat(40), baseRef: 'main', headRef: 'topic' });
  });

  it('ignores events it does not handle and deliveries without an installation', () => {
    expect(plan('issues', examplePayload('issues', 'opened')).kind).toBe('ignored');
    const payload = examplePayload('pull_request', 'opened');
    delete payload.installation;
    expect(plan('pull_request', payload)).toMatchObject({ kind: 'ignored', reason: 'installation id missing' });
  });

  it('calls a payload malformed when it lacks what its event promises', () => {
    expect(plan('pull_request', 'not an object').kind).toBe('malformed');
    expect(plan('pull_request', [1, 2]).kind).toBe('malformed');
    const noPr = examplePayload('pull_request', 'opened');
    delete noPr.pull_request;
    expect(plan('pull_request', noPr).kind).toBe('malformed');
    const noRepo = examplePayload('push');
    noRepo.ref = 'refs/heads/main';
    noRepo.deleted = false;
    delete noRepo.repository;
    expect(plan('push', noRepo).kind).toBe('malformed');
    const zeroAfter = examplePayload('push');
    zeroAfter.ref = 'refs/heads/main';
    zeroAfter.deleted = false;
    zeroAfter.after = '0'.repeat(40);
    expect(plan('push', zeroAfter).kind).toBe('malformed');
    const noSuite = examplePayload('check_suite', 'requested');
    delete noSuite.check_suite;
    expect(plan('check_suite', noSuite).kind).toBe('malformed');
    const noRun = examplePayload('check_run', 'rerequested');
    delete noRun.check_run;
    expect(plan('check_run', noRun).kind).toBe('malformed');
  });

  it('gives the same dedup key to a redelivery and a different one to a new delivery', () => {
    const payload = examplePayload('pull_request', 'synchronize');
    const first = job(plan('pull_request', payload, 'd-1'));
    const again = job(plan('pull_request', payload, 'd-1'));
    const other = job(plan('pull_request', payload, 'd-2'));
    expect(again.dedupKey).toBe(first.dedupKey);
    expect(other.dedupKey).not.toBe(first.dedupKey);
  });
});

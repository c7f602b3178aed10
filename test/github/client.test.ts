import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { ProbotOctokit } from 'probot';
import { GitHubClient } from '../../src/github/client.js';
import { hookDeliveriesApi } from '../../src/github/deliveries.js';
import type { Octokit } from '../../src/github/types.js';

const API = 'https://api.github.com';
const repo = { owner: 'o', repo: 'r' };

function client(): GitHubClient {
  const octokit = new ProbotOctokit({ auth: 'token-x', retry: { enabled: false }, throttle: { enabled: false } } as never);
  return new GitHubClient(octokit as unknown as Octokit);
}

function annotation(i: number) {
  return { path: 'a.js', start_line: i, end_line: i, annotation_level: 'failure' as const, message: `m${String(i)}` };
}

beforeAll(() => {
  nock.disableNetConnect();
});
// Jest runs other test files in the same worker process, where nock's hold on `http` would remain.
afterAll(() => {
  nock.enableNetConnect();
  nock.restore();
});
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});

describe('GitHubClient', () => {
  it('finds the open pull request of this repository whose head is the commit, and nothing for closed, fork or older heads', async () => {
    const pr = (number: number, state: string, head: string, base = 'o/r') => ({ number, state, head: { sha: head }, base: { repo: { full_name: base } } });
    nock(API)
      .get('/repos/o/r/commits/abc/pulls')
      .query({ per_page: '100' })
      .reply(200, [pr(1, 'closed', 'abc'), pr(2, 'open', 'older'), pr(3, 'open', 'abc', 'fork/r'), pr(4, 'open', 'abc', 'O/R')]);
    await expect(client().openPullRequestWithHead({ ...repo, sha: 'abc' })).resolves.toBe(4);
    nock(API).get('/repos/o/r/commits/def/pulls').query(true).reply(200, [pr(1, 'closed', 'def')]);
    await expect(client().openPullRequestWithHead({ ...repo, sha: 'def' })).resolves.toBeUndefined();
  });

  it('cannot tell about pull requests when GitHub refuses (403/404/422) and says so with undefined; a 500 is thrown', async () => {
    nock(API).get('/repos/o/r/commits/abc/pulls').query(true).reply(404, { message: 'Not Found' });
    await expect(client().openPullRequestWithHead({ ...repo, sha: 'abc' })).resolves.toBeUndefined();
    nock(API).get('/repos/o/r/commits/abc/pulls').query(true).reply(500, { message: 'boom' });
    await expect(client().openPullRequestWithHead({ ...repo, sha: 'abc' })).rejects.toThrow(/boom/);
  });

  it('creates a queued check run named after the gate with the job id as external id', async () => {
    const scope = nock(API)
      .post('/repos/o/r/check-runs', { name: 'quality-gates/lint', head_sha: 'abc', status: 'queued', external_id: 'job-1' })
      .reply(201, { id: 42 });
    await expect(client().createCheckRun({ ...repo, gate: 'lint', headSha: 'abc', externalId: 'job-1' })).resolves.toBe(42);
    scope.done();
  });

  it('sends 120 annotations as two appending updates of 50 and a completing update of 20', async () => {
    const bodies: { status?: string; output: { annotations: unknown[] } }[] = [];
    nock(API)
      .patch('/repos/o/r/check-runs/7', (body: (typeof bodies)[number]) => (bodies.push(body), true))
      .times(3)
      .reply(200, {});
    const annotations = Array.from({ length: 120 }, (_, i) => annotation(i + 1));
    await client().completeCheckRun({ ...repo, checkRunId: 7, conclusion: 'failure', output: { title: 't', summary: 's', annotations } });
    expect(bodies.map((b) => b.output.annotations.length)).toEqual([50, 50, 20]);
    expect(bodies.map((b) => b.status)).toEqual([undefined, undefined, 'completed']);
  });

  it('completes a check run in one request when there are no annotations', async () => {
    nock(API)
      .patch('/repos/o/r/check-runs/8', (body: Record<string, unknown>) => body.status === 'completed' && body.conclusion === 'success' && typeof body.completed_at === 'string')
      .reply(200, {});
    await client().completeCheckRun({ ...repo, checkRunId: 8, conclusion: 'success', output: { title: 't', summary: 's' } });
  });

  it('reads a config file raw from a ref, and answers undefined when it does not exist', async () => {
    nock(API).get('/repos/o/r/contents/.github%2Fquality-gates.yml').query({ ref: 'main' }).matchHeader('accept', /raw/).reply(200, 'lint:\n  max_errors: 1\n', { 'content-type': 'text/plain; charset=utf-8' });
    await expect(client().getConfigText({ ...repo, path: '.github/quality-gates.yml', ref: 'main' })).resolves.toBe('lint:\n  max_errors: 1\n');
    nock(API).get('/repos/o/r/contents/.github%2Fquality-gates.yml').reply(404, { message: 'Not Found' });
    await expect(client().getConfigText({ ...repo, path: '.github/quality-gates.yml' })).resolves.toBeUndefined();
  });

  it('decodes a raw file served without a charset, and says what to check on other errors', async () => {
    nock(API).get('/repos/o/r/contents/f.yml').reply(200, Buffer.from('a: 1\n'), { 'content-type': 'application/octet-stream' });
    await expect(client().getConfigText({ ...repo, path: 'f.yml' })).resolves.toBe('a: 1\n');
    nock(API).get('/repos/o/r/contents/f.yml').reply(403, { message: 'Forbidden' });
    await expect(client().getConfigText({ ...repo, path: 'f.yml' })).rejects.toThrow('check the app can read contents');
  });

  it('follows the tarball redirect to codeload and streams the body', async () => {
    nock(API).get('/repos/o/r/tarball/abc').reply(302, '', { location: 'https://codeload.github.com/o/r/legacy.tar.gz/abc?token=t' });
    nock('https://codeload.github.com').get('/o/r/legacy.tar.gz/abc').query({ token: 't' }).reply(200, Buffer.from('tarball-bytes'), { 'content-type': 'application/x-gzip' });
    const stream = await client().downloadTarball({ ...repo, sha: 'abc' });
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
    expect(Buffer.concat(chunks).toString()).toBe('tarball-bytes');
  });

  it('explains a failed tarball download', async () => {
    nock(API).get('/repos/o/r/tarball/abc').reply(404, { message: 'Not Found' });
    await expect(client().downloadTarball({ ...repo, sha: 'abc' })).rejects.toThrow('Could not download o/r@abc');
  });

  it('lists every page of pull request files, keeping patches', async () => {
    const page1 = Array.from({ length: 100 }, (_, i) => ({ filename: `f${String(i)}.js`, patch: '@@ -0,0 +1 @@\n+x' }));
    nock(API)
      .get('/repos/o/r/pulls/3/files')
      .query({ per_page: '100' })
      .reply(200, page1, { link: `<${API}/repos/o/r/pulls/3/files?per_page=100&page=2>; rel="next"` });
    nock(API).get('/repos/o/r/pulls/3/files').query({ per_page: '100', page: '2' }).reply(200, [{ filename: 'bin.png' }]);
    const files = await client().listPullRequestFiles({ ...repo, pullNumber: 3 });
    expect(files).toHaveLength(101);
    expect(files[100]).toEqual({ filename: 'bin.png' });
  });

  it('returns the output text of the latest completed check run with a name, or undefined', async () => {
    nock(API)
      .get('/repos/o/r/commits/base/check-runs')
      .query({ check_name: 'quality-gates/coverage', status: 'completed', filter: 'latest' })
      .reply(200, { total_count: 1, check_runs: [{ id: 1, output: { summary: 'S', text: 'T' } }] });
    await expect(client().findCheckRunOutput({ ...repo, sha: 'base', name: 'quality-gates/coverage' })).resolves.toBe('S\nT');
    nock(API).get('/repos/o/r/commits/none/check-runs').query(true).reply(200, { total_count: 0, check_runs: [] });
    await expect(client().findCheckRunOutput({ ...repo, sha: 'none', name: 'quality-gates/coverage' })).resolves.toBeUndefined();
  });

  it('finds the check runs of a job by external id', async () => {
    nock(API)
      .get('/repos/o/r/commits/abc/check-runs')
      .query(true)
      .reply(200, {
        total_count: 3,
        check_runs: [
          { id: 1, name: 'quality-gates/lint', external_id: 'job-1' },
          { id: 2, name: 'quality-gates/lint', external_id: 'job-0' },
          { id: 3, name: 'other/check', external_id: 'job-1' },
        ],
      });
    await expect(client().findCheckRuns({ ...repo, sha: 'abc', externalId: 'job-1' })).resolves.toEqual({ lint: 1 });
  });

  it('says our checks are required when branch protection and rulesets require all three', async () => {
    nock(API).get('/repos/o/r/branches/main/protection/required_status_checks').reply(200, { contexts: ['quality-gates/lint'], checks: [{ context: 'quality-gates/coverage' }] });
    nock(API).get('/repos/o/r/rules/branches/main').reply(200, [{ type: 'required_status_checks', parameters: { required_status_checks: [{ context: 'quality-gates/docs' }] } }, { type: 'deletion' }]);
    await expect(client().requiredStatusChecks({ ...repo, branch: 'main' })).resolves.toEqual({ state: 'required', contexts: ['quality-gates/lint', 'quality-gates/coverage', 'quality-gates/docs'] });
  });

  it('says our checks are not required on an unprotected branch, and unknown when forbidden', async () => {
    nock(API).get('/repos/o/r/branches/dev/protection/required_status_checks').reply(404, { message: 'Branch not protected' });
    nock(API).get('/repos/o/r/rules/branches/dev').reply(404, { message: 'Not Found' });
    await expect(client().requiredStatusChecks({ ...repo, branch: 'dev' })).resolves.toEqual({ state: 'not-required', contexts: [] });
    nock(API).get('/repos/o/r/branches/x/protection/required_status_checks').reply(403, { message: 'Resource not accessible by integration' });
    nock(API).get('/repos/o/r/rules/branches/x').reply(200, []);
    await expect(client().requiredStatusChecks({ ...repo, branch: 'x' })).resolves.toMatchObject({ state: 'unknown', reason: expect.stringContaining('administration') as unknown });
    nock(API).get('/repos/o/r/branches/y/protection/required_status_checks').reply(500, { message: 'boom' });
    nock(API).get('/repos/o/r/rules/branches/y').reply(200, []);
    await expect(client().requiredStatusChecks({ ...repo, branch: 'y' })).resolves.toMatchObject({ state: 'unknown', reason: expect.stringContaining('500') as unknown });
  });

  it('reads a commit tree and creates deployments and their statuses', async () => {
    nock(API).get('/repos/o/r/git/commits/abc').reply(200, { sha: 'abc', tree: { sha: 'tree1' } });
    await expect(client().getTreeSha({ ...repo, sha: 'abc' })).resolves.toBe('tree1');
    nock(API).post('/repos/o/r/deployments').reply(201, { id: 99 });
    const params = { ...repo, ref: 'abc', environment: 'production', description: 'd', auto_merge: false as const, required_contexts: [] as [], payload: {} };
    await expect(client().createDeployment(params)).resolves.toBe(99);
    nock(API).post('/repos/o/r/deployments').reply(202, { message: 'Auto-merged main into topic on deployment.' });
    await expect(client().createDeployment(params)).rejects.toThrow('Auto-merged');
    nock(API).post('/repos/o/r/deployments/99/statuses', { state: 'success', description: 'ok' } as never).reply(201, {});
    await client().createDeploymentStatus({ ...repo, deployment_id: 99, state: 'success', description: 'ok' });
  });

  it('lists hook deliveries page by page and redelivers one', async () => {
    const octokit = new ProbotOctokit({ auth: 'jwt', retry: { enabled: false }, throttle: { enabled: false } } as never) as unknown as Octokit;
    const d = (id: number) => ({ id, guid: `g${String(id)}`, delivered_at: '2026-01-01T00:00:00Z', status_code: 500, redelivery: false, event: 'push' });
    nock(API).get('/app/hook/deliveries').query({ per_page: '100' }).reply(200, [d(3), d(2)], { link: `<${API}/app/hook/deliveries?per_page=100&cursor=c2>; rel="next"` });
    nock(API).get('/app/hook/deliveries').query({ per_page: '100', cursor: 'c2' }).reply(200, [d(1)]);
    nock(API).post('/app/hook/deliveries/2/attempts').reply(202, {});
    const api = hookDeliveriesApi(octokit);
    const ids: number[] = [];
    for await (const delivery of api.listDeliveries()) ids.push(delivery.id);
    expect(ids).toEqual([3, 2, 1]);
    await api.redeliver(2);
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github.js';
import { removeTempDirs } from '../queue/support/helpers.js';
import { sampleRun } from '../support/history.js';
import { Client, count, csrfOf, serveDashboard, type ServedDashboard } from './helpers.js';

const DAY = 24 * 3600 * 1000;
const T0 = Date.UTC(2026, 11, 1);

describe('dashboard routes', () => {
  let github: FakeGitHub;
  let dash: ServedDashboard;
  beforeAll(async () => {
    github = await startFakeGitHub();
    dash = await serveDashboard(github, { QG_ADMINS: 'Root-Admin' });
    for (let i = 0; i < 3; i++) {
      dash.history.record(sampleRun({ jobId: `w${String(i)}`, sha: String(i).repeat(40), finishedAt: T0 + i * DAY, gates: sampleRun().gates.map((g) => (g.gate === 'coverage' ? { ...g, metrics: { ...g.metrics, lines_pct: 80 + i } } : g)) }));
    }
    dash.history.record(sampleRun({ jobId: 'pr', sha: 'e'.repeat(40), branch: 'feat<x>', pullRequest: 9, trigger: 'pull_request', finishedAt: T0 + 4 * DAY }));
    dash.history.record(sampleRun({ jobId: 's1', repo: 'secret', private: true, sha: 'f'.repeat(40), finishedAt: T0 + 5 * DAY }));
    dash.history.record(sampleRun({ jobId: 'broken', repo: 'broken', error: 'Invalid configuration: lint.max_warning', gates: [], finishedAt: Date.now() }));
  });
  afterAll(async () => {
    await dash.close();
    await github.close();
    removeTempDirs();
  });

  async function signIn(login: string): Promise<Client> {
    github.oauthLogin = login;
    const client = new Client(dash.url);
    const landed = await client.follow('/quality-gates/login?return_to=/quality-gates/octo-org/secret');
    expect(client.cookie('qg_session')).toBeDefined();
    await landed.text();
    return client;
  }

  it('draws one point per default-branch commit, the thresholds, and lists pull requests among recent runs', async () => {
    const response = await fetch(`${dash.url}/quality-gates/octo-org/widgets`);
    const page = await response.text();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(response.headers.get('content-security-policy')).not.toContain('unsafe-inline');
    expect(count(page, 'class="point point-coverage"')).toBe(3);
    expect(count(page, 'class="point point-docs"')).toBe(3);
    expect(count(page, 'class="point point-warnings"')).toBe(3);
    expect(page).toContain('Line coverage % threshold: 80');
    expect(page).toContain('pull request #9 (feat&lt;x&gt;)');
    expect(page).not.toContain('feat<x>');
    expect(page).toContain('href="/quality-gates/octo-org/widgets/commit/2222222222222222222222222222222222222222"');
    expect(page).toContain(`${dash.url}/quality-gates/badge/octo-org/widgets/coverage.svg`);
    expect(page).toContain(`http://${github.host}/octo-org/widgets/runs/12`);
  });

  it('shows a commit worst file first, and a file with uncovered lines and findings beside them, escaped', async () => {
    const commit = await (await fetch(`${dash.url}/quality-gates/octo-org/widgets/commit/${'2'.repeat(40)}`)).text();
    expect(commit.indexOf('src/total.js')).toBeLessThan(commit.indexOf('src/tax.js'));
    expect(commit).toContain('install');
    const file = await (await fetch(`${dash.url}/quality-gates/octo-org/widgets/commit/${'2'.repeat(40)}/file/src/total.js`)).text();
    expect(count(file, 'class="uncovered"')).toBe(4);
    expect(count(file, 'class="covered"')).toBe(6);
    expect(file).toMatch(/id="L2"[^]*?lint: &#39;x&#39; is assigned a value but never used\. \(no-unused-vars\)/);
    expect(file).toContain('// &lt;b&gt;&amp;');
    expect((await fetch(`${dash.url}/quality-gates/octo-org/widgets/commit/${'2'.repeat(40)}/file/src/nope.js`)).status).toBe(404);
    expect((await fetch(`${dash.url}/quality-gates/octo-org/widgets/commit/${'9'.repeat(40)}`)).status).toBe(404);
  });

  it('serves public badges in the flat style with no-cache, and refuses private ones without their token', async () => {
    const badge = await fetch(`${dash.url}/quality-gates/badge/octo-org/widgets/coverage.svg`);
    expect(badge.headers.get('content-type')).toBe('image/svg+xml');
    expect(badge.headers.get('cache-control')).toContain('no-cache');
    expect(await badge.text()).toContain('coverage: 82%');
    expect(await (await fetch(`${dash.url}/quality-gates/badge/octo-org/widgets/lint.svg`)).text()).toContain('lint: 2 warnings');
    expect(await (await fetch(`${dash.url}/quality-gates/badge/octo-org/widgets/docs.svg`)).text()).toContain('docs: 70% documented');
    expect((await fetch(`${dash.url}/quality-gates/badge/octo-org/nothing/docs.svg`)).status).toBe(404);
    const hidden = await fetch(`${dash.url}/quality-gates/badge/octo-org/secret/coverage.svg`);
    expect(hidden.status).toBe(404);
    expect(await hidden.text()).toContain('unknown');
    expect((await fetch(`${dash.url}/quality-gates/badge/octo-org/secret/coverage.svg?token=guess`)).status).toBe(404);
  });

  it('refuses a private repository to a signed-out visitor and to a user GitHub gives no access', async () => {
    const anonymous = await fetch(`${dash.url}/quality-gates/octo-org/secret`);
    expect(anonymous.status).toBe(404);
    expect(await anonymous.text()).toContain('sign in with GitHub');
    const stranger = await signIn('stranger');
    const refused = await stranger.request('/quality-gates/octo-org/secret');
    expect(refused.status).toBe(404);
    expect(await refused.text()).toContain('Signed in as <strong>stranger</strong>');
    expect(await (await stranger.request('/quality-gates/')).text()).not.toContain('octo-org/secret');
  });

  it('shows a private repository to a user who can read it, without caching it for others', async () => {
    github.grantAccess('reader', 'octo-org', 'secret');
    const reader = await signIn('reader');
    const response = await reader.request('/quality-gates/octo-org/secret');
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('private, no-store');
    const page = await response.text();
    expect(page).toContain('people with write access');
    expect(page).not.toContain('ghu_fake');
    expect(await (await reader.request('/quality-gates/')).text()).toContain('octo-org/secret');
  });

  it('rotates a private badge token on a CSRF-checked POST by a user who can push, and shows it only in that answer', async () => {
    github.grantAccess('writer', 'octo-org', 'secret', true);
    const writer = await signIn('writer');
    const page = await (await writer.request('/quality-gates/octo-org/secret')).text();
    expect((await writer.post('/quality-gates/octo-org/secret/badge-token', { csrf: 'forged' })).status).toBe(403);
    const first = await (await writer.post('/quality-gates/octo-org/secret/badge-token', { csrf: csrfOf(page) })).text();
    const token = /coverage\.svg\?token=([\w-]+)/.exec(first)?.[1] ?? '';
    expect(token).not.toBe('');
    expect((await fetch(`${dash.url}/quality-gates/badge/octo-org/secret/coverage.svg?token=${token}`)).status).toBe(200);
    await writer.post('/quality-gates/octo-org/secret/badge-token', { csrf: csrfOf(page) });
    expect((await fetch(`${dash.url}/quality-gates/badge/octo-org/secret/coverage.svg?token=${token}`)).status).toBe(404);
    expect(await (await writer.request('/quality-gates/octo-org/secret')).text()).not.toContain(token);
  });

  it('shows the operator page to QG_ADMINS only', async () => {
    expect((await (await signIn('reader')).request('/quality-gates/operator')).status).toBe(404);
    const admin = await signIn('root-admin');
    const page = await (await admin.request('/quality-gates/operator')).text();
    expect(page).toContain('queue on sqlite');
    expect(page).toContain('Invalid configuration: lint.max_warning');
    expect(page).toMatch(/<td>queued<\/td><td class="num">2<\/td>/);
  });

  it('signs out only with the session CSRF token, and refuses a callback it did not start', async () => {
    const user = await signIn('reader');
    const page = await (await user.request('/quality-gates/')).text();
    expect((await user.post('/quality-gates/logout', { csrf: '' })).status).toBe(403);
    expect((await user.post('/quality-gates/logout', { csrf: csrfOf(page) })).status).toBe(303);
    expect(user.cookie('qg_session')).toBeUndefined();
    const stray = await fetch(`${dash.url}/quality-gates/auth/callback?code=x&state=y`);
    expect(stray.status).toBe(400);
  });

  it('leaves other paths to the next handler, and answers 404 for unknown dashboard paths', async () => {
    expect(await (await fetch(`${dash.url}/elsewhere`)).text()).toBe('not the dashboard');
    expect((await fetch(`${dash.url}/quality-gates/octo-org/widgets/nowhere`)).status).toBe(404);
    expect((await fetch(`${dash.url}/quality-gates`, { redirect: 'manual' })).status).toBe(303);
    const css = await fetch(`${dash.url}/quality-gates/assets/dashboard.css`);
    expect(css.headers.get('content-type')).toContain('text/css');
  });
});

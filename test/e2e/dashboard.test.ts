/**
 * The dashboard in a real browser: the app started as `npm start` starts it against the fake GitHub,
 * a few commits put through the real gates, then Debian's Chromium (driven by puppeteer-core) loads
 * each page. Takes a screenshot of each; `QG_UPDATE_SCREENSHOTS=1` saves them where the README shows them
 * (docs/screenshots/), otherwise they go to a temporary folder so a test run leaves the checkout clean.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import puppeteer, { type Browser, type BrowserContext } from 'puppeteer-core';
import { APP_ROOT } from '../../src/paths.js';
import { allCompleted, fixture, OWNER, serveRepo, shaOf, startE2E, waitForRuns, type E2E } from './helpers.js';
import { deliver, pushPayload } from '../support/webhooks.js';
import { WEBHOOK_SECRET } from '../support/app-process.js';

/** Debian's Chromium (`apt-get install chromium`); QG_CHROMIUM points elsewhere. */
const CHROMIUM = process.env.QG_CHROMIUM ?? '/usr/bin/chromium';
const SCREENSHOTS = process.env.QG_UPDATE_SCREENSHOTS === '1' ? path.join(APP_ROOT, 'docs', 'screenshots') : path.join(os.tmpdir(), `qg-screenshots-${String(process.pid)}`);
const FAST = 'docs:\n  build: none\n';

const run = existsSync(CHROMIUM) ? describe : describe.skip;
if (!existsSync(CHROMIUM)) console.warn(`dashboard browser tests skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or set QG_CHROMIUM)`);

run('dashboard in Chromium', () => {
  let e2e: E2E;
  let browser: Browser;
  let profile: string;
  // Words whose shas differ in their first seven characters, as GitHub shows them.
  const commits = ['first', 'second', 'third', 'fourth'].map(shaOf);

  async function push(repo: string, sha: string, dir: string, isPrivate = false): Promise<void> {
    await serveRepo(e2e.github, repo, sha, dir, FAST);
    const payload = pushPayload({ owner: OWNER, repo, sha, branch: 'main' });
    (payload.repository as Record<string, unknown>).private = isPrivate;
    expect((await deliver(e2e.app.url, 'push', payload, WEBHOOK_SECRET)).status).toBe(200);
    await waitForRuns(e2e.github, sha, allCompleted(3), 180_000);
  }

  /** The history is written just after the checks complete: wait until the page lists `n` runs. */
  async function recorded(repo: string, n: number): Promise<void> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const page = await (await fetch(`${e2e.app.url}/quality-gates/${OWNER}/${repo}`)).text().catch(() => '');
      if (page.split('<tr><td>20').length - 1 >= n || Date.now() > deadline) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async function signIn(context: BrowserContext, login: string) {
    e2e.github.oauthLogin = login;
    const tab = await context.newPage();
    await tab.goto(`${e2e.app.url}/quality-gates/`);
    await Promise.all([tab.waitForNavigation(), tab.click('a[href="/quality-gates/login"]')]);
    expect(await tab.$eval('header .who', (el) => el.textContent)).toContain(`Signed in as ${login}`);
    return tab;
  }

  beforeAll(async () => {
    await mkdir(SCREENSHOTS, { recursive: true });
    // The fake's OAuth client (FakeGitHub.oauthClient): the app must present exactly these.
    e2e = await startE2E({ GITHUB_CLIENT_ID: 'Iv1.fakeclient', GITHUB_CLIENT_SECRET: 'fake-client-secret', QG_ADMINS: 'octo-admin' });
    // A trend worth a screenshot: coverage, lint and docs each fail once, then all pass.
    const dirs = ['js-coverage-fail', 'js-lint-fail', 'js-docs-fail', 'js-pass'].map(fixture);
    for (const [i, sha] of commits.entries()) await push('widgets', sha, dirs[i] ?? '');
    e2e.github.visibility.set(`${OWNER}/vault`, true);
    await push('vault', shaOf('vault-1'), fixture('js-pass'), true);
    await recorded('widgets', 4);
    profile = await mkdtemp(path.join(os.tmpdir(), 'qg-chromium-'));
    browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', `--user-data-dir=${profile}`],
      defaultViewport: { width: 1280, height: 900 },
    });
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await e2e?.stop();
    if (profile) await rm(profile, { recursive: true, force: true });
  });

  it('draws one point per default-branch commit on the repository page, with the thresholds', async () => {
    const tab = await browser.newPage();
    const response = await tab.goto(`${e2e.app.url}/quality-gates/${OWNER}/widgets`);
    expect(response?.status()).toBe(200);
    expect(await tab.$$eval('circle.point-coverage', (points) => points.length)).toBe(4);
    expect(await tab.$$eval('circle.point-errors', (points) => points.length)).toBe(4);
    expect(await tab.$$eval('line.threshold', (lines) => lines.length)).toBeGreaterThanOrEqual(2);
    expect(await tab.$$eval('table.runs tbody tr', (rows) => rows.length)).toBe(4);
    // Styled by the app's own stylesheet (no CDN): the chart's trend line has its colour.
    expect(await tab.$eval('.series-coverage .trend', (el) => (globalThis as unknown as { getComputedStyle(e: unknown): { stroke: string } }).getComputedStyle(el).stroke)).toBe('rgb(9, 105, 218)');
    await tab.screenshot({ path: path.join(SCREENSHOTS, 'repository.png'), fullPage: true });
    await tab.close();
  });

  it('opens a commit, then a file with its uncovered lines and lint findings beside them', async () => {
    const tab = await browser.newPage();
    await tab.goto(`${e2e.app.url}/quality-gates/${OWNER}/widgets/commit/${commits[1] ?? ''}`);
    expect(await tab.$$eval('table.files tbody tr', (rows) => rows.length)).toBeGreaterThan(0);
    expect(await tab.$$eval('table.findings tbody tr', (rows) => rows.length)).toBeGreaterThan(0);
    await tab.screenshot({ path: path.join(SCREENSHOTS, 'commit.png'), fullPage: true });
    const findingLink = await tab.$eval('table.findings tbody tr a', (a) => a.getAttribute('href'));
    await tab.goto(`${e2e.app.url}${findingLink ?? ''}`);
    expect(await tab.$$eval('.source td.note div', (notes) => notes.length)).toBeGreaterThan(0);
    expect(await tab.$$eval('.source tr.covered, .source tr.uncovered', (rows) => rows.length)).toBeGreaterThan(0);
    await tab.screenshot({ path: path.join(SCREENSHOTS, 'file.png'), fullPage: true });
    await tab.close();
  });

  it('serves the badges as SVG images the page can show', async () => {
    const tab = await browser.newPage();
    await tab.goto(`${e2e.app.url}/quality-gates/${OWNER}/widgets`);
    const widths = await tab.$$eval('.cards img', (images) => images.map((img) => (img as unknown as { naturalWidth: number }).naturalWidth));
    expect(widths).toHaveLength(3);
    expect(widths.every((w) => w > 40)).toBe(true);
    await tab.close();
  });

  it('refuses the private repository to a signed-out visitor and to a user without access', async () => {
    const anonymous = await browser.createBrowserContext();
    const tab = await anonymous.newPage();
    expect((await tab.goto(`${e2e.app.url}/quality-gates/${OWNER}/vault`))?.status()).toBe(404);
    expect(await tab.content()).toContain('sign in with GitHub');
    await anonymous.close();
    const stranger = await browser.createBrowserContext();
    const signedIn = await signIn(stranger, 'stranger');
    expect((await signedIn.goto(`${e2e.app.url}/quality-gates/${OWNER}/vault`))?.status()).toBe(404);
    await stranger.close();
  });

  it('hides a repository made private since its last run, asking GitHub rather than waiting for a push', async () => {
    const tab = await browser.newPage();
    expect((await tab.goto(`${e2e.app.url}/quality-gates/${OWNER}/widgets`))?.status()).toBe(200);
    await push('gadgets', shaOf('gadget-1'), fixture('js-pass'));
    e2e.github.visibility.set(`${OWNER}/gadgets`, true);
    expect((await tab.goto(`${e2e.app.url}/quality-gates/${OWNER}/gadgets`))?.status()).toBe(404);
    await tab.close();
  }, 240_000);

  it('shows the private repository and the operator page to an admin who can read it', async () => {
    e2e.github.grantAccess('octo-admin', OWNER, 'vault', true);
    const admin = await browser.createBrowserContext();
    const tab = await signIn(admin, 'octo-admin');
    expect((await tab.goto(`${e2e.app.url}/quality-gates/${OWNER}/vault`))?.status()).toBe(200);
    expect(await tab.$$eval('circle.point-coverage', (points) => points.length)).toBe(1);
    const operator = await tab.goto(`${e2e.app.url}/quality-gates/operator`);
    expect(operator?.status()).toBe(200);
    expect(await tab.$$eval('table.phases tbody tr', (rows) => rows.length)).toBeGreaterThanOrEqual(4);
    await tab.screenshot({ path: path.join(SCREENSHOTS, 'operator.png'), fullPage: true });
    await admin.close();
  });
});

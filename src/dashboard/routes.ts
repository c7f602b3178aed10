/**
 * The dashboard's HTTP routes under `/quality-gates/`: thin handlers that check who may see what, read
 * the history, and hand plain data to the page functions. Public repositories are open to anyone;
 * a private one answers 404 (as GitHub does) unless the signed-in user can read it on GitHub; the
 * operator page only for `QG_ADMINS`. Every POST carries the session's CSRF token.
 * @module
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LRUCache } from 'lru-cache';
import { GATE_NAMES, type GateName, type Logger } from '../gates/types.js';
import { readBody } from '../http-body.js';
import type { HistoryStore, RepositoryInfo } from '../store/history.js';
import { BADGE_CACHE_CONTROL, renderBadge } from './badges.js';
import { adminsFrom, GitHubAuth, githubUrlsFrom, type GitHubUrls } from './github-auth.js';
import { html, raw, type SafeHtml } from './html.js';
import { page, STYLESHEET, type Viewer } from './layout.js';
import { commitPage } from './pages/commit.js';
import { filePage } from './pages/file.js';
import { homePage } from './pages/home.js';
import { operatorPage, type OperatorData } from './pages/operator.js';
import { RECENT_RUNS, repositoryPage, TREND_COMMITS } from './pages/repository.js';
import { DASHBOARD_PREFIX, dashboardPaths } from './paths.js';
import { sessionSecretFrom, SessionStore, type Session } from './session.js';

/** Largest form body read (a CSRF token and a few fields). */
export const MAX_FORM_BYTES = 4096;

/**
 * Rendered badges and public repository pages kept, keyed by the repository's latest run: a new run
 * changes the key, so nothing stale is served, and a README viewed often costs one indexed query.
 */
export const RENDER_CACHE_ENTRIES = 2_000;

/** How long GitHub's word that a repository is public is trusted. */
export const VISIBILITY_CACHE_MS = 5 * 60 * 1000;

/** Name of the cookie holding the sign-in's state while the user is at GitHub. */
export const OAUTH_STATE_COOKIE = 'qg_oauth';

/** What the dashboard needs. */
export interface DashboardDeps {
  /** The history. */
  history: HistoryStore;
  /** `QG_PUBLIC_URL`, `GITHUB_CLIENT_ID`, `GITHUB_CLIENT_SECRET`, `QG_ADMINS`, `QG_SESSION_SECRET`, `GHE_HOST`. */
  env: NodeJS.ProcessEnv;
  /** The operator page's live figures (queue, workers, sandbox). */
  operator(): Promise<Omit<OperatorData, 'lastHour' | 'failures' | 'now'>>;
  /**
   * Whether GitHub says the repository is private now (through the app's installation), or undefined
   * when it cannot tell. A repository recorded as public is shown only once this agrees, so one made
   * private is hidden without waiting for its next run.
   */
  isPrivateNow?(repository: RepositoryInfo): Promise<boolean | undefined>;
  /** Failures. */
  log: Logger;
  /** Clock (tests). */
  now?: () => number;
}

/** A Node request handler that returns true when it answered. */
export type DashboardHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
};

function csp(urls: GitHubUrls): string {
  // No script at all, no inline style: the stylesheet is the app's own file.
  return `default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self' ${urls.web}; frame-ancestors 'none'; base-uri 'none'`;
}

interface Request {
  req: IncomingMessage;
  res: ServerResponse;
  session: Session | undefined;
  viewer: Viewer;
}

/** Builds the dashboard's handler. */
export function createDashboard(deps: DashboardDeps): DashboardHandler {
  const { history, env, log } = deps;
  const now = deps.now ?? Date.now;
  const publicUrl = (env.QG_PUBLIC_URL ?? '').replace(/\/+$/, '');
  const urls = githubUrlsFrom(env);
  const sessions = new SessionStore(sessionSecretFrom(env), publicUrl.startsWith('https:'), now);
  const auth = env.GITHUB_CLIENT_ID && env.GITHUB_CLIENT_SECRET ? new GitHubAuth(urls, { id: env.GITHUB_CLIENT_ID, secret: env.GITHUB_CLIENT_SECRET }, now) : undefined;
  const admins = adminsFrom(env);
  const rendered = new LRUCache<string, string>({ max: RENDER_CACHE_ENTRIES });
  const visibility = new LRUCache<string, Promise<boolean | undefined>>({ max: RENDER_CACHE_ENTRIES, ttl: VISIBILITY_CACHE_MS, perf: { now } });

  /** The repository as recorded, made private when GitHub now says it is. */
  async function current(owner: string, repo: string): Promise<RepositoryInfo | undefined> {
    const info = history.repository(owner, repo);
    if (!info || info.private || !deps.isPrivateNow) return info;
    const key = `${owner}/${repo}`;
    let answer = visibility.get(key);
    if (answer === undefined) visibility.set(key, (answer = deps.isPrivateNow(info).catch(() => undefined)));
    if ((await answer) !== true) return info;
    history.setPrivate(owner, repo, true);
    log.info({ repository: key }, 'repository is private now: its dashboard is hidden from visitors without access');
    return { ...info, private: true };
  }
  const callbackUrl = (req: IncomingMessage) => `${publicUrl || `http://${req.headers.host ?? 'localhost'}`}${dashboardPaths.callback()}`;

  function send(r: Request, status: number, body: string, headers: Record<string, string | string[]> = {}): true {
    r.res.writeHead(status, { ...SECURITY_HEADERS, 'content-security-policy': csp(urls), 'content-type': 'text/html; charset=utf-8', ...headers }).end(body);
    return true;
  }
  const show = (r: Request, status: number, title: string, body: SafeHtml, shared: boolean) =>
    send(r, status, page(title, r.viewer, body), { 'cache-control': shared ? 'no-cache' : 'private, no-store' });
  const redirect = (r: Request, location: string, cookies: string[] = []) => send(r, 303, '', { location, 'cache-control': 'no-store', ...(cookies.length ? { 'set-cookie': cookies } : {}) });
  const notFound = (r: Request) =>
    show(r, 404, 'Not found', html`<h1>Not found</h1><p>There is no such page${r.session ? ' that you can see' : ''}.${!r.session && auth ? html` If it belongs to a private repository, <a href="${dashboardPaths.login()}">sign in with GitHub</a>.` : ''}</p>`, false);

  /** The repository, when the viewer may see it; with whether they may push. */
  async function visible(r: Request, owner: string, repo: string): Promise<{ info: RepositoryInfo; push: boolean } | undefined> {
    const info = await current(owner, repo);
    if (!info) return undefined;
    if (!info.private) return { info, push: false };
    if (!r.session || !auth) return undefined;
    const access = await auth.repositoryAccess(r.session.id, r.session.token, owner, repo);
    return access.read ? { info, push: access.push } : undefined;
  }

  async function form(r: Request): Promise<URLSearchParams | undefined> {
    const body = await readBody(r.req, MAX_FORM_BYTES);
    return body === undefined ? undefined : new URLSearchParams(body);
  }

  async function csrfOk(r: Request): Promise<boolean> {
    const fields = await form(r);
    return r.session !== undefined && sessions.verifyCsrf(r.session, fields?.get('csrf') ?? undefined);
  }

  async function badge(r: Request, owner: string, repo: string, gate: GateName, token: string | null): Promise<true> {
    const info = await current(owner, repo);
    let allowed = info !== undefined && !info.private;
    if (info?.private && token) {
      const expected = Buffer.from(history.badgeToken(owner, repo));
      const given = Buffer.from(token);
      allowed = expected.length === given.length && timingSafeEqual(expected, given);
    }
    const run = allowed ? history.defaultBranchRuns(owner, repo, 1)[0] : undefined;
    const key = `badge\n${gate}\n${run === undefined ? 'none' : `${owner}/${repo}#${String(run.id)}`}`;
    let svg = rendered.get(key);
    if (svg === undefined) rendered.set(key, (svg = renderBadge(gate, run)));
    r.res.writeHead(allowed ? 200 : 404, { 'content-type': 'image/svg+xml', 'cache-control': BADGE_CACHE_CONTROL, 'x-content-type-options': 'nosniff' }).end(svg);
    return true;
  }

  function signInStart(r: Request, returnTo: string | null): true {
    if (!auth) return show(r, 503, 'Sign-in unavailable', html`<h1>Sign-in is not configured</h1><p>Set <code>GITHUB_CLIENT_ID</code> and <code>GITHUB_CLIENT_SECRET</code> (the GitHub App's OAuth client) to let people sign in.</p>`, false);
    const state = randomBytes(18).toString('base64url');
    const back = returnTo?.startsWith(`${DASHBOARD_PREFIX}/`) && !returnTo.startsWith('//') ? returnTo : dashboardPaths.home();
    return redirect(r, auth.authorizeUrl(callbackUrl(r.req), state), [sessions.cookie(OAUTH_STATE_COOKIE, sessions.sign(`${state}|${back}`), 600)]);
  }

  async function signInDone(r: Request, query: URLSearchParams): Promise<true> {
    const stored = SessionStore.read(r.req.headers.cookie, OAUTH_STATE_COOKIE);
    const value = stored === undefined ? undefined : sessions.unsign(stored);
    const [state, back] = (value ?? '').split('|');
    const code = query.get('code');
    if (!auth || !value || !code || state !== query.get('state')) {
      return show(r, 400, 'Sign-in failed', html`<h1>Sign-in failed</h1><p>The sign-in expired or did not start here. <a href="${dashboardPaths.login()}">Sign in again</a>.</p>`, false);
    }
    try {
      const user = await auth.signIn(code, callbackUrl(r.req));
      const { cookie } = sessions.create(user.login, user.token);
      return redirect(r, back ?? dashboardPaths.home(), [cookie, sessions.cookie(OAUTH_STATE_COOKIE, '', 0)]);
    } catch (error) {
      log.warn({ err: error }, 'dashboard sign-in failed');
      return show(r, 502, 'Sign-in failed', html`<h1>Sign-in failed</h1><p>${error instanceof Error ? error.message : 'GitHub did not answer'}. <a href="${dashboardPaths.login()}">Sign in again</a>.</p>`, false);
    }
  }

  async function operator(r: Request): Promise<true> {
    if (!r.viewer.admin) return notFound(r);
    const at = now();
    const recent = history.runsSince(at - 24 * 3600 * 1000, 2_000);
    const live = await deps.operator();
    const data: OperatorData = {
      ...live,
      lastHour: recent.filter((run) => run.finishedAt >= at - 3600 * 1000),
      failures: recent.filter((run) => run.error !== undefined || run.gates.some((g) => g.conclusion === 'failure')).slice(0, 30),
      now: at,
    };
    return show(r, 200, 'Operator', operatorPage(data), false);
  }

  async function home(r: Request): Promise<true> {
    const all = history.repositories();
    const shown: RepositoryInfo[] = [];
    for (const info of all) {
      const seen = await visible(r, info.owner, info.repo);
      if (seen) shown.push(seen.info);
    }
    return show(r, 200, 'Repositories', homePage(shown, r.session !== undefined), r.session === undefined);
  }

  async function repository(r: Request, owner: string, repo: string, rest: string[]): Promise<true> {
    const seen = await visible(r, owner, repo);
    if (!seen) return notFound(r);
    const { info, push } = seen;
    const shared = !info.private;
    if (rest.length === 0) {
      // A public page's body is the same for everyone until the next run.
      const key = shared ? `page\n${owner}/${repo}\n${String(info.lastRunAt)}` : undefined;
      const cached = key === undefined ? undefined : rendered.get(key);
      if (cached !== undefined) return show(r, 200, `${owner}/${repo}`, raw(cached), shared);
      const body = repositoryPage({
        repository: info,
        defaultRuns: history.defaultBranchRuns(owner, repo, TREND_COMMITS),
        recentRuns: history.recentRuns(owner, repo, RECENT_RUNS),
        web: { url: urls.web },
        publicUrl: publicUrl || `http://${r.req.headers.host ?? 'localhost'}`,
        canManageBadges: push,
        ...(r.viewer.csrfToken ? { csrfToken: r.viewer.csrfToken } : {}),
      });
      if (key !== undefined) rendered.set(key, body.text);
      return show(r, 200, `${owner}/${repo}`, body, shared);
    }
    if (rest[0] === 'badge-token' && rest.length === 1 && r.req.method === 'POST') {
      if (!(await csrfOk(r))) return show(r, 403, 'Refused', html`<h1>Refused</h1><p>The form was stale or came from elsewhere (CSRF check). Reload the page and try again.</p>`, false);
      if (!info.private || !push) return notFound(r);
      const token = history.rotateBadgeToken(owner, repo);
      const base = publicUrl || `http://${r.req.headers.host ?? 'localhost'}`;
      const lines = GATE_NAMES.map((gate) => `![${gate}](${base}${dashboardPaths.badge(owner, repo, gate)}?token=${token})`);
      // Shown once, in the answer to this POST (never stored in a page anyone can open again).
      return show(r, 200, 'New badge URL', html`<h1>New badge URLs for ${owner}/${repo}</h1><p>Copy them now: they are not shown again, and the previous URLs no longer work.</p><pre class="snippet">${lines.join('\n')}</pre><p><a href="${dashboardPaths.repository(owner, repo)}">Back to the repository</a></p>`, false);
    }
    if (rest[0] !== 'commit' || rest[1] === undefined || r.req.method !== 'GET') return notFound(r);
    const run = history.commitRun(owner, repo, rest[1]);
    const detail = run ? history.detail(run.id) : undefined;
    if (!run || !detail) return notFound(r);
    if (rest.length === 2) return show(r, 200, `${owner}/${repo}@${run.sha.slice(0, 7)}`, commitPage({ run, detail, web: { url: urls.web } }), shared);
    if (rest[2] !== 'file' || rest.length < 4) return notFound(r);
    const file = rest.slice(3).join('/');
    const source = history.source(run.id, file);
    if (source === undefined) return notFound(r);
    const coverage = detail.files.find((f) => f.path === file);
    const body = filePage({ run, path: file, source, ...(coverage ? { coverage } : {}), findings: detail.findings.filter((f) => f.path === file) });
    return show(r, 200, file, body, shared);
  }

  async function route(r: Request, parts: string[], query: URLSearchParams): Promise<boolean> {
    const method = r.req.method ?? 'GET';
    const [first = '', ...rest] = parts;
    if (method === 'GET' && first === 'assets' && rest.join('/') === 'dashboard.css') {
      return send(r, 200, STYLESHEET, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=3600' });
    }
    const badgeMatch = first === 'badge' && rest.length === 3 ? /^(coverage|lint|docs)\.svg$/.exec(rest[2] ?? '') : null;
    if (method === 'GET' && badgeMatch) return badge(r, rest[0] ?? '', rest[1] ?? '', badgeMatch[1] as GateName, query.get('token'));
    if (method === 'GET' && first === 'login' && rest.length === 0) return signInStart(r, query.get('return_to'));
    if (method === 'GET' && first === 'auth' && rest[0] === 'callback') return signInDone(r, query);
    if (method === 'POST' && first === 'logout' && rest.length === 0) {
      if (!(await csrfOk(r))) return show(r, 403, 'Refused', html`<h1>Refused</h1><p>The form was stale or came from elsewhere (CSRF check).</p>`, false);
      return redirect(r, dashboardPaths.home(), [sessions.destroy(r.session)]);
    }
    if (method === 'GET' && first === 'operator' && rest.length === 0) return operator(r);
    if (method === 'GET' && first === '' && rest.length === 0) return home(r);
    if (first !== '' && rest.length >= 1 && (method === 'GET' || method === 'POST')) return repository(r, first, rest[0] ?? '', rest.slice(1));
    return notFound(r);
  }

  return async (req, res) => {
    const url = req.url ?? '/';
    if (url !== DASHBOARD_PREFIX && !url.startsWith(`${DASHBOARD_PREFIX}/`) && !url.startsWith(`${DASHBOARD_PREFIX}?`)) return false;
    const parsed = new URL(url, 'http://dashboard');
    let parts: string[];
    try {
      parts = parsed.pathname.slice(DASHBOARD_PREFIX.length + 1).split('/').map((p) => decodeURIComponent(p));
    } catch {
      parts = ['\0'];
    }
    if (parts.some((p) => p === '..' || p === '.')) parts = ['\0'];
    const session = sessions.fromCookieHeader(req.headers.cookie);
    const viewer: Viewer = {
      signInAvailable: auth !== undefined,
      ...(session ? { login: session.login, csrfToken: sessions.csrfToken(session), admin: admins.has(session.login.toLowerCase()) } : {}),
    };
    const r: Request = { req, res, session, viewer };
    if (parsed.pathname === DASHBOARD_PREFIX) return redirect(r, dashboardPaths.home());
    return route(r, parts, parsed.searchParams);
  };
}

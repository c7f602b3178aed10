/**
 * A local HTTP server that behaves like the parts of GitHub's REST API (under `/api/v3`, as on GitHub
 * Enterprise) the app calls: installation tokens, contents, tarballs (through a codeload-like redirect),
 * pull request files, check runs, branch protection and rules, git commits, deployments, and the app's
 * hook deliveries. It records every request and the state of every check run, and can fail a chosen
 * route once (fault injection).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';
import { tarballOf } from './tarball.js';

/** One recorded request. */
export interface RecordedRequest {
  method: string;
  path: string;
  body: unknown;
  status: number;
  at: number;
  /** The request's headers (lower-case names). */
  headers: IncomingMessage['headers'];
}

/** A check run as the fake keeps it. */
export interface FakeCheckRun {
  id: number;
  owner: string;
  repo: string;
  name: string;
  head_sha: string;
  external_id: string | null;
  status: string;
  conclusion: string | null;
  output: { title: string | null; summary: string | null; text: string | null };
  annotations: Record<string, unknown>[];
  /** Statuses in the order they were set. */
  history: string[];
  created_at: number;
}

/** A commit served by the fake: a folder on disk and its tree SHA. */
export interface FakeCommit {
  dir: string;
  tree: string;
}

interface Fault {
  method: string;
  pattern: RegExp;
  status: number;
  times: number;
  headers: Record<string, string>;
  message: string;
}

type Json = Record<string, unknown>;

const API = '/api/v3';

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): number {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(body === undefined ? '' : JSON.stringify(body));
  return status;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text === '' ? undefined : (JSON.parse(text) as unknown);
}

/** The fake GitHub. Create with {@link startFakeGitHub}. */
export class FakeGitHub {
  readonly requests: RecordedRequest[] = [];
  readonly checkRuns = new Map<number, FakeCheckRun>();
  readonly commits = new Map<string, FakeCommit>();
  /** `owner/repo@branch:path` → file text. */
  readonly files = new Map<string, string>();
  /** `owner/repo#number` → files. */
  readonly pullFiles = new Map<string, { filename: string; patch?: string }[]>();
  /** Open pull requests by `owner/repo`: number and head sha (for "pull requests of a commit"). */
  readonly openPulls = new Map<string, { number: number; headSha: string }[]>();
  /** `owner/repo@branch` → required contexts (absent: not protected, 404). 'forbidden' answers 403. */
  readonly protection = new Map<string, string[] | 'forbidden'>();
  readonly deployments: Json[] = [];
  readonly deploymentStatuses: Json[] = [];
  readonly hookDeliveries: Json[] = [];
  readonly redelivered: number[] = [];
  /** OAuth: the user GitHub signs in next (the fake's authorize page approves at once), by login. */
  oauthLogin: string | undefined;
  /** OAuth: the client the app must present. */
  readonly oauthClient = { id: 'Iv1.fakeclient', secret: 'fake-client-secret' };
  /** OAuth: codes handed out and not yet traded, code → login. */
  private readonly oauthCodes = new Map<string, string>();
  /** User tokens → login. */
  readonly userTokens = new Map<string, string>();
  /** `owner/repo` → private, as the installation sees it (`GET /repos/{owner}/{repo}`); unlisted ones are public. */
  readonly visibility = new Map<string, boolean>();
  /** `login` → `owner/repo` → whether they may push; a repository not listed is invisible to them (404). */
  readonly userAccess = new Map<string, Map<string, { push: boolean }>>();
  private readonly faults: Fault[] = [];
  private nextId = 1000;
  server!: Server;
  port = 0;

  /** `host:port`, for GHE_HOST. */
  get host(): string {
    return `127.0.0.1:${String(this.port)}`;
  }

  /** Serves `dir` as commit `sha` (tree SHA derived from the sha unless given). */
  addCommit(sha: string, dir: string, tree = createHash('sha1').update(`tree:${sha}`).digest('hex')): void {
    this.commits.set(sha, { dir, tree });
  }

  /** Sets a file on a branch (the config on the default branch). */
  setFile(owner: string, repo: string, branch: string, path: string, text: string): void {
    this.files.set(`${owner}/${repo}@${branch}:${path}`, text);
  }

  /** Fails the next `times` requests matching method and path with `status` (and GitHub's rate-limit headers, say). */
  failOnce(method: string, pattern: RegExp, status = 500, times = 1, headers: Record<string, string> = {}, message = 'injected fault'): void {
    this.faults.push({ method, pattern, status, times, headers, message });
  }

  /** Lets `login` read `owner/repo` through a user token (and push when `push`). */
  grantAccess(login: string, owner: string, repo: string, push = false): void {
    const repos = this.userAccess.get(login) ?? new Map<string, { push: boolean }>();
    repos.set(`${owner}/${repo}`, { push });
    this.userAccess.set(login, repos);
  }

  /** Check runs of a commit, oldest first. */
  runsFor(sha: string): FakeCheckRun[] {
    return [...this.checkRuns.values()].filter((run) => run.head_sha === sha).sort((a, b) => a.id - b.id);
  }

  /** Requests whose method and path match. */
  requestsTo(method: string, pattern: RegExp): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && pattern.test(r.path));
  }

  /** Stops the server. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  /** Routes one request; returns the status sent. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<number> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    const path = url.pathname.startsWith(API) ? url.pathname.slice(API.length) : url.pathname;
    const body = method === 'GET' || method === 'HEAD' ? undefined : await readJson(req);
    const fault = this.faults.find((f) => f.times > 0 && f.method === method && f.pattern.test(path));
    let status: number;
    if (fault) {
      fault.times -= 1;
      status = send(res, fault.status, { message: fault.message }, fault.headers);
    } else {
      status = await this.route(method, path, url.searchParams, body as Json | undefined, req, res);
    }
    this.requests.push({ method, path, body, status, at: Date.now(), headers: req.headers });
    return status;
  }

  /** GitHub's web sign-in: approves at once as `oauthLogin`, trades codes for tokens, says who a token is. */
  private oauthRoute(method: string, path: string, query: URLSearchParams, body: Json | undefined, req: IncomingMessage, res: ServerResponse): number | undefined {
    if (method === 'GET' && path === '/login/oauth/authorize') {
      const redirect = query.get('redirect_uri');
      if (query.get('client_id') !== this.oauthClient.id || !redirect || this.oauthLogin === undefined) return send(res, 400, { message: 'unknown client, no redirect_uri, or nobody to sign in' });
      const code = `code-${String(this.nextId++)}`;
      this.oauthCodes.set(code, this.oauthLogin);
      const back = new URL(redirect);
      back.searchParams.set('code', code);
      back.searchParams.set('state', query.get('state') ?? '');
      res.writeHead(302, { location: back.toString() }).end();
      return 302;
    }
    if (method === 'POST' && path === '/login/oauth/access_token') {
      const login = this.oauthCodes.get(String(body?.code));
      if (body?.client_id !== this.oauthClient.id || body.client_secret !== this.oauthClient.secret || login === undefined) {
        return send(res, 200, { error: 'bad_verification_code', error_description: 'The code passed is incorrect or expired.' });
      }
      this.oauthCodes.delete(String(body.code));
      const token = `ghu_fake_${String(this.nextId++)}`;
      this.userTokens.set(token, login);
      return send(res, 200, { access_token: token, token_type: 'bearer', scope: '' });
    }
    const login = this.userTokens.get((req.headers.authorization ?? '').replace(/^(Bearer|token) /i, ''));
    if (method === 'GET' && path === '/user') return login === undefined ? send(res, 401, { message: 'Bad credentials' }) : send(res, 200, { login, id: 1 });
    const m = /^\/repos\/([^/]+)\/([^/]+)$/.exec(path);
    if (method === 'GET' && m && login !== undefined) {
      const access = this.userAccess.get(login)?.get(`${m[1] ?? ''}/${m[2] ?? ''}`);
      if (access === undefined) return send(res, 404, { message: 'Not Found' });
      return send(res, 200, { name: m[2], full_name: `${m[1] ?? ''}/${m[2] ?? ''}`, private: true, permissions: { pull: true, push: access.push, admin: false } });
    }
    if (method === 'GET' && m) return send(res, 200, { name: m[2], full_name: `${m[1] ?? ''}/${m[2] ?? ''}`, private: this.visibility.get(`${m[1] ?? ''}/${m[2] ?? ''}`) ?? false });
    return undefined;
  }

  private route(method: string, path: string, query: URLSearchParams, body: Json | undefined, req: IncomingMessage, res: ServerResponse): number | Promise<number> {
    const oauth = this.oauthRoute(method, path, query, body, req, res);
    if (oauth !== undefined) return oauth;
    let m: RegExpMatchArray | null;
    if (method === 'POST' && (m = /^\/app\/installations\/(\d+)\/access_tokens$/.exec(path))) {
      return send(res, 201, { token: `ghs_fake_${m[1] ?? ''}`, expires_at: new Date(Date.now() + 3600_000).toISOString(), permissions: {}, repository_selection: 'all' });
    }
    if (method === 'GET' && /^\/repos\/[^/]+\/[^/]+\/installation$/.test(path)) return send(res, 200, { id: 1 });
    if (method === 'GET' && path === '/app/hook/deliveries') return send(res, 200, this.hookDeliveries);
    if (method === 'POST' && (m = /^\/app\/hook\/deliveries\/(\d+)\/attempts$/.exec(path))) {
      this.redelivered.push(Number(m[1]));
      return send(res, 202, {});
    }
    if ((m = /^\/repos\/([^/]+)\/([^/]+)\/(.+)$/.exec(path))) {
      const [, owner = '', repo = '', rest = ''] = m;
      return this.repoRoute(method, owner, repo, rest, query, body, req, res);
    }
    if (method === 'GET' && (m = /^\/_codeload\/([^/]+)\/([^/]+)\/([0-9a-f]+)$/.exec(path))) return this.tarball(m[1] ?? '', m[2] ?? '', m[3] ?? '', res);
    return send(res, 404, { message: `Not Found (fake has no route for ${method} ${path})` });
  }

  private repoRoute(method: string, owner: string, repo: string, rest: string, query: URLSearchParams, body: Json | undefined, req: IncomingMessage, res: ServerResponse): number | Promise<number> {
    let m: RegExpMatchArray | null;
    if (method === 'GET' && (m = /^contents\/(.+)$/.exec(rest))) {
      const text = this.files.get(`${owner}/${repo}@${query.get('ref') ?? 'main'}:${decodeURIComponent(m[1] ?? '')}`);
      if (text === undefined) return send(res, 404, { message: 'Not Found' });
      if ((req.headers.accept ?? '').includes('raw')) {
        res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(text);
        return 200;
      }
      return send(res, 200, { type: 'file', encoding: 'base64', content: Buffer.from(text).toString('base64'), path: m[1] });
    }
    if (method === 'GET' && (m = /^tarball\/([0-9a-f]+)$/.exec(rest))) {
      res.writeHead(302, { location: `http://${this.host}/_codeload/${owner}/${repo}/${m[1] ?? ''}` }).end();
      return 302;
    }
    if (method === 'GET' && (m = /^git\/commits\/([0-9a-f]+)$/.exec(rest))) {
      const commit = this.commits.get(m[1] ?? '');
      return commit ? send(res, 200, { sha: m[1], tree: { sha: commit.tree } }) : send(res, 404, { message: 'Not Found' });
    }
    if (method === 'GET' && (m = /^commits\/([0-9a-f]+)\/pulls$/.exec(rest))) {
      const sha = m[1] ?? '';
      const pulls = (this.openPulls.get(`${owner}/${repo}`) ?? []).filter((pr) => pr.headSha === sha);
      return send(res, 200, pulls.map((pr) => ({ number: pr.number, state: 'open', head: { sha: pr.headSha }, base: { repo: { full_name: `${owner}/${repo}` } } })));
    }
    if (method === 'GET' && (m = /^pulls\/(\d+)\/files$/.exec(rest))) {
      const files = this.pullFiles.get(`${owner}/${repo}#${m[1] ?? ''}`) ?? [];
      const perPage = Number(query.get('per_page') ?? 30);
      const page = Number(query.get('page') ?? 1);
      const slice = files.slice((page - 1) * perPage, page * perPage);
      const more = page * perPage < files.length;
      const link: Record<string, string> = more ? { link: `<http://${this.host}${API}/repos/${owner}/${repo}/pulls/${m[1] ?? ''}/files?per_page=${String(perPage)}&page=${String(page + 1)}>; rel="next"` } : {};
      return send(res, 200, slice, link);
    }
    if (method === 'POST' && rest === 'check-runs') return send(res, 201, this.createRun(owner, repo, body ?? {}));
    if (method === 'PATCH' && (m = /^check-runs\/(\d+)$/.exec(rest))) {
      const run = this.checkRuns.get(Number(m[1]));
      if (!run) return send(res, 404, { message: 'Not Found' });
      this.updateRun(run, body ?? {});
      return send(res, 200, this.view(run));
    }
    if (method === 'GET' && (m = /^commits\/([^/]+)\/check-runs$/.exec(rest))) {
      let runs = this.runsFor(m[1] ?? '').filter((r) => r.owner === owner && r.repo === repo).reverse();
      const name = query.get('check_name');
      if (name) runs = runs.filter((r) => r.name === name);
      const status = query.get('status');
      if (status) runs = runs.filter((r) => r.status === status);
      return send(res, 200, { total_count: runs.length, check_runs: runs.map((r) => this.view(r)) });
    }
    if (method === 'GET' && (m = /^branches\/([^/]+)\/protection\/required_status_checks$/.exec(rest))) {
      const contexts = this.protection.get(`${owner}/${repo}@${m[1] ?? ''}`);
      if (contexts === 'forbidden') return send(res, 403, { message: 'Resource not accessible by integration' });
      if (contexts === undefined) return send(res, 404, { message: 'Branch not protected' });
      return send(res, 200, { strict: false, contexts, checks: contexts.map((context) => ({ context, app_id: 1 })) });
    }
    if (method === 'GET' && /^rules\/branches\/[^/]+$/.test(rest)) return send(res, 200, []);
    if (method === 'POST' && rest === 'deployments') {
      const deployment = { id: this.nextId++, ...body };
      this.deployments.push(deployment);
      return send(res, 201, deployment);
    }
    if (method === 'POST' && (m = /^deployments\/(\d+)\/statuses$/.exec(rest))) {
      const status = { id: this.nextId++, deployment_id: Number(m[1]), ...body };
      this.deploymentStatuses.push(status);
      return send(res, 201, status);
    }
    return send(res, 404, { message: `Not Found (fake has no route for ${method} /repos/${owner}/${repo}/${rest})` });
  }

  private createRun(owner: string, repo: string, body: Json): Json {
    const run: FakeCheckRun = {
      id: this.nextId++,
      owner,
      repo,
      name: String(body.name),
      head_sha: String(body.head_sha),
      external_id: typeof body.external_id === 'string' ? body.external_id : null,
      status: typeof body.status === 'string' ? body.status : 'queued',
      conclusion: null,
      output: { title: null, summary: null, text: null },
      annotations: [],
      history: [],
      created_at: Date.now(),
    };
    this.checkRuns.set(run.id, run);
    this.updateRun(run, body);
    return this.view(run);
  }

  private updateRun(run: FakeCheckRun, body: Json): void {
    if (typeof body.status === 'string') {
      run.status = body.status;
      run.history.push(body.status);
    }
    if (typeof body.conclusion === 'string') {
      run.conclusion = body.conclusion;
      run.status = 'completed';
      if (run.history.at(-1) !== 'completed') run.history.push('completed');
    }
    const output = body.output as Json | undefined;
    if (output) {
      run.output = {
        title: typeof output.title === 'string' ? output.title : run.output.title,
        summary: typeof output.summary === 'string' ? output.summary : run.output.summary,
        text: typeof output.text === 'string' ? output.text : run.output.text,
      };
      const annotations = output.annotations as Json[] | undefined;
      if (annotations) {
        if (annotations.length > 50) throw new Error('more than 50 annotations in one request');
        run.annotations.push(...annotations);
      }
    }
  }

  private view(run: FakeCheckRun): Json {
    return {
      id: run.id,
      name: run.name,
      head_sha: run.head_sha,
      external_id: run.external_id,
      status: run.status,
      conclusion: run.conclusion,
      started_at: new Date(run.created_at).toISOString(),
      output: { ...run.output, annotations_count: run.annotations.length },
      app: { id: 1 },
      pull_requests: [],
    };
  }

  private async tarball(owner: string, repo: string, sha: string, res: ServerResponse): Promise<number> {
    const commit = this.commits.get(sha);
    if (!commit) return send(res, 404, { message: 'Not Found' });
    res.writeHead(200, { 'content-type': 'application/x-gzip' });
    await tarballOf(commit.dir, `${owner}-${repo}-${sha.slice(0, 7)}`, res);
    return 200;
  }
}

/** Starts a fake GitHub on a free loopback port. */
export async function startFakeGitHub(): Promise<FakeGitHub> {
  const fake = new FakeGitHub();
  fake.server = createServer((req, res) => {
    fake.handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, { message: String(error) });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
  fake.port = (fake.server.address() as AddressInfo).port;
  return fake;
}

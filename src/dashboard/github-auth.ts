/**
 * "Sign in with GitHub" with the GitHub App's own OAuth client (`GITHUB_CLIENT_ID`,
 * `GITHUB_CLIENT_SECRET`, which the manifest flow writes to `.env`), and the question every private
 * page asks: may this user read this repository? GitHub answers it (`GET /repos/{owner}/{repo}` with
 * the user's token: a user token of a GitHub App sees what both the user and the installation may),
 * and the answer is kept for {@link ACCESS_CACHE_MS}, so a page view costs no request most of the time.
 * @module
 */
import { LRUCache } from 'lru-cache';

/** How long GitHub's answer about a user's access is trusted. */
export const ACCESS_CACHE_MS = 60_000;

/** Answers kept at most; the oldest go first. */
export const MAX_ACCESS_ENTRIES = 10_000;

/** How long a request to GitHub may take before the page gives up (and refuses). */
export const GITHUB_TIMEOUT_MS = 10_000;

/** Where GitHub is. */
export interface GitHubUrls {
  /** Web pages and OAuth (`https://github.com`). */
  web: string;
  /** REST API (`https://api.github.com`). */
  api: string;
}

/**
 * GitHub's URLs: github.com, or the Enterprise host of `GHE_HOST`/`GHE_PROTOCOL` (the same variables
 * Probot reads for the API).
 * @param env Process environment.
 */
export function githubUrlsFrom(env: NodeJS.ProcessEnv): GitHubUrls {
  if (!env.GHE_HOST) return { web: 'https://github.com', api: 'https://api.github.com' };
  const web = `${env.GHE_PROTOCOL ?? 'https'}://${env.GHE_HOST}`;
  return { web, api: `${web}/api/v3` };
}

/** What a user may do with a repository. */
export interface RepositoryAccess {
  /** May read it (see its dashboard). */
  read: boolean;
  /** May push to it (create badge URLs). */
  push: boolean;
}

const NO_ACCESS: RepositoryAccess = { read: false, push: false };

/** OAuth and access checks against one GitHub. */
export class GitHubAuth {
  private readonly access: LRUCache<string, RepositoryAccess>;

  /**
   * @param urls Where GitHub is.
   * @param client The App's OAuth client id and secret.
   * @param now Clock (tests).
   */
  constructor(
    readonly urls: GitHubUrls,
    private readonly client: { id: string; secret: string },
    now: () => number = Date.now,
  ) {
    this.access = new LRUCache({ max: MAX_ACCESS_ENTRIES, ttl: ACCESS_CACHE_MS, perf: { now } });
  }

  /** GitHub's authorization page for this sign-in. */
  authorizeUrl(redirectUri: string, state: string): string {
    const url = new URL('/login/oauth/authorize', this.urls.web);
    url.searchParams.set('client_id', this.client.id);
    url.searchParams.set('redirect_uri', redirectUri);
    url.searchParams.set('state', state);
    return url.toString();
  }

  /** Trades the code GitHub sent back for the user's token and login. */
  async signIn(code: string, redirectUri: string): Promise<{ login: string; token: string }> {
    const response = await fetch(new URL('/login/oauth/access_token', this.urls.web), {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: this.client.id, client_secret: this.client.secret, code, redirect_uri: redirectUri }),
      signal: AbortSignal.timeout(GITHUB_TIMEOUT_MS),
    });
    const body = (await response.json().catch(() => ({}))) as { access_token?: unknown; error?: unknown; error_description?: unknown };
    if (!response.ok || typeof body.access_token !== 'string') {
      throw new Error(`GitHub refused the sign-in (${String(body.error_description ?? body.error ?? response.status)}): try again`);
    }
    const user = await this.get('/user', body.access_token);
    const login = (user.body as { login?: unknown } | undefined)?.login;
    if (user.status !== 200 || typeof login !== 'string') throw new Error(`GitHub did not say who signed in (status ${String(user.status)}): try again`);
    return { login, token: body.access_token };
  }

  /**
   * What the user may do with the repository, from GitHub or the cache. A GitHub failure refuses
   * (and is not cached): a private page is never shown on a guess.
   * @param sessionId Cache key of the user.
   * @param token The user's token.
   */
  async repositoryAccess(sessionId: string, token: string, owner: string, repo: string): Promise<RepositoryAccess> {
    const key = `${sessionId}\n${owner}/${repo}`.toLowerCase();
    const cached = this.access.get(key);
    if (cached) return cached;
    const { status, body } = await this.get(`/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`, token).catch(() => ({ status: 0, body: undefined }));
    if (status !== 200 && status !== 404 && status !== 403) return NO_ACCESS;
    const permissions = (body as { permissions?: { pull?: boolean; push?: boolean } } | undefined)?.permissions;
    const answer: RepositoryAccess = status === 200 ? { read: permissions?.pull ?? true, push: permissions?.push ?? false } : NO_ACCESS;
    this.access.set(key, answer);
    return answer;
  }

  private async get(path: string, token: string): Promise<{ status: number; body: unknown }> {
    const response = await fetch(`${this.urls.api}${path}`, {
      headers: { accept: 'application/vnd.github+json', authorization: `Bearer ${token}`, 'user-agent': 'quality-gates-dashboard' },
      signal: AbortSignal.timeout(GITHUB_TIMEOUT_MS),
    });
    return { status: response.status, body: (await response.json().catch(() => undefined)) as unknown };
  }
}

/**
 * The logins of `QG_ADMINS` (comma or space separated), lower-cased: GitHub logins ignore case.
 * @param env Process environment.
 */
export function adminsFrom(env: NodeJS.ProcessEnv): Set<string> {
  return new Set((env.QG_ADMINS ?? '').split(/[\s,]+/).filter(Boolean).map((login) => login.toLowerCase()));
}

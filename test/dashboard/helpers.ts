/** A dashboard served on a free port over a temporary history, against the fake GitHub, and a cookie-keeping client. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { openDatabase } from '../../src/store/database.js';
import { sqliteHistoryStore } from '../../src/store/history-sqlite.js';
import type { HistoryStore, RepositoryInfo } from '../../src/store/history.js';
import { createDashboard } from '../../src/dashboard/routes.js';
import type { OperatorData } from '../../src/dashboard/pages/operator.js';
import type { FakeGitHub } from '../support/fake-github.js';
import { tempDir } from '../queue/support/helpers.js';

/** The served dashboard. */
export interface ServedDashboard {
  url: string;
  history: HistoryStore;
  close(): Promise<void>;
}

/** Starts the dashboard. */
export async function serveDashboard(
  github: FakeGitHub,
  env: NodeJS.ProcessEnv = {},
  live: Partial<Omit<OperatorData, 'lastHour' | 'failures' | 'now'>> = {},
  isPrivateNow?: (repository: RepositoryInfo) => Promise<boolean | undefined>,
): Promise<ServedDashboard> {
  const history = sqliteHistoryStore(openDatabase(tempDir()));
  let handler: ReturnType<typeof createDashboard> = () => Promise.resolve(false);
  const server: Server = createServer((req, res) => {
    void handler(req, res).then((answered) => answered || res.writeHead(404).end('not the dashboard'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  handler = createDashboard({
    history,
    env: { QG_PUBLIC_URL: `${url}/`, GHE_HOST: github.host, GHE_PROTOCOL: 'http', GITHUB_CLIENT_ID: github.oauthClient.id, GITHUB_CLIENT_SECRET: github.oauthClient.secret, QG_SESSION_SECRET: 'test-secret', ...env },
    log: { info: () => undefined, warn: () => undefined, debug: () => undefined },
    operator: () => Promise.resolve({ counts: { queued: 2, running: 1 }, running: [], version: '0.1.0', backend: 'sqlite', sandbox: { available: true, mode: 'bubblewrap' }, ...live }),
    ...(isPrivateNow ? { isPrivateNow } : {}),
  });
  return { url, history, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** A browser-like client: keeps cookies, follows redirects by hand. */
export class Client {
  private readonly cookies = new Map<string, string>();

  /** @param base The dashboard's URL. */
  constructor(private readonly base: string) {}

  /** One request; cookies sent and kept. */
  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const url = path.startsWith('http') ? path : `${this.base}${path}`;
    const cookie = [...this.cookies.entries()].map(([k, v]) => `${k}=${v}`).join('; ');
    const response = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string> | undefined), ...(cookie ? { cookie } : {}) } });
    for (const header of response.headers.getSetCookie()) {
      const [pair = ''] = header.split(';');
      const [name = '', value = ''] = pair.split('=');
      if (value === '' || /max-age=0/i.test(header)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }

  /** Follows redirects until a page answers. */
  async follow(path: string, init: RequestInit = {}): Promise<Response> {
    let response = await this.request(path, init);
    for (let hops = 0; hops < 5 && response.status >= 300 && response.status < 400; hops++) {
      response = await this.request(response.headers.get('location') ?? '/');
    }
    return response;
  }

  /** A cookie's value. */
  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  /** POSTs a form. */
  post(path: string, fields: Record<string, string>): Promise<Response> {
    return this.request(path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
  }
}

/** The CSRF token of the first form on a page. */
export function csrfOf(page: string): string {
  return /name="csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
}

/** Count of a substring. */
export function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

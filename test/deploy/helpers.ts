// Shared by the deploy tests: local HTTP servers standing in for Docker Hub, a receiver and the app's
// callback; a recording stand-in for GitHub's Deployments API (GitHub is what we fake); the real
// SQLite ledger; a logger that keeps its lines so tests can search them for secrets.
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase, type StoreDatabase } from '../../src/store/database.js';
import { sqliteOnceLedger } from '../../src/store/sqlite.js';
import type { OnceLedger } from '../../src/store/types.js';
import type { DeploymentsApi, Logger } from '../../src/deploy/types.js';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** How the stub answers one request: a status (and body/headers), or never. */
export type StubAnswer = { status: number; body?: string; headers?: Record<string, string> } | 'hang';

export interface Stub {
  url: string;
  requests: RecordedRequest[];
  /** Resolves when `n` requests have arrived. */
  received(n: number): Promise<void>;
  close(): Promise<void>;
}

/** A server answering with `answers` in turn (the last one repeats). */
export async function startStub(answers: StubAnswer[] | ((req: RecordedRequest) => StubAnswer), pathName = '/'): Promise<Stub> {
  const requests: RecordedRequest[] = [];
  const hanging: ServerResponse[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const recorded = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(recorded);
      for (const w of waiters.filter((w) => requests.length >= w.n)) w.resolve();
      const answer = typeof answers === 'function' ? answers(recorded) : (answers[requests.length - 1] ?? answers[answers.length - 1] ?? { status: 200 });
      if (answer === 'hang') {
        hanging.push(res);
        return;
      }
      res.writeHead(answer.status, answer.headers ?? {}).end(answer.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}${pathName}`,
    requests,
    received: (n) => (requests.length >= n ? Promise.resolve() : new Promise((resolve) => waiters.push({ n, resolve }))),
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Records every Deployments API call; ids count from 1000. */
export class RecordingDeployments implements DeploymentsApi {
  readonly deployments: Parameters<DeploymentsApi['createDeployment']>[0][] = [];
  readonly statuses: Parameters<DeploymentsApi['createDeploymentStatus']>[0][] = [];
  failCreate: Error | undefined;

  createDeployment(params: Parameters<DeploymentsApi['createDeployment']>[0]): Promise<number> {
    if (this.failCreate) return Promise.reject(this.failCreate);
    this.deployments.push(params);
    return Promise.resolve(999 + this.deployments.length);
  }

  createDeploymentStatus(params: Parameters<DeploymentsApi['createDeploymentStatus']>[0]): Promise<void> {
    this.statuses.push(params);
    return Promise.resolve();
  }

  /** The states a Deployment went through. */
  statesOf(id: number): string[] {
    return this.statuses.filter((s) => s.deployment_id === id).map((s) => s.state);
  }
}

/** A logger that keeps what it was given. */
export function recordingLogger(): Logger & { lines: { level: string; obj: object; msg?: string }[]; text(): string } {
  const lines: { level: string; obj: object; msg?: string }[] = [];
  const at = (level: string) => (obj: object, msg?: string) => {
    lines.push({ level, obj, ...(msg !== undefined ? { msg } : {}) });
  };
  return { lines, info: at('info'), warn: at('warn'), debug: at('debug'), text: () => JSON.stringify(lines) };
}

/** A temporary directory, removed by the returned function. */
export function tempDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'qg-deploy-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The real SQLite once-ledger on a fresh file. */
export function sqliteLedger(dir: string): { ledger: OnceLedger; db: StoreDatabase; close(): void } {
  const db = openDatabase(dir);
  return { ledger: sqliteOnceLedger(db), db, close: () => db.close() };
}

export const SHA = 'a'.repeat(40);
export const TREE = 'b'.repeat(40);

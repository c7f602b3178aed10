import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRoutes, type HealthReport } from '../../src/app/routes.js';
import { AGENT_CALLBACK_PATH } from '../../src/deploy/callback.js';
import { CONFIG_DOCS_PATH } from '../../src/pipeline/report.js';

const silent = { info: () => undefined, warn: () => undefined, debug: () => undefined };
let healthy = true;
let server: Server;
let base: string;

beforeAll(async () => {
  const routes = createRoutes({
    health: async (): Promise<HealthReport> => ({
      status: healthy ? 'ok' : 'unavailable',
      store: { backend: 'sqlite', healthy },
      sandbox: { available: true, mode: 'bubblewrap' },
    }),
    metrics: async () => ({ contentType: 'text/plain; version=0.0.4', body: 'qg_jobs 1\n' }),
    configDocs: async () => '# Configuration\n',
    log: silent,
  });
  server = createServer((req, res) => {
    void routes(req, res).then((answered) => {
      if (!answered) res.writeHead(404).end('next handler');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe('the app routes', () => {
  it('answers the health check 200 while the store answers, 503 when it does not', async () => {
    healthy = true;
    const ok = await fetch(`${base}/healthz`);
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as HealthReport).store.healthy).toBe(true);
    healthy = false;
    expect((await fetch(`${base}/healthz`)).status).toBe(503);
    healthy = true;
  });

  it('serves Prometheus metrics with their content type', async () => {
    const res = await fetch(`${base}/metrics`);
    expect(res.headers.get('content-type')).toContain('version=0.0.4');
    expect(await res.text()).toBe('qg_jobs 1\n');
  });

  it('serves the configuration reference the summaries link to', async () => {
    const res = await fetch(`${base}${CONFIG_DOCS_PATH}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/markdown');
    expect(await res.text()).toBe('# Configuration\n');
  });

  it('refuses deploy callbacks when no callback secret is configured, and other methods', async () => {
    expect((await fetch(`${base}${AGENT_CALLBACK_PATH}`)).status).toBe(405);
    expect((await fetch(`${base}${AGENT_CALLBACK_PATH}`, { method: 'POST', body: '{}' })).status).toBe(404);
  });

  it('leaves other paths to the next handler', async () => {
    const res = await fetch(`${base}/somewhere-else`);
    expect(await res.text()).toBe('next handler');
  });
});

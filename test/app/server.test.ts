import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startServer, portFrom, type RunningServer } from '../../src/app/server.js';
import { SETUP_HEALTH } from '../../src/app/setup-server.js';
import { AGENT_CALLBACK_PATH } from '../../src/deploy/types.js';
import { signedHeaders } from '../../src/deploy/signature.js';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github.js';
import { throwawayKey, WEBHOOK_SECRET } from '../support/app-process.js';
import { deliver, pullRequestPayload } from '../support/webhooks.js';
import { allCompleted, fixture, serveRepo, waitForRuns } from '../e2e/helpers.js';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address ? address.port : 0;
}

describe('startServer', () => {
  let github: FakeGitHub;
  let dataDir: string;
  let server: RunningServer;
  let url: string;
  beforeAll(async () => {
    github = await startFakeGitHub();
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'qg-server-'));
    server = await startServer({
      APP_ID: '1',
      PRIVATE_KEY: throwawayKey(),
      WEBHOOK_SECRET,
      GHE_HOST: github.host,
      GHE_PROTOCOL: 'http',
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      QG_WORK_DIR: path.join(os.tmpdir(), `qg-server-work-${path.basename(dataDir)}`),
      QG_CONCURRENCY: '1',
      QG_POLL_MS: '50',
      LOG_LEVEL: 'silent',
      DEPLOY_WEBHOOK_SECRET: 'agent-secret',
    });
    url = `http://127.0.0.1:${String(server.port)}`;
  });
  afterAll(async () => {
    await server.close();
    await github.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('runs a pull request through the in-process workers to completed checks', async () => {
    const sha = 'c'.repeat(40);
    await serveRepo(github, 'inproc', sha, fixture('js-pass'), 'coverage:\n  enabled: false\ndocs:\n  enabled: false\n');
    const payload = pullRequestPayload({ owner: 'octo-org', repo: 'inproc', number: 1, sha, baseSha: 'd'.repeat(40) });
    expect((await deliver(url, 'pull_request', payload, WEBHOOK_SECRET)).status).toBe(200);
    const runs = await waitForRuns(github, sha, allCompleted(3));
    expect(runs.map((r) => r.conclusion)).toEqual(['success', 'skipped', 'skipped']);
  });

  it('reports the store and the sandbox on /healthz and job figures on /metrics', async () => {
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    const report = (await health.json()) as { status: string; store: { backend: string; healthy: boolean }; sandbox: { available: boolean } };
    expect(report.store).toEqual({ backend: 'sqlite', healthy: true });
    expect(typeof report.sandbox.available).toBe('boolean');
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toContain('quality_gates_jobs{state="done"}');
    expect(metrics).toContain('quality_gates_webhook_ack_seconds_count{event="pull_request",status="200"} 1');
  });

  it('answers 404 on unknown paths', async () => {
    expect((await fetch(`${url}/nothing-here`)).status).toBe(404);
  });

  it('marks the GitHub Deployment when the deploy agent reports back, and refuses a forged report', async () => {
    const body = JSON.stringify({ delivery_id: 'dl-1', timestamp: Math.floor(Date.now() / 1000), repository: 'octo-org/inproc', deployment_id: 77, sha: 'c'.repeat(40), environment: 'production', status: 'success', exit_code: 0, duration_ms: 1200, finished_at_ms: Date.now(), output_tail: '' });
    const ok = await fetch(`${url}${AGENT_CALLBACK_PATH}`, { method: 'POST', headers: signedHeaders(body, 'agent-secret', 'dl-1', Math.floor(Date.now() / 1000)), body });
    expect(ok.status).toBe(200);
    expect(github.deploymentStatuses.at(-1)).toMatchObject({ deployment_id: 77, state: 'success' });
    const forged = await fetch(`${url}${AGENT_CALLBACK_PATH}`, { method: 'POST', headers: signedHeaders(body, 'wrong', 'dl-2', Math.floor(Date.now() / 1000)), body });
    expect(forged.status).toBe(401);
    expect((await fetch(`${url}${AGENT_CALLBACK_PATH}`)).status).toBe(405);
  });

  it('asks the delivery log for missed webhooks on start', () => {
    expect(github.requestsTo('GET', /^\/app\/hook\/deliveries$/)).toHaveLength(1);
  });
});

describe('startServer without credentials', () => {
  it("starts Probot's setup flow, whose page offers to register the app", async () => {
    const port = await freePort();
    const dir = await mkdtemp(path.join(os.tmpdir(), 'qg-setup-'));
    // Probot's setup reads this from the process environment: without it, it asks smee.io for a channel.
    process.env.NO_SMEE_SETUP = 'true';
    const setup = await startServer({ PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'silent', NODE_ENV: 'development', NO_SMEE_SETUP: 'true' });
    try {
      const page = await fetch(`http://127.0.0.1:${String(port)}/probot`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('Register GitHub App');
      // A container's HEALTHCHECK must not kill the first run while the operator registers the app.
      const health = await fetch(`http://127.0.0.1:${String(port)}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual(SETUP_HEALTH);
      expect(SETUP_HEALTH).toMatchObject({ status: 'ok', setup: true });
      expect((await fetch(`http://127.0.0.1:${String(port)}/healthz`, { method: 'HEAD' })).status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${String(port)}/healthz`, { method: 'POST' })).status).toBe(404);
    } finally {
      await setup.close();
      delete process.env.NO_SMEE_SETUP;
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('portFrom', () => {
  it('reads PORT, defaults to 3000 and refuses nonsense', () => {
    expect(portFrom({})).toBe(3000);
    expect(portFrom({ PORT: '0' })).toBe(0);
    expect(() => portFrom({ PORT: 'eighty' })).toThrow('PORT=eighty');
  });
});

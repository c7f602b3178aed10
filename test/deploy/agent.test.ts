import { describe, it, expect, beforeEach, afterEach } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { startDeployAgent, type DeployAgentHandle, type DeployAgentOptions } from '../../src/deploy/agent/index.js';
import { handleAgentCallback, type AgentCallback } from '../../src/deploy/callback.js';
import { AGENT_CALLBACK_PATH } from '../../src/deploy/types.js';
import { runDeploy } from '../../src/deploy/run.js';
import { DeploySchema } from '../../src/config/schema.js';
import { RecordingDeployments, SHA, recordingLogger, sqliteLedger, startStub, tempDir, type Stub } from './helpers.js';
import { AGENT_SECRET, sendDeploy } from './agent-helpers.js';

let tmp: ReturnType<typeof tempDir>;
let app: Stub;
let agent: DeployAgentHandle | undefined;
let marker: string;
beforeEach(async () => {
  tmp = tempDir();
  marker = path.join(tmp.dir, 'deployed.txt');
  app = await startStub([{ status: 200 }], AGENT_CALLBACK_PATH);
});
afterEach(async () => {
  await agent?.close();
  agent = undefined;
  await app.close();
  tmp.remove();
});

async function start(options: Partial<DeployAgentOptions> = {}) {
  const log = recordingLogger();
  agent = await startDeployAgent({
    port: 0,
    host: '127.0.0.1',
    secret: AGENT_SECRET,
    command: 'echo "$QG_SHA $QG_TAG $QG_ENVIRONMENT $QG_REPOSITORY $QG_REF secret=${QG_AGENT_SECRET:-hidden}" >> deployed.txt',
    repositories: ['acme/site'],
    cwd: tmp.dir,
    env: { PATH: process.env.PATH, QG_AGENT_SECRET: AGENT_SECRET },
    log,
    callbackRetry: { baseDelayMs: 1, maxDelayMs: 5, timeoutMs: 2000 },
    ...options,
  });
  return { url: `http://127.0.0.1:${agent.port}/deploy`, log };
}

function report(n = 0): AgentCallback {
  const request = app.requests[n];
  const result = handleAgentCallback(request?.body ?? '', request?.headers ?? {}, AGENT_SECRET);
  if ('error' in result) throw new Error(result.error);
  return result;
}

describe('the deploy agent', () => {
  it('runs the command for a deploy the app sent and reports success back, signed', async () => {
    const { url } = await start();
    const ledger = sqliteLedger(tmp.dir);
    try {
      const deployments = new RecordingDeployments();
      const outcome = await runDeploy({
        request: { owner: 'acme', repo: 'site', ref: 'refs/heads/main', sha: SHA, tree: 'b'.repeat(40), environment: 'production', deliveryId: 'push-1', pushedAt: Date.now() },
        config: DeploySchema.parse({ webhook: {} }),
        env: { DEPLOY_WEBHOOK_URL: url, DEPLOY_WEBHOOK_SECRET: AGENT_SECRET },
        deployments,
        ledger: ledger.ledger,
        log: recordingLogger(),
        callbackUrl: app.url,
      });
      expect(outcome.records[0]?.status).toBe('in_progress');
      await agent?.idle();
      await app.received(1);
      expect(readFileSync(marker, 'utf8')).toBe(`${SHA} sha-aaaaaaa production acme/site refs/heads/main secret=hidden\n`);
      expect(report()).toMatchObject({ deliveryId: 'push-1', deploymentId: 1000, owner: 'acme', repo: 'site', state: 'success', exitCode: 0 });
      expect(report().description).toMatch(/^deployed by the agent in \d+\.\d s, push → live \d+\.\d s$/);
    } finally {
      ledger.close();
    }
  });

  it('reports failure with the exit code and the end of the output when the command fails', async () => {
    const { url } = await start({ command: 'echo pulling; echo "image not found" >&2; exit 3' });
    expect((await sendDeploy(url, { callbackUrl: app.url })).status).toBe(202);
    await agent?.idle();
    const result = report();
    expect(result).toMatchObject({ state: 'failure', exitCode: 3, description: 'deploy command exited with 3: image not found' });
    expect(result.outputTail).toContain('pulling');
  });

  // Timestamps are taken when the test runs, not when the table is built: on a slow machine the
  // seconds between the two would bring a "future" timestamp back inside the allowed skew.
  it.each([
    ['a forged signature', () => ({ secret: 'not-the-secret'.padEnd(40, 'y') }), 401],
    ['a stale timestamp', () => ({ now: Date.now() - 310_000 }), 401],
    ['a timestamp from the future', () => ({ now: Date.now() + 310_000 }), 401],
  ])('refuses %s and runs nothing', async (_name, options, status) => {
    const { url, log } = await start();
    const response = await sendDeploy(url, { callbackUrl: app.url, ...options() });
    expect(response.status).toBe(status);
    await agent?.idle();
    expect(existsSync(marker)).toBe(false);
    expect(app.requests).toHaveLength(0);
    expect(log.lines.some((l) => l.msg === 'deploy request refused')).toBe(true);
  });

  it('refuses a replayed delivery id and runs the command once', async () => {
    const { url } = await start();
    expect((await sendDeploy(url)).status).toBe(202);
    expect((await sendDeploy(url)).status).toBe(409);
    await agent?.idle();
    expect(readFileSync(marker, 'utf8').trim().split('\n')).toHaveLength(1);
  });

  it('remembers delivery ids across a restart when given a state file', async () => {
    const stateFile = path.join(tmp.dir, 'agent-state.json');
    const first = await start({ stateFile });
    expect((await sendDeploy(first.url)).status).toBe(202);
    await agent?.close();
    const second = await start({ stateFile });
    expect((await sendDeploy(second.url)).status).toBe(409);
    expect((await sendDeploy(second.url, { request: { deliveryId: 'd-2' } })).status).toBe(202);
    await agent?.idle();
    expect(readFileSync(marker, 'utf8').trim().split('\n')).toHaveLength(2);
  });

  it('lets a newer push replace one still waiting, but never the one running', async () => {
    const { url } = await start({ command: 'sleep 1; echo "$QG_SHA" >> deployed.txt' });
    const sha = (c: string) => c.repeat(40);
    const now = Date.now();
    const send = (id: string, c: string, at: number) => sendDeploy(url, { callbackUrl: app.url, request: { deliveryId: id, sha: sha(c), pushedAt: at } });
    expect((await send('d-1', '1', now)).status).toBe(202);
    expect((await send('d-2', '2', now + 1)).status).toBe(202);
    expect((await send('d-3', '3', now + 2)).status).toBe(202);
    // Out of order: an older push arriving late is dropped in favour of the waiting newer one.
    expect((await send('d-0', '0', now - 5)).status).toBe(202);
    await agent?.idle();
    await app.received(4);
    expect(readFileSync(marker, 'utf8').trim().split('\n')).toEqual([sha('1'), sha('3')]);
    const reports = app.requests.map((_r, i) => report(i));
    const byDelivery = Object.fromEntries(reports.map((r) => [r.deliveryId, r]));
    expect(byDelivery['d-2']).toMatchObject({ state: 'inactive', description: `superseded by ${sha('3').slice(0, 12)} before it ran` });
    // Dropped, not failed: GitHub shows a superseded deployment as inactive.
    expect(byDelivery['d-0']).toMatchObject({ state: 'inactive', description: `superseded by ${sha('3').slice(0, 12)} before it ran` });
    expect(byDelivery['d-1']?.state).toBe('success');
    expect(byDelivery['d-3']?.state).toBe('success');
  });

  it('answers health checks and refuses other routes, methods and oversized bodies', async () => {
    const { url } = await start();
    const base = url.replace('/deploy', '');
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true, running: false, waiting: null });
    expect((await fetch(`${base}/other`)).status).toBe(404);
    expect((await fetch(url)).status).toBe(405);
    expect((await fetch(url, { method: 'POST', body: 'x'.repeat(70 * 1024) })).status).toBe(413);
  });

  it('refuses (403, logged) a signed request for a repository it does not serve, and runs nothing', async () => {
    const { url, log } = await start({ repositories: ['acme/site', 'acme/{api,web}'] });
    const response = await sendDeploy(url, { callbackUrl: app.url, request: { owner: 'acme', repo: 'billing', deliveryId: 'other-1' } });
    expect(response).toEqual({ status: 403, body: { error: 'this agent does not deploy acme/billing' } });
    expect(log.lines).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        msg: 'deploy request for a repository this agent does not serve refused',
        obj: expect.objectContaining({ repository: 'acme/billing', deliveryId: 'other-1' }),
      }),
    );
    // A refused delivery id is not remembered, and the repositories it serves still deploy (any case, globs).
    expect((await sendDeploy(url, { callbackUrl: app.url, request: { owner: 'Acme', repo: 'Web', deliveryId: 'other-1' } })).status).toBe(202);
    await agent?.idle();
    await app.received(1);
    expect(app.requests).toHaveLength(1);
    expect(readFileSync(marker, 'utf8')).toContain(' Acme/Web ');
  });

  it('will not start without a repository to serve', async () => {
    await expect(start({ repositories: [] })).rejects.toThrow(/serves no repository: give it at least one \(QG_AGENT_REPOSITORIES=owner\/name\)/);
  });

  it('refuses a signed body that does not describe a deployment', async () => {
    const { url } = await start();
    const response = await sendDeploy(url, { request: { sha: 'not-a-sha' } });
    expect(response.status).toBe(400);
    expect(existsSync(marker)).toBe(false);
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { OWNER, shaOf, startE2E, type E2E } from './helpers.js';
import { deliver, examplePayload, pullRequestPayload, withRepo } from '../support/webhooks.js';
import { WEBHOOK_SECRET } from '../support/app-process.js';

interface Health {
  status: string;
  jobs?: Record<string, number>;
}

async function health(url: string): Promise<{ status: number; body: Health }> {
  const response = await fetch(`${url}/healthz`);
  return { status: response.status, body: (await response.json()) as Health };
}

function totalJobs(body: Health): number {
  return Object.values(body.jobs ?? {}).reduce((a, b) => a + b, 0);
}

describe('deliveries the app refuses or ignores', () => {
  let e2e: E2E;
  beforeAll(async () => {
    // No start-up redelivery: its GitHub call would race the "no GitHub call" assertions below.
    e2e = await startE2E({ QG_WORKERS: '0', QG_REDELIVER: '0' });
  });
  afterAll(async () => {
    await e2e.stop();
  });

  it('answers 400 to a forged signature and queues nothing', async () => {
    const payload = pullRequestPayload({ owner: OWNER, repo: 'forged', number: 1, sha: shaOf('forged'), baseSha: shaOf('base') });
    const answer = await deliver(e2e.app.url, 'pull_request', payload, WEBHOOK_SECRET, { signature: `sha256=${'0'.repeat(64)}` });
    expect(answer.status).toBe(400);
    expect(totalJobs((await health(e2e.app.url)).body)).toBe(0);
    expect(e2e.github.requests).toHaveLength(0);
    expect(e2e.github.checkRuns.size).toBe(0);
  });

  it('answers 400 to a signed body that is not JSON and stays up', async () => {
    const answer = await deliver(e2e.app.url, 'pull_request', undefined, WEBHOOK_SECRET, { rawBody: '{"action": "opened", ' });
    expect(answer.status).toBe(400);
    const after = await health(e2e.app.url);
    expect(after.status).toBe(200);
    expect(after.body.status).toBe('ok');
  });

  it('answers 4xx to a signed payload missing what its event promises, and stays up', async () => {
    const payload = withRepo(examplePayload('pull_request', 'opened'), OWNER, 'weird');
    delete payload.pull_request;
    const answer = await deliver(e2e.app.url, 'pull_request', payload, WEBHOOK_SECRET);
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    expect((await health(e2e.app.url)).status).toBe(200);
    expect(totalJobs((await health(e2e.app.url)).body)).toBe(0);
  });

  it('answers 200 to an event it does not handle and queues nothing', async () => {
    const payload = withRepo(examplePayload('issues', 'opened'), OWNER, 'issues');
    const answer = await deliver(e2e.app.url, 'issues', payload, WEBHOOK_SECRET);
    expect(answer.status).toBe(200);
    expect(totalJobs((await health(e2e.app.url)).body)).toBe(0);
    expect(e2e.github.checkRuns.size).toBe(0);
  });

  it('stores a delivery once when GitHub delivers it twice', async () => {
    const payload = pullRequestPayload({ owner: OWNER, repo: 'twice', number: 9, sha: shaOf('twice'), baseSha: shaOf('base') });
    const first = await deliver(e2e.app.url, 'pull_request', payload, WEBHOOK_SECRET, { id: 'same-delivery' });
    const second = await deliver(e2e.app.url, 'pull_request', payload, WEBHOOK_SECRET, { id: 'same-delivery' });
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(totalJobs((await health(e2e.app.url)).body)).toBe(1);
  });

  it('serves Prometheus metrics', async () => {
    const response = await fetch(`${e2e.app.url}/metrics`);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toContain('quality_gates_jobs');
    // The forged delivery above is counted by its answer, so a wrong WEBHOOK_SECRET shows on a dashboard.
    expect(text).toMatch(/quality_gates_webhook_ack_seconds_count\{event="pull_request",status="400"\} [1-9]/);
    expect(text).toMatch(/quality_gates_webhook_ack_seconds_count\{event="other",status="200"\} 1/);
  });
});

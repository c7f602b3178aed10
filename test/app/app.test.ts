import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Probot } from 'probot';
import { receiveDelivery, type AppDeps } from '../../src/app/app.js';
import { createWebhookReceiver } from '../../src/app/webhook-receiver.js';
import { AppOctokit } from '../../src/github/octokit.js';
import { installationAuth, startCheckRunOutbox, type CheckRunOutbox } from '../../src/github/check-run-outbox.js';
import type { Octokit } from '../../src/github/types.js';
import type { GateName } from '../../src/gates/types.js';
import type { Job } from '../../src/queue/job.js';
import type { JobQueue } from '../../src/queue/types.js';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github.js';
import { throwawayKey, WEBHOOK_SECRET } from '../support/app-process.js';
import { deliver, pullRequestPayload, pushPayload } from '../support/webhooks.js';

/** A queue in memory whose store can be made to fail. */
function memoryQueue() {
  const jobs = new Map<string, { job: Job; key: string; supersede?: string; state: string }>();
  const state = { down: false, durable: Promise.resolve() };
  const queue: JobQueue = {
    enqueue(job, options) {
      if (state.down) return Promise.reject(new Error('disk full'));
      const existing = [...jobs.values()].find((j) => j.key === options.dedupKey);
      if (existing) return Promise.resolve({ job: existing.job, duplicate: true });
      jobs.set(job.id, { job, key: options.dedupKey, ...(options.supersedeKey ? { supersede: options.supersedeKey } : {}), state: 'queued' });
      return Promise.resolve({ job, duplicate: false });
    },
    supersede(key, except) {
      const cancelled = [...jobs.values()].filter((j) => j.supersede === key && j.job.id !== except && j.state === 'queued');
      for (const j of cancelled) j.state = 'cancelled';
      return Promise.resolve(cancelled.map((j) => j.job));
    },
    whenDurable: () => state.durable,
    setCheckRunIds(id, ids) {
      const entry = jobs.get(id);
      if (entry) entry.job = { ...entry.job, checkRunIds: ids };
      return Promise.resolve();
    },
    process: () => ({ close: () => Promise.resolve() }),
    counts: () => Promise.resolve({ queued: 0, running: 0, done: 0, failed: 0, cancelled: 0 }),
    healthy: () => Promise.resolve(!state.down),
    close: () => Promise.resolve(),
  };
  return { queue, jobs, state };
}

async function until(predicate: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !predicate(); i++) await new Promise((resolve) => setTimeout(resolve, 20));
  expect(predicate()).toBe(true);
}

describe('receiveDelivery behind the webhook route', () => {
  let github: FakeGitHub;
  let server: Server;
  let url: string;
  const mem = memoryQueue();
  const pending = new Map<string, Promise<Partial<Record<GateName, number>>>>();
  let ids = 0;
  let checkRuns: CheckRunOutbox;
  beforeAll(async () => {
    checkRuns = startCheckRunOutbox();
    github = await startFakeGitHub();
    const probot = new Probot({ appId: 1, privateKey: throwawayKey(), secret: WEBHOOK_SECRET, baseUrl: `http://${github.host}/api/v3`, Octokit: AppOctokit, logLevel: 'fatal' });
    const app = (await probot.auth()) as unknown as Octokit;
    const deps: AppDeps = {
      queue: mem.queue,
      pendingCheckRuns: pending,
      newId: () => `job-${String(++ids)}`,
      checkRuns,
      installation: (id) => ({ auth: () => installationAuth(app, id), octokit: async () => (await probot.auth(id)) as unknown as Octokit }),
    };
    const receiver = createWebhookReceiver({ secret: WEBHOOK_SECRET, receive: (event, log) => receiveDelivery(event, deps, log), log: probot.log });
    server = createServer((req, res) => void receiver(req, res).then((handled) => handled || res.writeHead(404).end()));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await checkRuns.close();
    await github.close();
  });

  it('stores the job, answers, then creates the queued check runs and records their ids', async () => {
    const payload = pullRequestPayload({ owner: 'o', repo: 'r', number: 1, sha: '1'.repeat(40), baseSha: '0'.repeat(40) });
    expect((await deliver(url, 'pull_request', payload, WEBHOOK_SECRET)).status).toBe(200);
    expect(mem.jobs.get('job-1')?.job.sha).toBe('1'.repeat(40));
    await until(() => Object.keys(mem.jobs.get('job-1')?.job.checkRunIds ?? {}).length === 3);
    expect(github.runsFor('1'.repeat(40)).map((r) => [r.name, r.status, r.external_id])).toEqual([
      ['quality-gates/lint', 'queued', 'job-1'],
      ['quality-gates/coverage', 'queued', 'job-1'],
      ['quality-gates/docs', 'queued', 'job-1'],
    ]);
    await until(() => pending.size === 0);
  });

  it('cancels the check runs of the job a new push to the pull request supersedes', async () => {
    const payload = pullRequestPayload({ owner: 'o', repo: 'r', number: 1, sha: '2'.repeat(40), baseSha: '0'.repeat(40), action: 'synchronize' });
    expect((await deliver(url, 'pull_request', payload, WEBHOOK_SECRET)).status).toBe(200);
    await until(() => mem.jobs.get('job-1')?.state === 'cancelled');
    await until(() => github.runsFor('1'.repeat(40)).every((r) => r.conclusion === 'cancelled'));
  });

  it('stores a redelivered webhook once and creates no second set of check runs', async () => {
    const payload = pullRequestPayload({ owner: 'o', repo: 'r', number: 2, sha: '3'.repeat(40), baseSha: '0'.repeat(40) });
    await deliver(url, 'pull_request', payload, WEBHOOK_SECRET, { id: 'dup' });
    await until(() => github.runsFor('3'.repeat(40)).length === 3);
    expect((await deliver(url, 'pull_request', payload, WEBHOOK_SECRET, { id: 'dup' })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(github.runsFor('3'.repeat(40))).toHaveLength(3);
  });

  it('creates the queued check runs only once the store says the job would survive a power cut', async () => {
    let durable: () => void = () => undefined;
    mem.state.durable = new Promise<void>((resolve) => (durable = resolve));
    try {
      const payload = pullRequestPayload({ owner: 'o', repo: 'r', number: 9, sha: '9'.repeat(40), baseSha: '0'.repeat(40) });
      expect((await deliver(url, 'pull_request', payload, WEBHOOK_SECRET)).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(github.runsFor('9'.repeat(40))).toHaveLength(0);
      durable();
      await until(() => github.runsFor('9'.repeat(40)).length === 3);
    } finally {
      mem.state.durable = Promise.resolve();
    }
  });

  it('answers 503 when the store cannot keep the job, so GitHub records a failed delivery', async () => {
    mem.state.down = true;
    try {
      const payload = pullRequestPayload({ owner: 'o', repo: 'r', number: 3, sha: '4'.repeat(40), baseSha: '0'.repeat(40) });
      const answer = await deliver(url, 'pull_request', payload, WEBHOOK_SECRET);
      expect(answer.status).toBe(503);
      expect(answer.body).toContain('redeliver');
      expect(github.runsFor('4'.repeat(40))).toHaveLength(0);
    } finally {
      mem.state.down = false;
    }
  });

  it('creates no check runs for a push to the head of an open pull request, and the usual three for a push to another branch', async () => {
    github.openPulls.set('o/r', [{ number: 21, headSha: '7'.repeat(40) }]);
    expect((await deliver(url, 'push', pushPayload({ owner: 'o', repo: 'r', sha: '7'.repeat(40), branch: 'topic' }), WEBHOOK_SECRET)).status).toBe(200);
    expect((await deliver(url, 'push', pushPayload({ owner: 'o', repo: 'r', sha: '8'.repeat(40), branch: 'lonely' }), WEBHOOK_SECRET)).status).toBe(200);
    await until(() => github.runsFor('8'.repeat(40)).length === 3);
    await until(() => pending.size === 0);
    expect(github.runsFor('7'.repeat(40))).toEqual([]);
    expect(github.requestsTo('GET', /\/repos\/o\/r\/commits\/7+\/pulls$/)).toHaveLength(1);
  });

  it('answers 422 to a payload that lacks what its event promises', async () => {
    const payload = pullRequestPayload({ owner: 'o', repo: 'r', number: 4, sha: '5'.repeat(40), baseSha: '0'.repeat(40) });
    delete (payload.pull_request as Record<string, unknown>).head;
    const answer = await deliver(url, 'pull_request', payload, WEBHOOK_SECRET);
    expect(answer.status).toBe(422);
    expect(answer.body).toContain('Malformed pull_request payload');
  });

  it('still answers 200 when creating the queued check runs fails (the worker creates them later)', async () => {
    github.failOnce('POST', /\/repos\/o\/r\/check-runs$/, 422, 3);
    const payload = pullRequestPayload({ owner: 'o', repo: 'r', number: 5, sha: '6'.repeat(40), baseSha: '0'.repeat(40) });
    expect((await deliver(url, 'pull_request', payload, WEBHOOK_SECRET)).status).toBe(200);
    await until(() => pending.size === 0);
    expect(github.runsFor('6'.repeat(40)).length).toBeLessThan(3);
  });
});

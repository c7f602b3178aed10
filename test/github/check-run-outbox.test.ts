import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { RequestGauge, startCheckRunOutbox, type CheckRunOutbox, type QueuedCheckRunsRequest } from '../../src/github/check-run-outbox.js';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github.js';

const FAST = { baseDelayMs: 10, maxWaitMs: 200, requestTimeoutMs: 2_000 };
let shaCounter = 0;

function request(github: FakeGitHub, overrides: Partial<QueuedCheckRunsRequest> = {}): QueuedCheckRunsRequest {
  shaCounter += 1;
  return {
    auth: { baseUrl: `http://${github.host}/api/v3`, token: 'ghs_test', userAgent: 'quality-gates-test' },
    owner: 'octo',
    repo: 'demo',
    headSha: shaCounter.toString(16).padStart(40, '0'),
    externalId: `job-${String(shaCounter)}`,
    gates: ['lint', 'coverage', 'docs'],
    ...overrides,
  };
}

describe('check-run outbox', () => {
  let github: FakeGitHub;
  const outboxes: CheckRunOutbox[] = [];
  const outbox = (...args: Parameters<typeof startCheckRunOutbox>) => {
    const started = startCheckRunOutbox(...args);
    outboxes.push(started);
    return started;
  };
  beforeAll(async () => {
    github = await startFakeGitHub();
  });
  afterAll(async () => {
    await Promise.all(outboxes.map((o) => o.close()));
    await github.close();
  });

  it('creates one queued check run per gate, with the job id as external id, and returns their ids by gate', async () => {
    const req = request(github);
    const result = await outbox(FAST).create(req);
    expect(result.errors).toEqual([]);
    const runs = github.runsFor(req.headSha);
    expect(runs.map((r) => [r.name, r.status, r.external_id])).toEqual(
      expect.arrayContaining([
        ['quality-gates/lint', 'queued', req.externalId],
        ['quality-gates/coverage', 'queued', req.externalId],
        ['quality-gates/docs', 'queued', req.externalId],
      ]),
    );
    expect(result.ids).toEqual(Object.fromEntries(runs.map((r) => [r.name.replace('quality-gates/', ''), r.id])));
  });

  it('sends the installation token and user agent it was given', async () => {
    const req = request(github, { gates: ['lint'] });
    await outbox(FAST).create(req);
    const sent = github.requestsTo('POST', /\/repos\/octo\/demo\/check-runs$/).find((r) => (r.body as { head_sha?: string }).head_sha === req.headSha);
    expect(sent?.headers.authorization).toBe('token ghs_test');
    expect(sent?.headers['user-agent']).toBe('quality-gates-test');
  });

  it('retries a 5xx answer and then succeeds', async () => {
    github.failOnce('POST', /\/repos\/retry5xx\/demo\/check-runs$/, 502);
    const req = request(github, { owner: 'retry5xx', gates: ['lint'] });
    const result = await outbox(FAST).create(req);
    expect(result.errors).toEqual([]);
    expect(result.ids.lint).toBeGreaterThan(0);
    expect(github.requestsTo('POST', /\/repos\/retry5xx\/demo\/check-runs$/).map((r) => r.status)).toEqual([502, 201]);
  });

  it('waits as long as a secondary rate limit asks (retry-after) before trying again', async () => {
    github.failOnce('POST', /\/repos\/ratelimited\/demo\/check-runs$/, 403, 1, { 'retry-after': '0.15' }, 'You have exceeded a secondary rate limit');
    const req = request(github, { owner: 'ratelimited', gates: ['lint'] });
    const result = await outbox({ ...FAST, baseDelayMs: 1 }).create(req);
    expect(result.errors).toEqual([]);
    const [refused, created] = github.requestsTo('POST', /\/repos\/ratelimited\/demo\/check-runs$/);
    expect(refused?.status).toBe(403);
    expect(created?.status).toBe(201);
    expect((created?.at ?? 0) - (refused?.at ?? 0)).toBeGreaterThanOrEqual(140);
  });

  it('gives up at once on a 4xx answer that is not a rate limit, naming the check and GitHub\'s message', async () => {
    github.failOnce('POST', /\/repos\/refused\/demo\/check-runs$/, 422, 1, {}, 'No commit found for SHA');
    const req = request(github, { owner: 'refused', gates: ['lint'] });
    const result = await outbox(FAST).create(req);
    expect(result.ids).toEqual({});
    expect(result.errors).toEqual(['quality-gates/lint: GitHub answered 422: No commit found for SHA']);
    expect(github.requestsTo('POST', /\/repos\/refused\/demo\/check-runs$/)).toHaveLength(1);
  });

  it('keeps the runs that were created when another fails', async () => {
    github.failOnce('POST', /\/repos\/partial\/demo\/check-runs$/, 404);
    const req = request(github, { owner: 'partial', gates: ['lint', 'docs'] });
    const result = await outbox(FAST).create(req);
    expect(Object.keys(result.ids)).toHaveLength(1);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatch(/^quality-gates\/(lint|docs): GitHub answered 404/);
  });

  it('reports an unreachable GitHub after its attempts instead of hanging', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const req = request(github, { gates: ['lint'], auth: { baseUrl: `http://127.0.0.1:${String(port)}/api/v3`, token: 't', userAgent: 'u' } });
    const result = await outbox({ ...FAST, maxAttempts: 2 }).create(req);
    expect(result.ids).toEqual({});
    expect(result.errors[0]).toMatch(/^quality-gates\/lint: .*ECONNREFUSED/);
  });

  it('gives up on a GitHub that takes the request and never answers, after its attempts', async () => {
    const sockets: import('node:net').Socket[] = [];
    const silent = createServer((socket) => {
      sockets.push(socket);
      socket.on('data', () => undefined); // reads the request, never answers
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as AddressInfo).port;
    try {
      const req = request(github, { gates: ['docs'], auth: { baseUrl: `http://127.0.0.1:${String(port)}/api/v3`, token: 't', userAgent: 'u' } });
      const result = await outbox({ ...FAST, requestTimeoutMs: 300, maxAttempts: 2 }).create(req);
      expect(result).toEqual({ ids: {}, errors: ['quality-gates/docs: no answer within 300 ms'] });
      expect(sockets.length).toBeGreaterThanOrEqual(1);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('holds its requests while the web thread is answering a request, and sends them once it is quiet', async () => {
    const gauge = new RequestGauge();
    gauge.enter();
    const req = request(github, { gates: ['lint'] });
    const creating = outbox({ ...FAST, maxHoldMs: 10_000, quietMs: 5 }, gauge).create(req);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(github.runsFor(req.headSha)).toHaveLength(0);
    gauge.leave();
    expect(gauge.inflight).toBe(0);
    const result = await creating;
    expect(result.errors).toEqual([]);
    expect(github.runsFor(req.headSha)).toHaveLength(1);
  });

  it('stops holding after maxHoldMs even when the web thread never goes quiet', async () => {
    const gauge = new RequestGauge();
    gauge.enter();
    const req = request(github, { gates: ['lint'] });
    const started = Date.now();
    const result = await outbox({ ...FAST, maxHoldMs: 200, quietMs: 5 }, gauge).create(req);
    expect(result.errors).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    gauge.leave();
  });

  it('keeps holding past maxHoldMs while a burst is being answered, and goes once it thins out', async () => {
    const gauge = new RequestGauge();
    for (let i = 0; i < 3; i++) gauge.enter();
    const req = request(github, { gates: ['lint'] });
    const creating = outbox({ ...FAST, maxHoldMs: 100, busyInflight: 2, maxBusyHoldMs: 10_000, quietMs: 5 }, gauge).create(req);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(github.runsFor(req.headSha)).toHaveLength(0);
    gauge.leave();
    // Two still being answered: no quiet moment, but no longer a burst.
    expect((await creating).errors).toEqual([]);
    expect(github.runsFor(req.headSha)).toHaveLength(1);
    gauge.leave();
    gauge.leave();
  });

  it('gives up holding after maxBusyHoldMs even in an endless burst', async () => {
    const gauge = new RequestGauge();
    for (let i = 0; i < 3; i++) gauge.enter();
    const started = Date.now();
    const result = await outbox({ ...FAST, maxHoldMs: 50, busyInflight: 2, maxBusyHoldMs: 300, quietMs: 5 }, gauge).create(request(github, { gates: ['lint'] }));
    expect(result.errors).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    for (let i = 0; i < 3; i++) gauge.leave();
  });

  it('runs its thread at a lower priority than the thread answering webhooks', async () => {
    await outbox({ ...FAST, nice: 7 }).create(request(github, { gates: ['lint'] }));
    const niceOf = (tid: string) => {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
    };
    const threads = readdirSync('/proc/self/task').filter((tid) => tid !== String(process.pid));
    expect(threads.map(niceOf)).toContain(7);
    // The main thread (its id is the process id) keeps its priority.
    expect(niceOf(String(process.pid))).not.toBe(7);
  });

  it('answers every request after close with an error instead of leaving it pending', async () => {
    const closing = outbox(FAST);
    await closing.create(request(github, { gates: ['lint'] }));
    await closing.close();
    const result = await closing.create(request(github, { gates: ['lint', 'docs'] }));
    expect(result.ids).toEqual({});
    expect(result.errors).toEqual(['quality-gates/lint: the app is shutting down', 'quality-gates/docs: the app is shutting down']);
  });

  it('gathers the requests of collectMs before the thread sees them, and answers them at close without sending any', async () => {
    const gathering = outbox({ ...FAST, collectMs: 300 });
    const first = request(github, { owner: 'gathered', gates: ['lint'] });
    const askedAt = Date.now();
    const created = gathering.create(first);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const second = gathering.create(request(github, { owner: 'gathered', gates: ['docs'] }));
    await Promise.all([created, second]);
    const sent = github.requestsTo('POST', /\/repos\/gathered\/demo\/check-runs$/);
    expect(sent).toHaveLength(2);
    // Both went after the first request's collection time, the second with it rather than on its own.
    for (const r of sent) expect(r.at - askedAt).toBeGreaterThanOrEqual(290);

    const closing = outbox({ ...FAST, collectMs: 300 });
    await closing.create(request(github, { owner: 'closing', gates: ['lint'] }));
    const pending = closing.create(request(github, { owner: 'closing', gates: ['docs'] }));
    await closing.close();
    expect((await pending).errors).toEqual(['quality-gates/docs: the app is shutting down']);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(github.requestsTo('POST', /\/repos\/closing\/demo\/check-runs$/)).toHaveLength(1);
  });
});

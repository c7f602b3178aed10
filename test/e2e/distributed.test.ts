/**
 * The distributed setup on a real Redis (the suite's own, test/support/redis-server.ts), run as an operator runs it: one web
 * process with no workers (`quality-gates serve`, QG_WORKERS=0) and `quality-gates worker` processes.
 * A worker killed mid-job has its job finished by another; Redis away at start stops the app with a
 * clear message, and Redis away while running turns webhooks into 5xx answers (a failed delivery
 * GitHub records) instead of acknowledged-but-lost ones.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { APP_ROOT } from '../../src/paths.js';
import { allCompleted, fixture, OWNER, runNamed, serveRepo, shaOf, waitForRuns, dropPrefix, testRedisUrl, testRedisAddress } from './helpers.js';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github.js';
import { startApp, throwawayKey, WEBHOOK_SECRET } from '../support/app-process.js';
import { deliver, pullRequestPayload } from '../support/webhooks.js';


/** Lease (BullMQ lock) of the tests: a killed worker's job is taken over within about twice this. */
const LEASE_MS = '2000';

/** A `quality-gates worker` process. */
interface WorkerProcess {
  child: ChildProcess;
  output(): string;
  /** SIGKILL (hard) or SIGTERM, waits for the exit, removes its folders. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts `node bin/quality-gates.js worker` as a separate machine would: its own DATA_DIR and work folder. */
async function startWorkerProcess(github: FakeGitHub, privateKey: string, extraEnv: Record<string, string>): Promise<WorkerProcess> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'qg-e2e-worker-'));
  const workDir = path.join(os.tmpdir(), `qg-e2e-work-${path.basename(dataDir)}`);
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? os.tmpdir(),
    APP_ID: '1',
    PRIVATE_KEY: privateKey,
    GHE_HOST: github.host,
    GHE_PROTOCOL: 'http',
    DATA_DIR: dataDir,
    QG_WORK_DIR: workDir,
    LOG_FORMAT: 'json',
    LOG_LEVEL: 'info',
    QG_CONCURRENCY: '1',
    QG_BACKOFF_MS: '200',
    NODE_ENV: 'test',
    ...extraEnv,
  };
  const child = spawn(process.execPath, [path.join(APP_ROOT, 'bin', 'quality-gates.js'), 'worker'], { cwd: dataDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start:\n${out}`)), 30_000);
    child.stdout.on('data', () => {
      if (out.includes('quality-gates worker started')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited with ${String(code)}:\n${out}`));
    });
  });
  return {
    child,
    output: () => out,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill(signal);
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      await rm(dataDir, { recursive: true, force: true });
      await rm(workDir, { recursive: true, force: true });
    },
  };
}

/** A TCP relay in front of Redis that the test can cut, as a network partition would. */
async function startRelay(port = 0): Promise<{ port: number; cut(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(testRedisAddress());
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => s.destroy());
      s.on('close', () => sockets.delete(s));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    cut: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}

async function freePort(): Promise<number> {
  const relay = await startRelay();
  await relay.cut();
  return relay.port;
}

/** The status of a dashboard page once it answers 200, or the last status after a few seconds (the history is written just after the checks). */
async function pageStatus(url: string): Promise<number> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { status } = await fetch(url);
    if (status === 200 || Date.now() > deadline) return status;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** History records still parked in Redis (each is taken by the web process once it is written). */
async function dropped(prefix: string): Promise<string[]> {
  const client = new Redis(testRedisUrl());
  try {
    return await client.keys(`${prefix}:qg:history:*`);
  } finally {
    client.disconnect();
  }
}

async function health(url: string): Promise<{ status: string; jobs?: Record<string, number> }> {
  return (await (await fetch(`${url}/healthz`)).json()) as { status: string; jobs?: Record<string, number> };
}

/** Delivers until the answer is 200 (Redis reconnecting), at most `timeoutMs`. */
async function deliverUntilAccepted(url: string, payload: unknown, id: string, timeoutMs: number): Promise<number[]> {
  const statuses: number[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { status } = await deliver(url, 'pull_request', payload, WEBHOOK_SECRET, { id });
    statuses.push(status);
    if (status === 200 || Date.now() > deadline) return statuses;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('the distributed setup on Redis', () => {
  let github: FakeGitHub;
  let prefix: string;
  const cleanups: (() => Promise<void>)[] = [];
  beforeAll(async () => {
    github = await startFakeGitHub();
  });
  afterAll(async () => {
    await github.close();
  });
  beforeEach(() => {
    prefix = `qg-e2e-${randomUUID().slice(0, 8)}`;
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await dropPrefix(prefix);
  });

  it('shares jobs between two worker processes and finishes the job of one killed mid-gate on the other', async () => {
    const redisEnv = { QG_REDIS_URL: testRedisUrl(0), QG_REDIS_PREFIX: prefix, QG_LEASE_MS: LEASE_MS };
    const key = throwawayKey();
    const shas = [shaOf('dist-a'), shaOf('dist-b')];
    for (const [i, sha] of shas.entries()) await serveRepo(github, `dist${String(i)}`, sha, fixture('e2e-slow'));
    const [web, first, second] = await Promise.all([
      startApp(github.host, { ...redisEnv, QG_WORKERS: '0' }, key),
      startWorkerProcess(github, key, redisEnv),
      startWorkerProcess(github, key, redisEnv),
    ]);
    cleanups.push(() => web.stop(), () => first.stop(), () => second.stop());

    for (const [i, sha] of shas.entries()) {
      const payload = pullRequestPayload({ owner: OWNER, repo: `dist${String(i)}`, number: i + 1, sha, baseSha: shaOf('dist-base') });
      expect((await deliver(web.url, 'pull_request', payload, WEBHOOK_SECRET)).status).toBe(200);
    }
    // One job each (concurrency 1): both coverage gates run at once, one per worker process.
    for (const sha of shas) await waitForRuns(github, sha, (runs) => runs.some((r) => r.name === 'quality-gates/coverage' && r.status === 'in_progress'), 30_000);
    const startedBy = (w: WorkerProcess) => shas.filter((sha) => w.output().includes(`"sha":"${sha}"`));
    expect([startedBy(first), startedBy(second)].map((s) => s.length)).toEqual([1, 1]);
    const victimSha = startedBy(first)[0] ?? '';

    await first.stop('SIGKILL');
    expect(runNamed(github.runsFor(victimSha), 'coverage').status).toBe('in_progress');

    for (const sha of shas) {
      const runs = await waitForRuns(github, sha, allCompleted(3), 45_000);
      expect(runs).toHaveLength(3);
      expect(runNamed(runs, 'coverage').conclusion).toBe('success');
    }
    expect(startedBy(second).sort()).toEqual([...shas].sort());
    expect(runNamed(github.runsFor(victimSha), 'coverage').history.filter((s) => s === 'in_progress').length).toBeGreaterThanOrEqual(2);
    expect(web.output()).not.toContain('job started');
    // The workers' history reached the web process's dashboard with each job's completion.
    for (const [i, sha] of shas.entries()) expect(await pageStatus(`${web.url}/quality-gates/${OWNER}/dist${String(i)}/commit/${sha}`)).toBe(200);
    expect(await dropped(prefix)).toEqual([]);
  });

  it('refuses to start when QG_REDIS_URL does not answer, naming the URL without its password', async () => {
    const port = await freePort();
    const url = `redis://:hunter2@127.0.0.1:${String(port)}/0`;
    const failure = await startApp(github.host, { QG_REDIS_URL: url, QG_REDIS_PREFIX: prefix }).then(
      async (app) => {
        cleanups.push(() => app.stop());
        return 'started';
      },
      (error: unknown) => String(error),
    );
    expect(failure).toMatch(/app exited with [1-9]/);
    expect(failure).toContain(`cannot reach Redis at QG_REDIS_URL=redis://:***@127.0.0.1:${String(port)}/0`);
    expect(failure).not.toContain('hunter2');
  });

  it('answers webhooks with a 5xx while Redis is unreachable, and stores them again once it is back', async () => {
    const relay = await startRelay();
    let relayUp = true;
    const web = await startApp(github.host, { QG_REDIS_URL: `redis://127.0.0.1:${String(relay.port)}/0`, QG_REDIS_PREFIX: prefix, QG_WORKERS: '0' });
    cleanups.push(() => web.stop(), async () => {
      if (relayUp) await relay.cut();
    });
    const payloadOf = (n: number) => pullRequestPayload({ owner: OWNER, repo: 'outage', number: n, sha: shaOf(`outage-${String(n)}`), baseSha: shaOf('outage-base') });

    expect((await deliver(web.url, 'pull_request', payloadOf(1), WEBHOOK_SECRET)).status).toBe(200);
    await relay.cut();
    relayUp = false;
    const during = await deliver(web.url, 'pull_request', payloadOf(2), WEBHOOK_SECRET);
    expect(during.status).toBeGreaterThanOrEqual(500);
    expect(during.status).toBeLessThan(600);
    expect((await health(web.url)).status).toBe('unavailable');

    const back = await startRelay(relay.port);
    cleanups.push(() => back.cut());
    // GitHub's redelivery keeps the delivery id; once Redis answers again, the delivery is stored.
    const statuses = await deliverUntilAccepted(web.url, payloadOf(2), during.id, 15_000);
    expect(statuses.at(-1)).toBe(200);
    expect((await health(web.url)).jobs).toMatchObject({ queued: 2 });
  });
});

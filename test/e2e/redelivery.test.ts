/**
 * At-least-once delivery seen from GitHub's side, with each store: a delivery sent twice (GitHub's
 * retry, a manual "Redeliver") is handled once, and deliveries that failed while the app was down are
 * redelivered when it starts, once, with the progress remembered across restarts.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { allCompleted, fixture, OWNER, serveRepo, shaOf, waitForRuns, jobCounts, dropPrefix, testRedisUrl } from './helpers.js';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github.js';
import { startApp, WEBHOOK_SECRET, type AppProcess } from '../support/app-process.js';
import { deliver, pullRequestPayload } from '../support/webhooks.js';


/** Every gate off: the job still goes through the whole pipeline (config, tarball) but runs no tool. */
const NO_GATES = 'lint:\n  enabled: false\ncoverage:\n  enabled: false\ndocs:\n  enabled: false\n';

/** What the app logs once it has redelivered missed webhooks and saved its cursor. */
const CAUGHT_UP = 'redelivered webhooks missed while the app was down';

const MINUTE = 60_000;

function hookDelivery(id: number, guid: string, statusCode: number, ageMs: number): Record<string, unknown> {
  return { id, guid, status_code: statusCode, redelivery: false, delivered_at: new Date(Date.now() - ageMs).toISOString(), event: 'pull_request', action: 'opened' };
}

async function waitForOutput(app: AppProcess, text: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!app.output().includes(text)) {
    if (Date.now() > deadline) throw new Error(`the app never logged "${text}":\n${app.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.each([
  ['SQLite', false],
  ['Redis', true],
])('deliveries sent twice or missed, with the %s store', (store, redis) => {
  let github: FakeGitHub;
  let dataDir: string;
  let env: Record<string, string>;
  let prefix: string;
  beforeAll(async () => {
    github = await startFakeGitHub();
  });
  afterAll(async () => {
    await github.close();
  });
  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'qg-e2e-redelivery-'));
    prefix = `qg-e2e-${randomUUID().slice(0, 8)}`;
    env = { DATA_DIR: dataDir, ...(redis ? { QG_REDIS_URL: testRedisUrl(0), QG_REDIS_PREFIX: prefix } : {}) };
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
    if (redis) await dropPrefix(prefix);
  });

  it('handles a delivery sent twice with the same X-GitHub-Delivery once', async () => {
    const sha = shaOf(`twice-${store}`);
    await serveRepo(github, `twice-${store}`, sha, fixture('js-pass'), NO_GATES);
    const app = await startApp(github.host, env);
    try {
      const payload = pullRequestPayload({ owner: OWNER, repo: `twice-${store}`, number: 1, sha, baseSha: shaOf('twice-base') });
      const id = randomUUID();
      const answers = [await deliver(app.url, 'pull_request', payload, WEBHOOK_SECRET, { id }), await deliver(app.url, 'pull_request', payload, WEBHOOK_SECRET, { id })];
      expect(answers.map((a) => a.status)).toEqual([200, 200]);
      const runs = await waitForRuns(github, sha, allCompleted(3));
      expect(runs.map((r) => r.conclusion)).toEqual(['skipped', 'skipped', 'skipped']);
      // Give a second job, had one been stored, the time to start before counting.
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(github.runsFor(sha)).toHaveLength(3);
      expect(await jobCounts(app.url)).toMatchObject({ queued: 0, running: 0, done: 1 });
      expect(app.output()).toContain('duplicate delivery: already stored');
      expect(app.output().split('"msg":"job started"')).toHaveLength(2);
    } finally {
      await app.stop();
    }
  });

  it('redelivers on start the deliveries that failed and never succeeded later, once across restarts', async () => {
    github.hookDeliveries.splice(0, github.hookDeliveries.length,
      hookDelivery(105, 'guid-retried-ok', 200, 1 * MINUTE),
      hookDelivery(104, 'guid-refused', 503, 2 * MINUTE),
      hookDelivery(103, 'guid-fine', 200, 3 * MINUTE),
      hookDelivery(102, 'guid-retried-ok', 502, 4 * MINUTE),
      hookDelivery(101, 'guid-unreachable', 0, 5 * MINUTE),
      hookDelivery(50, 'guid-too-old', 500, 4 * 24 * 60 * MINUTE),
    );
    github.redelivered.splice(0);
    const first = await startApp(github.host, { ...env, QG_WORKERS: '0' });
    try {
      await waitForOutput(first, CAUGHT_UP);
    } finally {
      await first.stop();
    }
    expect([...github.redelivered].sort((a, b) => a - b)).toEqual([101, 104]);

    // Down again: one more delivery fails. The next start sends only that one.
    github.hookDeliveries.unshift(hookDelivery(106, 'guid-new-failure', 500, 0));
    const second = await startApp(github.host, { ...env, QG_WORKERS: '0' });
    try {
      await waitForOutput(second, CAUGHT_UP);
    } finally {
      await second.stop();
    }
    expect(github.redelivered).toHaveLength(3);
    expect(github.redelivered[2]).toBe(106);
    expect(github.requestsTo('GET', /^\/app\/hook\/deliveries$/).length).toBeGreaterThanOrEqual(2);
  });
});

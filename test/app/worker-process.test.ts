import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startWorker } from '../../src/app/worker-process.js';
import { closeOnSignals } from '../../src/app/signals.js';
import { createQueue } from '../../src/queue/index.js';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github.js';
import { throwawayKey } from '../support/app-process.js';
import { allCompleted, fixture, serveRepo, waitForRuns } from '../e2e/helpers.js';
import { jobFor } from '../pipeline/helpers.js';

describe('startWorker', () => {
  let github: FakeGitHub;
  let dataDir: string;
  beforeAll(async () => {
    github = await startFakeGitHub();
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'qg-worker-'));
  });
  afterAll(async () => {
    await github.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('refuses to start without the app credentials, saying which to set', async () => {
    await expect(startWorker({ DATA_DIR: dataDir })).rejects.toThrow('set APP_ID and PRIVATE_KEY');
  });

  it('takes a job stored by another process and completes its checks, with no HTTP server', async () => {
    const sha = 'e'.repeat(40);
    await serveRepo(github, 'r', sha, fixture('js-pass'), 'coverage:\n  enabled: false\ndocs:\n  enabled: false\nlint:\n  enabled: false\n');
    const env: NodeJS.ProcessEnv = { APP_ID: '1', PRIVATE_KEY: throwawayKey(), GHE_HOST: github.host, GHE_PROTOCOL: 'http', DATA_DIR: dataDir, QG_POLL_MS: '50', LOG_LEVEL: 'silent' as const, QG_WORK_DIR: path.join(dataDir, 'work') };
    const web = await createQueue({ env });
    await web.queue.enqueue(jobFor(sha, { owner: 'octo-org' }), { dedupKey: 'k' });
    const worker = await startWorker(env);
    try {
      const runs = await waitForRuns(github, sha, allCompleted(3));
      expect(runs.map((r) => r.conclusion)).toEqual(['skipped', 'skipped', 'skipped']);
    } finally {
      await worker.close();
      await web.close();
    }
  });
});

describe('closeOnSignals', () => {
  it('closes the service and exits 0 on SIGTERM', async () => {
    const exit = jest.fn();
    const close = jest.fn(() => Promise.resolve());
    const before = process.listeners('SIGTERM').length;
    closeOnSignals(close, { info: () => undefined, warn: () => undefined, debug: () => undefined }, exit);
    const added = process.listeners('SIGTERM').slice(before);
    const addedInt = process.listeners('SIGINT').slice(-1);
    try {
      process.emit('SIGTERM');
      await new Promise((resolve) => setImmediate(resolve));
      expect(close).toHaveBeenCalledTimes(1);
      expect(exit).toHaveBeenCalledWith(0);
      process.emit('SIGTERM');
      expect(exit).toHaveBeenCalledWith(1);
    } finally {
      for (const l of added) process.off('SIGTERM', l);
      for (const l of addedInt) process.off('SIGINT', l);
    }
  });
});

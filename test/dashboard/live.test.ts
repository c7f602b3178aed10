import { afterAll, describe, expect, it } from '@jest/globals';
import { liveFigures, mountDashboard } from '../../src/dashboard/index.js';
import { createQueue } from '../../src/queue/index.js';
import { makeJob, removeTempDirs, tempDir, waitFor } from '../queue/support/helpers.js';

afterAll(removeTempDirs);

describe('the operator page\'s live figures', () => {
  it('lists each running job with the worker that leased it, beside the queue\'s counts', async () => {
    const queued = await createQueue({ env: { DATA_DIR: tempDir() }, workerId: 'machine-a:42', tuning: { pollMs: 10 } });
    let release: () => void = () => undefined;
    const started: string[] = [];
    const workers = queued.queue.process(
      (job) => {
        started.push(job.id);
        return new Promise<void>((resolve) => (release = resolve));
      },
      { concurrency: 1 },
    );
    try {
      const job = makeJob({ owner: 'octo-org', repo: 'widgets' });
      await queued.queue.enqueue(job, { dedupKey: job.id });
      await waitFor(() => started.length === 1, 'the job to start');
      const figures = await liveFigures({ queue: queued.queue, backend: queued.backend, sandbox: () => Promise.resolve({ available: true, mode: 'bubblewrap' }) }, Promise.resolve('9.9.9'));
      expect(figures.running).toEqual([{ worker: 'machine-a:42', jobId: job.id, repository: 'octo-org/widgets', sha: job.sha }]);
      expect(figures.counts.running).toBe(1);
      expect(figures).toMatchObject({ version: '9.9.9', backend: 'sqlite', sandbox: { mode: 'bubblewrap' } });
    } finally {
      release();
      await workers.close();
      await queued.close();
    }
  });

  it('shows no counts rather than failing when the queue does not answer, and mounts the routes', async () => {
    const queue = { counts: () => Promise.reject(new Error('down')) } as never;
    const figures = await liveFigures({ queue, backend: 'redis', sandbox: () => Promise.resolve({ available: false, reason: 'no bwrap' }) }, Promise.resolve('1'));
    expect(figures).toMatchObject({ counts: {}, running: [], sandbox: { available: false } });
    const queued = await createQueue({ env: { DATA_DIR: tempDir() } });
    try {
      const handler = mountDashboard({ history: queued.store.history ?? (undefined as never), queue: queued.queue, backend: 'sqlite', sandbox: () => Promise.resolve({ available: true }), env: {}, log: { info: () => undefined, warn: () => undefined, debug: () => undefined } });
      expect(typeof handler).toBe('function');
    } finally {
      await queued.close();
    }
  });
});

describe('lazyDashboard', () => {
  it('leaves other paths alone without loading, and loads once for dashboard paths', async () => {
    const { lazyDashboard } = await import('../../src/dashboard/lazy.js');
    let loads = 0;
    const handler = lazyDashboard(() => {
      loads += 1;
      return Promise.resolve(() => Promise.resolve(true));
    });
    const res = {} as never;
    expect(await handler({ url: '/healthz' } as never, res)).toBe(false);
    expect(loads).toBe(0);
    expect(await handler({ url: '/quality-gates/' } as never, res)).toBe(true);
    expect(await handler({ url: '/quality-gates/operator' } as never, res)).toBe(true);
    expect(loads).toBe(1);
  });
});

describe('a repository made private since its last run', () => {
  it('is hidden once GitHub says so, and that is remembered', async () => {
    const { startFakeGitHub } = await import('../support/fake-github.js');
    const { serveDashboard } = await import('./helpers.js');
    const { sampleRun } = await import('../support/history.js');
    const github = await startFakeGitHub();
    const asked: string[] = [];
    const dash = await serveDashboard(github, {}, {}, (info) => {
      asked.push(info.repo);
      return Promise.resolve(info.repo === 'turned' ? true : info.repo === 'flaky' ? undefined : false);
    });
    try {
      for (const repo of ['turned', 'open', 'flaky']) dash.history.record(sampleRun({ repo, jobId: repo }));
      expect((await fetch(`${dash.url}/quality-gates/octo-org/turned`)).status).toBe(404);
      expect((await fetch(`${dash.url}/quality-gates/badge/octo-org/turned/coverage.svg`)).status).toBe(404);
      expect(dash.history.repository('octo-org', 'turned')?.private).toBe(true);
      expect((await fetch(`${dash.url}/quality-gates/octo-org/open`)).status).toBe(200);
      expect((await fetch(`${dash.url}/quality-gates/octo-org/open`)).status).toBe(200);
      expect((await fetch(`${dash.url}/quality-gates/octo-org/flaky`)).status).toBe(200);
      expect(asked.filter((repo) => repo === 'open')).toEqual(['open']);
    } finally {
      await dash.close();
      await github.close();
    }
  });

  it('asks GitHub with the installation token: private, or gone (404), hides; no answer keeps the record', async () => {
    const { isPrivateNow } = await import('../../src/dashboard/index.js');
    const answering = (answer: () => Promise<unknown>) => ({ request: answer }) as never;
    const repo = { owner: 'o', repo: 'r' };
    expect(await isPrivateNow(answering(() => Promise.resolve({ data: { private: true } })), repo)).toBe(true);
    expect(await isPrivateNow(answering(() => Promise.resolve({ data: { private: false } })), repo)).toBe(false);
    expect(await isPrivateNow(answering(() => Promise.reject(Object.assign(new Error('Not Found'), { status: 404 }))), repo)).toBe(true);
    expect(await isPrivateNow(answering(() => Promise.reject(Object.assign(new Error('Bad gateway'), { status: 502 }))), repo)).toBeUndefined();
  });
});

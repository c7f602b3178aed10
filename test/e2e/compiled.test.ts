import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { appendFile, cp, mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { APP_ROOT } from '../../src/paths.js';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github.js';
import { startApp, throwawayKey, WEBHOOK_SECRET } from '../support/app-process.js';
import { deliver, pullRequestPayload } from '../support/webhooks.js';
import { OWNER, shaOf, waitForRuns } from './helpers.js';

const run = promisify(execFile);

/** What an installation holds besides its dependencies (as the Dockerfile copies it). */
const SHIPPED = ['package.json', 'bin', 'src', 'assets', 'app.yml', 'tsconfig.json', 'tsconfig.build.json', path.join('docs', 'configuration.md')];

describe('an installation built with `npm run build`', () => {
  let root: string;
  let github: FakeGitHub;
  const key = throwawayKey();

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'qg-built-'));
    await mkdir(path.join(root, 'docs'));
    for (const entry of SHIPPED) await cp(path.join(APP_ROOT, entry), path.join(root, entry), { recursive: true });
    await symlink(path.join(APP_ROOT, 'node_modules'), path.join(root, 'node_modules'));
    await run('npm', ['run', 'build'], { cwd: root });
    github = await startFakeGitHub();
  }, 120_000);

  afterAll(async () => {
    await github.close();
    await rm(root, { recursive: true, force: true });
  });

  async function queuedRunsOnce(name: string): Promise<{ runtime: string | undefined; runs: string[] }> {
    const app = await startApp(github.host, { QG_WORKERS: '0', QG_REDELIVER: '0' }, key, root);
    try {
      const sha = shaOf(name);
      const payload = pullRequestPayload({ owner: OWNER, repo: name, number: 1, sha, baseSha: shaOf('base') });
      expect((await deliver(app.url, 'pull_request', payload, WEBHOOK_SECRET)).status).toBe(200);
      const runs = await waitForRuns(github, sha, (r) => r.length === 3, 20_000);
      return { runtime: /"runtime":"(\w+)"/.exec(app.output())?.[1], runs: runs.map((r) => `${r.name} ${r.status}`).sort() };
    } finally {
      await app.stop();
    }
  }

  it('runs the compiled JavaScript, threads included, and answers and queues checks as the sources do', async () => {
    const { runtime, runs } = await queuedRunsOnce('compiled');
    expect(runtime).toBe('compiled');
    expect(runs).toEqual(['quality-gates/coverage queued', 'quality-gates/docs queued', 'quality-gates/lint queued']);
  });

  it('runs the sources instead once one of them no longer matches the build', async () => {
    await appendFile(path.join(root, 'src', 'app', 'server.ts'), '\n// edited after the build\n');
    const { runtime, runs } = await queuedRunsOnce('edited');
    expect(runtime).toBe('sources');
    expect(runs).toHaveLength(3);
  });
});

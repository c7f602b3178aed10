import { describe, expect, it } from '@jest/globals';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { initGitRepository } from '../../src/workspace/git.js';
import { fixtureWorkspace, realSandbox } from '../gates/helpers.js';

describe('initGitRepository', () => {
  it('commits the checkout so that the repository tests can call git, owned by the sandbox user', async () => {
    const sandbox = await realSandbox();
    const workspace = await fixtureWorkspace('js-pass');
    try {
      expect(await initGitRepository(workspace.dir, sandbox, { sha: 'abc123' })).toBe(true);
      // As the tests would: inside the sandbox, as its user.
      const log = await sandbox.run({ argv: ['git', 'log', '--format=%an %s'], cwd: workspace.dir, workspace: workspace.dir });
      expect(log.stdout.trim()).toBe('quality-gates quality-gates checkout of abc123');
      const files = await sandbox.run({ argv: ['git', 'ls-files'], cwd: workspace.dir, workspace: workspace.dir });
      expect(files.stdout).toContain('package.json');
      const status = await sandbox.run({ argv: ['git', 'status', '--porcelain'], cwd: workspace.dir, workspace: workspace.dir });
      expect(status.exitCode).toBe(0);
      expect(status.stdout).toBe('');
    } finally {
      await workspace.cleanup();
    }
  });

  it('keeps a repository that is already there', async () => {
    const sandbox = await realSandbox();
    const workspace = await fixtureWorkspace('js-pass');
    try {
      await mkdir(path.join(workspace.dir, '.git'));
      expect(await initGitRepository(workspace.dir, sandbox)).toBe(true);
      const ls = await sandbox.run({ argv: ['ls', '-A', '.git'], cwd: workspace.dir, workspace: workspace.dir });
      expect(ls.stdout).toBe('');
    } finally {
      await workspace.cleanup();
    }
  });

  it('reports a checkout it cannot write to with a warning instead of throwing', async () => {
    const sandbox = await realSandbox();
    const workspace = await fixtureWorkspace('js-pass');
    try {
      const locked = path.join(workspace.dir, 'locked');
      await mkdir(locked);
      await writeFile(path.join(locked, 'a.js'), 'export const a = 1;\n');
      await chmod(locked, 0o555);
      const warnings: object[] = [];
      const log = { info: () => undefined, debug: () => undefined, warn: (o: object) => void warnings.push(o) };
      // Root-owned or read-only for the sandbox's user either way: git cannot create `.git` there.
      expect(await initGitRepository(locked, sandbox, { log })).toBe(false);
      expect(warnings).toHaveLength(1);
      await chmod(locked, 0o755);
    } finally {
      await workspace.cleanup();
    }
  });
});

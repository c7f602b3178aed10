import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createWorkspace, handOver } from '../../src/workspace/workspace.js';

let root: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'qg-workspace-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('createWorkspace', () => {
  it('creates a unique folder per call and removes it with everything inside', async () => {
    const first = await createWorkspace(path.join(root, 'jobs'), null);
    const second = await createWorkspace(path.join(root, 'jobs'), null);
    expect(first.dir).not.toBe(second.dir);
    await writeFile(path.join(first.dir, 'file.txt'), 'x');
    await first.cleanup();
    await first.cleanup();
    expect(existsSync(first.dir)).toBe(false);
    expect(existsSync(second.dir)).toBe(true);
    await second.cleanup();
  });

  it("hands the folder to the sandbox's user (root only)", async () => {
    if (process.getuid?.() !== 0) return;
    const workspace = await createWorkspace(path.join(root, 'owned'), { uid: 65534, gid: 65534 });
    const info = await stat(workspace.dir);
    expect(info.uid).toBe(65534);
    expect(info.mode & 0o777).toBe(0o755);
    await workspace.cleanup();
  });
});

describe('handOver', () => {
  it("gives a copied tree to the sandbox's user without following links (root only)", async () => {
    if (process.getuid?.() !== 0) return;
    const { mkdir, symlink, lstat } = await import('node:fs/promises');
    const dir = path.join(root, 'tree');
    await mkdir(path.join(dir, 'sub'), { recursive: true });
    await writeFile(path.join(dir, 'sub', 'a.txt'), 'a');
    await symlink('/etc/hostname', path.join(dir, 'link'));
    await handOver(dir, { uid: 65534, gid: 65534 });
    expect((await stat(path.join(dir, 'sub', 'a.txt'))).uid).toBe(65534);
    expect((await lstat(path.join(dir, 'link'))).uid).toBe(65534);
    expect((await stat('/etc/hostname')).uid).toBe(0);
  });

  it('does nothing without an owner', async () => {
    await expect(handOver(path.join(root, 'missing'), null)).resolves.toBeUndefined();
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createWorkspace } from '../../src/workspace/workspace.js';

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

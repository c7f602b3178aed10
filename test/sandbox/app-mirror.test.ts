import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chmod, mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { blockingFolder, mirrorUnreachable } from '../../src/sandbox/app-mirror.js';

const NOBODY = 65534;
let root: string;
let closed: string;
let open: string;
let cache: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'qg-mirror-'));
  await chmod(root, 0o755);
  // As a clone under /root: the app's folder sits below a folder others may not enter.
  closed = path.join(root, 'home', 'app', 'assets');
  await mkdir(path.join(closed, 'eslint'), { recursive: true });
  await writeFile(path.join(closed, 'eslint', 'default.config.js'), 'export default [];\n');
  await chmod(path.join(root, 'home'), 0o700);
  open = path.join(root, 'open', 'assets');
  await mkdir(open, { recursive: true });
  cache = path.join(root, 'cache');
  await mkdir(cache, { mode: 0o755 });
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('blockingFolder', () => {
  it('names the first folder the user cannot pass through, and nothing when it can reach the path', () => {
    expect(blockingFolder(closed, NOBODY, NOBODY)).toBe(path.join(root, 'home'));
    expect(blockingFolder(open, NOBODY, NOBODY)).toBeUndefined();
    // Its owner passes.
    expect(blockingFolder(closed, 0, 0)).toBeUndefined();
  });
});

describe('mirrorUnreachable', () => {
  it('leaves reachable folders alone', async () => {
    expect((await mirrorUnreachable([open], cache, NOBODY, NOBODY)).size).toBe(0);
  });

  it('mirrors an unreachable folder into the cache with hard links, reuses it, and replaces it when the folder changes', async () => {
    const first = await mirrorUnreachable([closed], cache, NOBODY, NOBODY);
    const mirror = first.get(closed) ?? '';
    expect(blockingFolder(mirror, NOBODY, NOBODY)).toBeUndefined();
    const [original, copy] = await Promise.all([stat(path.join(closed, 'eslint', 'default.config.js')), stat(path.join(mirror, 'eslint', 'default.config.js'))]);
    expect(copy.ino).toBe(original.ino);
    expect((await mirrorUnreachable([closed], cache, NOBODY, NOBODY)).get(closed)).toBe(mirror);

    await writeFile(path.join(closed, 'eslint', 'extra.js'), 'x\n');
    const second = (await mirrorUnreachable([closed], cache, NOBODY, NOBODY)).get(closed) ?? '';
    expect(second).not.toBe(mirror);
    expect(await readdir(path.join(second, 'eslint'))).toEqual(expect.arrayContaining(['default.config.js', 'extra.js']));
    expect(await readdir(path.join(cache, 'app-mirror'))).toEqual([path.basename(second)]);
  });

  it('says so when the cache is closed to the user too', async () => {
    await expect(mirrorUnreachable([closed], path.join(root, 'home'), NOBODY, NOBODY)).rejects.toThrow(`(uid ${String(NOBODY)}) can reach neither`);
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { lstat, mkdir, mkdtemp, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DependencyCache } from '../../src/workspace/cache.js';

let root: string;
let source: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'qg-cache-'));
  source = path.join(root, 'node_modules');
  await mkdir(path.join(source, 'dep'), { recursive: true });
  await writeFile(path.join(source, 'dep', 'index.js'), 'module.exports = 1;\n');
  await symlink('/etc/hostname', path.join(source, 'planted-link'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('DependencyCache', () => {
  it('derives stable keys that differ when any part differs, even by where parts split', () => {
    const cache = new DependencyCache(path.join(root, 'c0'));
    expect(cache.key(['a', 'b'])).toBe(cache.key(['a', 'b']));
    expect(cache.key(['a', 'b'])).not.toBe(cache.key(['a', 'c']));
    expect(cache.key(['ab', 'c'])).not.toBe(cache.key(['a', 'bc']));
    expect(cache.key(['x'])).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses something that is not a key as a path', () => {
    const cache = new DependencyCache(path.join(root, 'c0'));
    expect(() => cache.path('../../etc')).toThrow(/is not a cache key/);
  });

  it('stores a folder under its key, keeping symlinks as links rather than copying their targets', async () => {
    const cache = new DependencyCache(path.join(root, 'c1'));
    const key = cache.key(['lock']);
    expect(await cache.has(key)).toBe(false);
    const entry = await cache.commit(key, source);
    expect(entry).toBe(cache.path(key));
    expect(await cache.has(key)).toBe(true);
    expect(await readFile(path.join(entry, 'dep', 'index.js'), 'utf8')).toBe('module.exports = 1;\n');
    expect((await lstat(path.join(entry, 'planted-link'))).isSymbolicLink()).toBe(true);
    expect(await readlink(path.join(entry, 'planted-link'))).toBe('/etc/hostname');
  });

  it('lets a second commit of the same key win harmlessly', async () => {
    const cache = new DependencyCache(path.join(root, 'c2'));
    const key = cache.key(['lock']);
    await cache.commit(key, source);
    await expect(cache.commit(key, source)).resolves.toBe(cache.path(key));
  });

  it('fails with the key and source when the source is missing, leaving no partial entry', async () => {
    const cache = new DependencyCache(path.join(root, 'c3'));
    const key = cache.key(['missing']);
    await expect(cache.commit(key, path.join(root, 'nope'))).rejects.toThrow(/cannot store .*nope as/);
    expect(await cache.has(key)).toBe(false);
  });
});

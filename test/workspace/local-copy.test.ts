import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, readlink, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { copyCheckout } from '../../src/workspace/local-copy.js';

async function listTree(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await listTree(path.join(dir, entry.name), rel)));
    else out.push(rel);
  }
  return out.sort();
}

async function makeCheckout(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'qg-copy-src-'));
  await mkdir(path.join(dir, 'src'), { recursive: true });
  await mkdir(path.join(dir, 'node_modules', 'dep'), { recursive: true });
  await writeFile(path.join(dir, 'src', 'a.js'), 'export const a = 1;\n');
  await writeFile(path.join(dir, 'node_modules', 'dep', 'index.js'), 'module.exports = 1;\n');
  await writeFile(path.join(dir, 'secret.log'), 'ignored\n');
  await writeFile(path.join(dir, '.gitignore'), '*.log\n');
  await symlink('/etc/passwd', path.join(dir, 'passwd-link'));
  await symlink('../src/a.js', path.join(dir, 'src', 'escape-free.js'));
  await symlink('../../outside.js', path.join(dir, 'src', 'climbs-out.js'));
  return dir;
}

describe('copyCheckout', () => {
  it('copies what git would commit, without ignored files, node_modules or links out of the checkout', async () => {
    const source = await makeCheckout();
    execFileSync('git', ['init', '-q'], { cwd: source });
    await writeFile(path.join(source, 'untracked.js'), 'export const u = 2;\n');
    const dest = await mkdtemp(path.join(os.tmpdir(), 'qg-copy-dst-'));
    const copied = await copyCheckout(source, dest);
    expect(await listTree(dest)).toEqual(['.gitignore', 'src/a.js', 'src/escape-free.js', 'untracked.js']);
    expect(copied).toBe(4);
    expect(await readFile(path.join(dest, 'src', 'a.js'), 'utf8')).toBe('export const a = 1;\n');
    expect(await readlink(path.join(dest, 'src', 'escape-free.js'))).toBe('../src/a.js');
    expect(await readFile(path.join(dest, 'src', 'escape-free.js'), 'utf8')).toBe('export const a = 1;\n');
  });

  it('walks the folder when it is not a git work tree, still skipping node_modules and links out', async () => {
    const source = await makeCheckout();
    const dest = await mkdtemp(path.join(os.tmpdir(), 'qg-copy-dst-'));
    await copyCheckout(source, dest);
    expect(await listTree(dest)).toEqual(['.gitignore', 'secret.log', 'src/a.js', 'src/escape-free.js']);
  });
});

describe('copyCheckout with an owner', () => {
  it('hands every copied file and folder to the sandbox user, as an extracted tarball is', async () => {
    if (process.getuid?.() !== 0) return; // chown to another user needs root
    const source = await makeCheckout();
    const dest = await mkdtemp(path.join(os.tmpdir(), 'qg-copy-dst-'));
    await copyCheckout(source, dest, { uid: 65534, gid: 65534 });
    const { lstat, stat } = await import('node:fs/promises');
    expect((await stat(path.join(dest, 'src'))).uid).toBe(65534);
    expect((await stat(path.join(dest, 'src', 'a.js'))).uid).toBe(65534);
    expect((await lstat(path.join(dest, 'src', 'escape-free.js'))).uid).toBe(65534);
    expect((await stat(dest)).uid).toBe(0);
  });
});

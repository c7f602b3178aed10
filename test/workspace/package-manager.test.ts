import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { installCommand, packageManagerNeeded, PM_DIR, writeLauncher } from '../../src/workspace/package-manager.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'qg-pm-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

async function repo(name: string, files: Record<string, string> = {}): Promise<string> {
  const dir = path.join(root, name);
  await mkdir(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) await writeFile(path.join(dir, file), text);
  return dir;
}

describe('packageManagerNeeded', () => {
  it.each([
    ['an exact pnpm with its hash', { packageManager: 'pnpm@9.15.9+sha512.abc' }, { name: 'pnpm', version: '9.15.9' }],
    ['a pnpm major only', { packageManager: 'pnpm@8' }, { name: 'pnpm', version: '^8' }],
    ['Yarn classic', { packageManager: 'yarn@1.22.22' }, { name: 'yarn', version: '1.22.22' }],
    ['a script that calls pnpm', { scripts: { test: 'tsc && pnpm -r test' } }, { name: 'pnpm', version: '^9', reason: 'a script calls pnpm' }],
    ['a script that calls yarn', { scripts: { test: 'yarn jest --ci' } }, { name: 'yarn', version: '^1' }],
  ])('%s', async (_, manifest, expected) => {
    expect(await packageManagerNeeded(await repo(`m-${String(Math.random())}`), manifest)).toMatchObject(expected);
  });

  it('needs nothing for npm, or for a word that only contains a package manager name', async () => {
    expect(await packageManagerNeeded(await repo('npm'), { packageManager: 'npm@10.9.0', scripts: { test: 'pnpm test' } })).toBeUndefined();
    expect(await packageManagerNeeded(await repo('words'), { scripts: { test: 'node yarnish.js --pnpm=off' } })).toBeUndefined();
  });

  it('takes the pnpm major from pnpm-lock.yaml, and Yarn 1 from yarn.lock', async () => {
    expect(await packageManagerNeeded(await repo('lock6', { 'pnpm-lock.yaml': "lockfileVersion: '6.0'\n" }), {})).toMatchObject({ name: 'pnpm', version: '^8', reason: 'pnpm-lock.yaml' });
    expect(await packageManagerNeeded(await repo('lock9', { 'pnpm-lock.yaml': "lockfileVersion: '9.0'\n" }), {})).toMatchObject({ version: '^9' });
    expect(await packageManagerNeeded(await repo('yarnlock', { 'yarn.lock': '' }), {})).toMatchObject({ name: 'yarn', reason: 'yarn.lock' });
  });

  it('declines Yarn Berry with advice rather than a broken yarn', async () => {
    expect(await packageManagerNeeded(await repo('berry'), { packageManager: 'yarn@4.5.0' })).toEqual({ unsupported: 'yarn@4.5.0 (Yarn Berry)', advice: expect.stringContaining('coverage.command') });
  });
});

describe('installCommand and writeLauncher', () => {
  it('installs into node_modules with npm, and the launcher runs the package\'s own bin with every argument', async () => {
    const need = { name: 'pnpm' as const, pkg: 'pnpm', version: '9.15.9', reason: 'test' };
    expect(installCommand(need, '--no-audit')).toBe(`npm install --no-save --no-package-lock --no-audit --prefix node_modules/${PM_DIR} pnpm@9.15.9`);
    const dir = await repo('launcher');
    const pkgDir = path.join(dir, 'node_modules', PM_DIR, 'node_modules', 'pnpm');
    await mkdir(path.join(pkgDir, 'bin'), { recursive: true });
    await writeFile(path.join(pkgDir, 'package.json'), JSON.stringify({ name: 'pnpm', bin: { pnpm: 'bin/pnpm.cjs', pnpx: 'bin/pnpx.cjs' } }));
    await writeFile(path.join(pkgDir, 'bin', 'pnpm.cjs'), 'console.log(JSON.stringify([process.argv.slice(2), process.env.npm_config_update_notifier]))');
    await writeLauncher(dir, need);
    const launcher = path.join(dir, 'node_modules', '.bin', 'pnpm');
    expect((await stat(launcher)).mode & 0o111).toBe(0o111);
    const { stdout } = await promisify(execFile)(launcher, ['run', 'unit', '--', 'a b']);
    expect(JSON.parse(stdout)).toEqual([['run', 'unit', '--', 'a b'], 'false']);
    expect(await readFile(launcher, 'utf8')).toContain('#!/bin/sh');
  });

  it('refuses a package without the command', async () => {
    const dir = await repo('nobin');
    const pkgDir = path.join(dir, 'node_modules', PM_DIR, 'node_modules', 'yarn');
    await mkdir(pkgDir, { recursive: true });
    await writeFile(path.join(pkgDir, 'package.json'), JSON.stringify({ name: 'yarn' }));
    await expect(writeLauncher(dir, { name: 'yarn', pkg: 'yarn', version: '^1', reason: 'test' })).rejects.toThrow('declares no `yarn` command');
  });
});

import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { blackSettings } from '../../../src/gates/python/black-settings.js';

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

async function repo(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'qg-fmt-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
  return dir;
}

describe('flake8 settings from black', () => {
  it('follows black: its line length, or 88 when it sets none, with black\'s flake8 ignores', async () => {
    expect(await blackSettings(await repo({ 'pyproject.toml': '[tool.black]\nline-length = 100\n' }))).toEqual({
      lineLength: 100,
      args: ['--max-line-length=100', '--extend-ignore=E203,E701'],
    });
    expect((await blackSettings(await repo({ 'pyproject.toml': '[tool.black]\ntarget-version = ["py311"]\n' })))?.lineLength).toBe(88);
  });

  it('leaves a ruff configuration to ruff: its line length is not flake8\'s business', async () => {
    expect(await blackSettings(await repo({ 'pyproject.toml': '[tool.ruff]\nline-length = 120\n' }))).toBeUndefined();
  });

  it.each([
    ['a [flake8] section in setup.cfg', { 'pyproject.toml': '[tool.black]\n', 'setup.cfg': '[metadata]\nname = x\n\n[flake8]\nmax-line-length = 79\n' }],
    ['a [flake8] section in tox.ini', { 'pyproject.toml': '[tool.black]\n', 'tox.ini': '[flake8]\nignore = E501\n' }],
    ['a .flake8 file', { 'pyproject.toml': '[tool.ruff]\n', '.flake8': '[flake8]\n' }],
    ['no formatter', { 'pyproject.toml': '[project]\nname = "x"\n' }],
    ['no pyproject.toml', { 'setup.py': 'from setuptools import setup\n' }],
    ['a pyproject.toml that is not TOML', { 'pyproject.toml': '[tool.black\nline-length = = 3\n' }],
  ])('leaves flake8 to its own settings with %s', async (_what, files) => {
    expect(await blackSettings(await repo(files))).toBeUndefined();
  });
});

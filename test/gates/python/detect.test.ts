import { describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { isPythonRepo } from '../../../src/gates/python/detect.js';
import { ConfigSchema } from '../../../src/config/schema.js';

async function repoWith(files: string[], language: 'auto' | 'python' | 'javascript' | 'both' = 'auto'): Promise<boolean> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'qg-detect-'));
  try {
    for (const file of files) await writeFile(path.join(dir, file), '');
    return await isPythonRepo(dir, ConfigSchema.parse({ language }));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('isPythonRepo', () => {
  it.each([['pyproject.toml'], ['setup.cfg'], ['setup.py'], ['tox.ini'], ['requirements.txt'], ['requirements-dev.txt']])(
    'detects a repository with %s',
    async (file) => {
      expect(await repoWith([file])).toBe(true);
    },
  );

  it('does not detect a repository without Python markers', async () => {
    expect(await repoWith(['README.md', 'main.py'])).toBe(false);
  });

  it('leaves a JavaScript repository with a stray setup.cfg to the JavaScript toolchains', async () => {
    expect(await repoWith(['package.json', 'setup.cfg'])).toBe(false);
  });

  it('runs both when the config says both', async () => {
    expect(await repoWith(['package.json', 'pyproject.toml'], 'both')).toBe(true);
  });

  it('forces Python with language: python and excludes it with language: javascript', async () => {
    expect(await repoWith([], 'python')).toBe(true);
    expect(await repoWith(['pyproject.toml'], 'javascript')).toBe(false);
  });

  it('treats a missing directory as not Python', async () => {
    expect(await isPythonRepo('/nonexistent/qg-detect', ConfigSchema.parse({}))).toBe(false);
  });
});

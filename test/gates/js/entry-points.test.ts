import { describe, expect, it } from '@jest/globals';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ConfigSchema } from '../../../src/config/schema.js';
import { publicApiFiles, sourceCandidates } from '../../../src/gates/js/entry-points.js';

describe('sourceCandidates', () => {
  it.each([
    ['./dist/index.js', ['src/index.ts', 'src/index.tsx', 'src/index.js', 'src/index.jsx', 'dist/index.ts', 'dist/index.tsx', 'dist/index.js', 'dist/index.jsx']],
    ['./lib/index.d.ts', ['src/index.ts', 'src/index.tsx', 'lib/index.ts', 'lib/index.tsx']],
    ['index.mjs', ['index.mts', 'index.mjs', 'index.ts']],
    ['./dist-node/index.js', ['src/index.ts', 'src/index.tsx', 'src/index.js', 'src/index.jsx', 'dist-node/index.ts', 'dist-node/index.tsx', 'dist-node/index.js', 'dist-node/index.jsx']],
    ['./lib/defu.cjs', ['src/defu.cts', 'src/defu.cjs', 'src/defu.ts', 'lib/defu.cts', 'lib/defu.cjs', 'lib/defu.ts']],
    ['./src/main', ['src/main.ts', 'src/main.js', 'src/main/index.ts', 'src/main/index.js']],
  ])('maps %s back to its likely sources', (entry, expected) => {
    expect(sourceCandidates(entry)).toEqual(expected);
  });
});

describe('publicApiFiles', () => {
  async function repo(files: Record<string, string>): Promise<string> {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'qg-api-'));
    for (const [name, text] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
      await writeFile(path.join(dir, name), text);
    }
    return dir;
  }
  const rel = (dir: string, files: string[]) => files.map((f) => path.relative(dir, f));

  it.each<[string, Record<string, string>, string[] | undefined, string[]]>([
    [
      'the sources of the package entry points',
      { 'package.json': '{"main":"./dist/index.js","types":"./dist/index.d.ts"}', 'src/index.ts': '', 'src/other.ts': '' },
      undefined,
      ['src/index.ts'],
    ],
    [
      'the hand-written declarations beside JavaScript entry points, which document them',
      { 'package.json': '{"exports":{".":{"import":"./index.js","require":"./index.cjs"},"./extra":"./extra.mjs"},"types":"./index.d.ts"}', 'index.js': '', 'index.cjs': '', 'index.d.ts': '', 'index.d.cts': '', 'extra.mjs': '', 'extra.d.ts': '' },
      undefined,
      ['extra.d.ts', 'index.d.cts', 'index.d.ts'],
    ],
    [
      'a JavaScript entry point without a declaration beside it, and TypeScript sources, as they are',
      { 'package.json': '{"exports":{".":"./dist/index.js","./cli":"./cli.js"}}', 'src/index.ts': '', 'src/index.d.ts': '', 'cli.js': '' },
      undefined,
      ['cli.js', 'src/index.ts'],
    ],
    [
      'the sources under src outside tests when no entry point resolves',
      { 'package.json': '{"main":"./dist/missing.js"}', 'src/a.ts': '', 'src/a.test.ts': '', 'src/b.d.ts': '', 'src/__tests__/c.js': '' },
      undefined,
      ['src/a.ts'],
    ],
    [
      'the one TypeScript source a bundler builds into .mjs and .cjs',
      {
        'package.json': '{"main":"./lib/defu.cjs","module":"./dist/defu.mjs","types":"./dist/defu.d.ts"}',
        'lib/defu.cjs': 'module.exports = require("../dist/defu.cjs");',
        'src/defu.ts': '',
      },
      undefined,
      ['src/defu.ts'],
    ],
    [
      'root files but not a root test.js or tsd type tests',
      { 'package.json': '{}', 'index.js': '', 'test.js': '', 'index.test-d.ts': '' },
      undefined,
      ['index.js'],
    ],
    [
      "the entry points of a monorepo's workspaces, not its root test.js",
      {
        'package.json': '{"private":true,"workspaces":["packages/parse/","packages/cli"]}',
        'test.js': '',
        'packages/parse/package.json': '{"exports":"./index.js"}',
        'packages/parse/index.js': '',
        'packages/parse/test.js': '',
        'packages/cli/package.json': '{"bin":"cli.js","main":"./lib/index.js"}',
        'packages/cli/lib/index.js': '',
        'packages/other/package.json': '{"main":"index.js"}',
        'packages/other/index.js': '',
      },
      undefined,
      ['packages/cli/lib/index.js', 'packages/parse/index.js'],
    ],
    [
      "yarn's workspaces.packages form",
      { 'package.json': '{"workspaces":{"packages":["pkgs/*"]}}', 'pkgs/a/package.json': '{"types":"./dist/index.d.ts"}', 'pkgs/a/src/index.ts': '' },
      undefined,
      ['pkgs/a/src/index.ts'],
    ],
    ['root files when there is no src', { 'package.json': '{}', 'index.js': '', 'eslint.config.js': '' }, undefined, ['index.js']],
    ['the docs.paths globs when set', { 'package.json': '{"main":"src/a.ts"}', 'src/a.ts': '', 'lib/api/x.ts': '' }, ['lib/api/**'], ['lib/api/x.ts']],
  ])('finds %s', async (_name, files, paths, expected) => {
    const dir = await repo(files);
    try {
      expect(rel(dir, await publicApiFiles(dir, ConfigSchema.parse({ docs: { paths } })))).toEqual(expected);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

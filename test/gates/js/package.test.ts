import { describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { entryPointPaths, hasAnyDependency, hasDependency, readPackageJson } from '../../../src/gates/js/package.js';

describe('entryPointPaths', () => {
  it('collects every file of exports, types, module and main once, leaving out patterns', () => {
    const pkg = {
      main: './dist/index.cjs',
      types: './dist/index.d.ts',
      exports: {
        '.': { import: { types: './dist/index.d.ts', default: './dist/index.js' }, require: './dist/index.cjs' },
        './utils/*': './dist/utils/*.js',
        './package.json': './package.json',
      },
    };
    expect(entryPointPaths(pkg)).toEqual(['./dist/index.d.ts', './dist/index.js', './dist/index.cjs', './package.json']);
  });
});

describe('hasDependency', () => {
  it('looks in every dependency list', () => {
    const pkg = { devDependencies: { jest: '^30.0.0' }, dependencies: {} };
    expect(hasDependency(pkg, 'jest')).toBe(true);
    expect(hasDependency(pkg, 'eslint')).toBe(false);
    expect(hasDependency(undefined, 'jest')).toBe(false);
    expect(hasAnyDependency(pkg)).toBe(true);
    expect(hasAnyDependency({ dependencies: {} })).toBe(false);
  });
});

describe('readPackageJson', () => {
  it('reads a manifest, and gives nothing for a missing or broken one', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'qg-pkg-'));
    try {
      expect(await readPackageJson(dir)).toBeUndefined();
      await writeFile(path.join(dir, 'package.json'), '{ not json');
      expect(await readPackageJson(dir)).toBeUndefined();
      await writeFile(path.join(dir, 'package.json'), '["an array"]');
      expect(await readPackageJson(dir)).toBeUndefined();
      await writeFile(path.join(dir, 'package.json'), '{"name":"x","scripts":{"test":"jest"}}');
      expect(await readPackageJson(dir)).toEqual({ name: 'x', scripts: { test: 'jest' } });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

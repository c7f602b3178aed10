import { describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { c8Toolchain } from '../../../src/gates/js/c8.js';
import { countOneTree } from '../../../src/gates/js/compiled-trees.js';
import type { FileCoverage } from '../../../src/gates/types.js';
import { APP_ROOT } from '../../../src/paths.js';
import { fixtureContext, realSandbox } from '../helpers.js';

function file(filePath: string, covered: number, total: number): FileCoverage {
  const coveredLines = Array.from({ length: covered }, (_, i) => i + 1);
  const uncoveredLines = Array.from({ length: total - covered }, (_, i) => covered + i + 1);
  return { path: filePath, lines: total, covered, pct: total === 0 ? 100 : (covered / total) * 100, coveredLines, uncoveredLines };
}

async function checkout(files: string[]): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'qg-trees-'));
  for (const name of files) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), '');
  }
  return dir;
}

describe('countOneTree', () => {
  it('counts the compiled files, and says so, when the tests ran them without source maps', async () => {
    const dir = await checkout(['src/a.ts', 'src/b.ts', 'src/types.ts', 'index.js']);
    try {
      const files = [file('dist/a.js', 3, 4), file('dist/b.js', 0, 2), file('dist-browser/a.js', 0, 4), file('src/a.ts', 0, 4), file('src/b.ts', 0, 2), file('src/types.ts', 0, 0), file('index.js', 1, 1)];
      const counted = await countOneTree(files, dir);
      // The browser build beside it is another compiled copy the tests did not run.
      expect(counted.files.map((f) => f.path)).toEqual(['dist/a.js', 'dist/b.js', 'index.js']);
      expect(counted.notes).toEqual([expect.stringContaining('Counted on the compiled files (dist/), which the tests ran')]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('counts the sources, without a note, when the tests ran them (build output left out)', async () => {
    const dir = await checkout(['src/a.ts', 'lib/own.js']);
    try {
      const counted = await countOneTree([file('dist/a.js', 0, 4), file('dist/bundle.js', 0, 9), file('src/a.ts', 4, 4), file('lib/own.js', 1, 2)], dir);
      // lib/own.js has no source in src/: it is the hand-written code itself and stays.
      expect(counted.files.map((f) => f.path)).toEqual(['src/a.ts', 'lib/own.js']);
      expect(counted.notes).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('c8 on a TypeScript package whose tests run dist/', () => {
  it('counts dist/ only, and says so, when the build has no source maps', async () => {
    const { ctx, cleanup } = await fixtureContext('ts-compiled', await realSandbox());
    try {
      const measured = await c8Toolchain.measure(ctx);
      expect(measured.testsPassed).toBe(1);
      expect(measured.files.map((f) => f.path)).toEqual(['dist/sum.js', 'dist/unused.js']);
      expect(measured.files[0]?.uncoveredLines.length).toBeGreaterThan(0);
      expect(measured.notes).toEqual([expect.stringContaining('no source maps back to src/')]);
    } finally {
      await cleanup();
    }
  });

  it('counts src/ only, without a note, when the build has source maps', async () => {
    const { ctx, cleanup } = await fixtureContext('ts-compiled', await realSandbox());
    try {
      const tsc = path.join(APP_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
      await promisify(execFile)(process.execPath, [tsc, '-p', 'tsconfig.json', '--sourceMap'], { cwd: ctx.dir });
      const measured = await c8Toolchain.measure(ctx);
      expect(measured.files.map((f) => f.path)).toEqual(['src/sum.ts', 'src/unused.ts']);
      const sum = measured.files[0];
      expect(sum?.covered).toBeGreaterThan(0);
      expect(sum?.uncoveredLines.length).toBeGreaterThan(0);
      expect(measured.notes ?? []).toEqual([]);
    } finally {
      await cleanup();
    }
  });
});

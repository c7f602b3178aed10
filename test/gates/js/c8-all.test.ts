import { describe, expect, it } from '@jest/globals';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import picomatch from 'picomatch';
import { C8_EXCLUDE, c8Argv, c8Toolchain, hasOwnC8Config } from '../../../src/gates/js/c8.js';
import { fixtureContext, realSandbox } from '../helpers.js';

describe('c8 counts source files that no test loads', () => {
  it('reports a module no test imports as uncovered instead of leaving it out of the total', async () => {
    const { ctx, cleanup } = await fixtureContext('js-pass', await realSandbox());
    try {
      await mkdir(path.join(ctx.dir, 'src'), { recursive: true });
      await writeFile(path.join(ctx.dir, 'src', 'forgotten.js'), 'export function forgotten() {\n  return 42;\n}\n');
      const measured = await c8Toolchain.measure(ctx);
      const forgotten = measured.files.find((file) => file.path === 'src/forgotten.js');
      expect(forgotten?.covered).toBe(0);
      expect(forgotten?.uncoveredLines.length).toBeGreaterThan(0);
    } finally {
      await cleanup();
    }
  });

  /** Measures js-pass with `coverage.command` set to a program of `node_modules/.bin` holding `script`. */
  async function measureWithLocalProgram(program: string, script: string) {
    const { ctx, cleanup } = await fixtureContext('js-pass', await realSandbox(), { coverage: { command: `${program} --quiet` } });
    try {
      const bin = path.join(ctx.dir, 'node_modules', '.bin');
      await mkdir(bin, { recursive: true });
      await writeFile(path.join(bin, program), script, { mode: 0o755 });
      return await c8Toolchain.measure(ctx);
    } finally {
      await cleanup();
    }
  }

  it('finds a coverage.command program in the repository\'s node_modules/.bin, as npm scripts do', async () => {
    const measured = await measureWithLocalProgram('run-the-tests', '#!/bin/sh\nexec node --test\n');
    expect(measured.testsFailed).toBe(0);
    expect(measured.testsPassed).toBeGreaterThan(0);
  });

  it('runs the tests without NO_COLOR or FORCE_COLOR, which colour libraries\' own tests depend on', async () => {
    const script = '#!/bin/sh\nif [ -n "${NO_COLOR+set}${FORCE_COLOR+set}" ]; then echo "colour switched off from outside"; exit 1; fi\nexec node --test\n';
    const measured = await measureWithLocalProgram('colour-sensitive-tests', script);
    expect(measured.output).not.toContain('colour switched off');
    expect(measured.testsFailed).toBe(0);
  });

  it('leaves include/exclude to the repository when it configures c8 itself', async () => {
    expect(c8Argv('npm test', '/r', false)).toContain('--all');
    expect(c8Argv('npm test', '/r', true)).not.toContain('--all');
    const { ctx, cleanup } = await fixtureContext('js-pass', await realSandbox());
    try {
      expect(await hasOwnC8Config(ctx.dir)).toBe(false);
      await writeFile(path.join(ctx.dir, '.c8rc.json'), '{"all": false}\n');
      expect(await hasOwnC8Config(ctx.dir)).toBe(true);
    } finally {
      await cleanup();
    }
  });

  it('runs the tests when the repository configures c8 itself (its settings, our command)', async () => {
    const { ctx, cleanup } = await fixtureContext('js-pass', await realSandbox());
    try {
      await writeFile(path.join(ctx.dir, '.c8rc.json'), '{"reporter": ["text", "lcov"]}\n');
      const measured = await c8Toolchain.measure(ctx);
      expect(measured.output).not.toContain('ENOENT');
      expect(measured.testsFailed).toBe(0);
      expect(measured.testsPassed).toBeGreaterThan(0);
      expect(measured.files.length).toBeGreaterThan(0);
    } finally {
      await cleanup();
    }
  });

  it('fails a run whose posttest fails after every test passed, saying when that step wanted the network', async () => {
    const { ctx, cleanup } = await fixtureContext('js-pass', await realSandbox());
    try {
      const pkg = JSON.parse(await readFile(path.join(ctx.dir, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
      const withPosttest = async (posttest: string) => {
        pkg.scripts.posttest = posttest;
        await writeFile(path.join(ctx.dir, 'package.json'), JSON.stringify(pkg));
        return c8Toolchain.measure(ctx);
      };
      const offline = await withPosttest('node -e "require(\'node:dns\').lookup(\'registry.npmjs.org\', (e) => { console.error(String(e)); process.exit(1); })"');
      expect(offline.testsPassed).toBeGreaterThan(0);
      expect(offline.failedTests).toEqual([expect.stringMatching(/exited with code 1 after the tests: a step of it needed the network/)]);
      const failing = await withPosttest('node -e "process.exit(3)"');
      expect(failing.failedTests).toEqual(['the test command exited with code 3 after the tests']);
    } finally {
      await cleanup();
    }
  });

  it.each([
    ['test.js', true],
    ['index.test-d.ts', true],
    ['packages/core/test/visit.js', true],
    ['packages/core/tests/visit.py.js', true],
    ['index.js', false],
    ['lib/test-utils/index.js', false],
    ['src/testing.js', false],
    ['benchmark.js', true],
    ['src/parse.bench.ts', true],
    ['src/benchmarking.js', false],
    ['wdio.conf.js', true],
    ['.yarn/releases/yarn-4.4.1.cjs', true],
    ['dist/index.js', false],
  ])('leaves %s out of the coverage total: %s', (file, excluded) => {
    expect(picomatch(C8_EXCLUDE, { dot: true })(file)).toBe(excluded);
  });
});

import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ConfigSchema } from '../../../src/config/schema.js';
import { c8Toolchain } from '../../../src/gates/js/c8.js';
import { usesVitest, vitestCommand, vitestToolchain } from '../../../src/gates/js/vitest.js';
import type { Sandbox, SandboxResult } from '../../../src/sandbox/types.js';

/** Plays a Vitest run: writes its JSON results and istanbul coverage where the flags say. */
function playedVitest(exitCode: number, results: object | undefined, coverage: object): Sandbox {
  return {
    kind: 'none',
    async run(command): Promise<SandboxResult> {
      const script = command.argv.join(' ');
      const json = /--outputFile\.json=(\S+)/.exec(script)?.[1];
      const covDir = /--coverage\.reportsDirectory=(\S+)/.exec(script)?.[1];
      if (json !== undefined && results !== undefined) await writeFile(json, JSON.stringify(results));
      if (covDir !== undefined) {
        await mkdir(covDir, { recursive: true });
        await writeFile(path.join(covDir, 'coverage-final.json'), JSON.stringify(coverage));
      }
      const stdout = exitCode === 0 ? '' : 'MISSING DEPENDENCY  Cannot find dependency \'@vitest/coverage-v8\'';
      return { exitCode, signal: null, stdout, stderr: '', timedOut: false, aborted: false, outputTruncated: false, droppedBytes: 0, durationMs: 1 };
    },
  };
}

function fileCoverage(file: string, hits: number) {
  return {
    path: file,
    statementMap: { '0': { start: { line: 1, column: 0 }, end: { line: 1, column: 20 } } },
    fnMap: {},
    branchMap: {},
    s: { '0': hits },
    f: {},
    b: {},
  };
}

let dir: string;
afterEach(async () => rm(dir, { recursive: true, force: true }));

async function repo(pkg: object): Promise<string> {
  dir = await mkdtemp(path.join(os.tmpdir(), 'qg-vitest-'));
  await writeFile(path.join(dir, 'package.json'), JSON.stringify(pkg));
  return dir;
}

describe('vitest toolchain', () => {
  it('takes the coverage gate from c8 when the test script runs Vitest, even inside a chain of other steps', async () => {
    await repo({ devDependencies: { vitest: '^4' }, scripts: { test: 'pnpm lint && pnpm test:types && pnpm vitest run' } });
    const config = ConfigSchema.parse({});
    expect(await usesVitest(dir, config)).toBe(true);
    expect(await vitestToolchain.detect(dir, config)).toBe(true);
    expect(await c8Toolchain.detect(dir, config)).toBe(false);
  });

  it('leaves the gate to c8 when Vitest is a dependency but the tests run with something else', async () => {
    await repo({ devDependencies: { vitest: '^4' }, scripts: { test: 'node --test' } });
    const config = ConfigSchema.parse({});
    expect(await vitestToolchain.detect(dir, config)).toBe(false);
    expect(await c8Toolchain.detect(dir, config)).toBe(true);
  });

  it('runs the local Vitest directly for npm test, and appends its flags to a configured command', () => {
    expect(vitestCommand('npm test', '/ws/.quality-gates')).toMatch(/^node_modules\/\.bin\/vitest run --coverage\.enabled=true --coverage\.provider=v8 /);
    expect(vitestCommand('npm test', '/ws/.quality-gates')).toContain('--outputFile.json=/ws/.quality-gates/vitest.json');
    expect(vitestCommand('npx vitest run --project unit', '/o')).toMatch(/^npx vitest run --project unit --coverage\.enabled=true /);
  });

  it('runs the Vitest step of a chained test script with its arguments, unless it is not a test run', () => {
    expect(vitestCommand('npm test', '/o', 'npm run lint && vitest run --project unit && npm run size')).toMatch(/^vitest run --project unit --coverage\.enabled=true /);
    expect(vitestCommand('npm test', '/o', 'tsc && TZ=UTC vitest --dir src')).toMatch(/^TZ=UTC vitest --dir src --coverage\.enabled=true /);
    expect(vitestCommand('npm test', '/o', 'pnpm lint && vitest run --typecheck --project unit')).toMatch(/^vitest run --project unit --coverage\.enabled=true /);
    expect(vitestCommand('npm test', '/o', 'vitest run --typecheck.enabled=true')).toMatch(/^vitest run --coverage\.enabled=true /);
    expect(vitestCommand('npm test', '/o', 'npm run build && vitest bench')).toMatch(/^node_modules\/\.bin\/vitest run --coverage/);
    expect(vitestCommand('npm test', '/o', 'ts-scripts test')).toMatch(/^node_modules\/\.bin\/vitest run --coverage/);
  });

  it('reads Vitest\'s JSON results and coverage, leaving out fixtures the tests loaded', async () => {
    await repo({ devDependencies: { vitest: '^4' }, scripts: { test: 'vitest run' } });
    await mkdir(path.join(dir, 'src'));
    await writeFile(path.join(dir, 'src', 'a.ts'), 'export const a = 1;\n');
    const coverage = { [path.join(dir, 'src/a.ts')]: fileCoverage(path.join(dir, 'src/a.ts'), 1), [path.join(dir, 'test/fixtures/x.ts')]: fileCoverage(path.join(dir, 'test/fixtures/x.ts'), 1) };
    const results = { numPassedTests: 22, numFailedTests: 1, testResults: [{ name: path.join(dir, 'test/a.test.ts'), status: 'failed', assertionResults: [{ fullName: 'a > is one', status: 'failed' }] }] };
    const measured = await vitestToolchain.measure({ dir, config: ConfigSchema.parse({}), sandbox: playedVitest(1, results, coverage), cacheDir: '/cache' });
    expect([measured.testsPassed, measured.testsFailed, measured.failedTests]).toEqual([22, 1, ['a > is one']]);
    expect(measured.files.map((f) => [f.path, f.covered])).toEqual([['src/a.ts', 1]]);
  });

  it('counts a failed run without results (a missing coverage provider) as a failure with its output', async () => {
    await repo({ devDependencies: { vitest: '^4' }, scripts: { test: 'vitest run' } });
    const measured = await vitestToolchain.measure({ dir, config: ConfigSchema.parse({}), sandbox: playedVitest(1, undefined, {}), cacheDir: '/cache' });
    expect(measured.testsFailed).toBe(1);
    expect(measured.output).toContain('@vitest/coverage-v8');
  });
});

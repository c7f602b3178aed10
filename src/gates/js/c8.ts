/**
 * The coverage toolchain for node:test, mocha, ava, tape and the like: the bundled c8 wraps the test
 * command and collects V8's coverage of every Node process it starts, remapped through source maps.
 * @module
 */
import { rm } from 'node:fs/promises';
import { pathExists } from '../../workspace/files.js';
import path from 'node:path';
import type { Config } from '../../config/schema.js';
import { APP_NODE_MODULES } from '../../paths.js';
import { combinedOutput, reportDir, runTool } from '../exec.js';
import type { CoverageMeasurement, GateContext, Toolchain } from '../types.js';
import { readCoverageReport } from './coverage-data.js';
import { isJavaScriptRepo } from './detect.js';
import { readPackageJson, type PackageJson } from './package.js';
import { npmInstall } from './install.js';
import { commandFailure, outputTail, TEST_ENV, testCommand, usesJest, withLocalBin } from './test-command.js';
import { parseTestSummary, summaryFromExitCode } from './test-output.js';
import { usesVitest } from './vitest.js';

/** Files that are not the code under test: tests, fixtures, configs, dependencies, generated reports. */
export const C8_EXCLUDE = [
  '**/node_modules/**',
  '**/test/**',
  '**/tests/**',
  '**/__tests__/**',
  '**/*.{test,spec}.{js,cjs,mjs,jsx,ts,cts,mts,tsx}',
  '**/test-*.{js,cjs,mjs}',
  // A single test file at the root (`test.js`, the unified/syntax-tree convention) and tsd's type tests.
  '**/test.{js,cjs,mjs,ts,cts,mts}',
  '**/*.test-d.{ts,tsx,mts,cts}',
  'coverage/**',
  '.quality-gates/**',
  '**/*.d.ts',
  '**/*.config.{js,cjs,mjs,ts}',
  // Test runner configs named the older way (`karma.conf.js`, `wdio.conf.js`).
  '**/*.conf.{js,cjs,mjs,ts}',
  // Not the code under test either, and counted as uncovered by `--all` if left in. Build output
  // (dist/, build/, out/) stays in: when the tests run it, it is what is counted (`compiled-trees.ts`).
  '{lib-cov,examples,example,scripts,bench,benchmark,benchmarks,docs,fixtures,vendor}/**',
  // A committed Yarn release and its editor SDKs (a `yarn` in the test script runs under c8 too).
  '.yarn/**',
  // Benchmarks and task runners at the root or beside the code (`benchmark.js`, Vitest's `*.bench.ts`).
  '{bench,benchmark,benchmarks,Gruntfile,gulpfile}.{js,cjs,mjs,ts}',
  '**/*.{bench,benchmark}.{js,cjs,mjs,jsx,ts,cts,mts,tsx}',
  '**/*.min.js',
];

/** Files where a repository configures c8 itself; then its own include/exclude/all settings win. */
const C8_CONFIG_FILES = ['.c8rc', '.c8rc.json', '.c8rc.yml', '.c8rc.yaml', '.nycrc', '.nycrc.json'];

/**
 * Whether the repository has its own c8 (or nyc) settings, which c8 reads from the working directory.
 * Without them we count every source file (`--all`), so a module no test loads shows as uncovered
 * rather than silently missing from the total.
 */
export async function hasOwnC8Config(dir: string): Promise<boolean> {
  for (const file of C8_CONFIG_FILES) {
    if (await pathExists(path.join(dir, file))) return true;
  }
  const pkg = (await readPackageJson(dir)) as (PackageJson & { c8?: unknown; nyc?: unknown }) | undefined;
  return pkg?.c8 !== undefined || pkg?.nyc !== undefined;
}

/** The c8 command line around `sh -c <command>`, writing `coverage-final.json` into `reportsDir`. */
export function c8Argv(command: string, reportsDir: string, ownConfig = false): string[] {
  return [
    process.execPath,
    path.join(APP_NODE_MODULES, 'c8', 'bin', 'c8.js'),
    '--reporter=json',
    `--reports-dir=${reportsDir}`,
    `--temp-directory=${path.join(reportsDir, 'tmp')}`,
    // With a value: a bare boolean flag right before the command would take `sh` as its value, and
    // `-c` would become c8's own --config (this happens when the repository configures c8 itself).
    '--exclude-after-remap=true',
    ...(ownConfig ? [] : ['--all', ...C8_EXCLUDE.map((glob) => `--exclude=${glob}`)]),
    'sh',
    '-c',
    withLocalBin(command),
  ];
}

/** c8, as the coverage toolchain of JS repositories that test with neither Jest nor Vitest. */
export const c8Toolchain: Toolchain<'coverage'> = {
  id: 'c8',
  gate: 'coverage',
  language: 'javascript',
  install: npmInstall,
  async detect(dir: string, config: Config): Promise<boolean> {
    return (await isJavaScriptRepo(dir, config)) && !(await usesJest(dir, config)) && !(await usesVitest(dir, config));
  },
  async measure(ctx: GateContext): Promise<CoverageMeasurement> {
    const reportsDir = path.join(await reportDir(ctx.dir), 'coverage');
    await rm(reportsDir, { recursive: true, force: true });
    const argv = c8Argv(testCommand(ctx.config), reportsDir, await hasOwnC8Config(ctx.dir));
    const result = await runTool(ctx, argv, { what: 'The tests', env: TEST_ENV });
    const output = combinedOutput(result);
    const summary = parseTestSummary(output) ?? summaryFromExitCode(result.exitCode);
    if (result.exitCode !== 0 && summary.failed === 0) {
      // The runner said all passed but the command failed (a crash after the summary, a failing posttest).
      summary.failed = 1;
      summary.failedTests.push(commandFailure(result.exitCode, output));
    }
    const counted = await readCoverageReport(path.join(reportsDir, 'coverage-final.json'), ctx.dir);
    return {
      testsPassed: summary.passed,
      testsFailed: summary.failed,
      failedTests: summary.failedTests,
      files: counted.files,
      output: outputTail(output),
      notes: counted.notes,
    };
  },
};

/**
 * The coverage toolchain for node:test, mocha, ava, tape and the like: the bundled c8 wraps the test
 * command and collects V8's coverage of every Node process it starts, remapped through source maps.
 * @module
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../../config/schema.js';
import { APP_NODE_MODULES } from '../../paths.js';
import { combinedOutput, reportDir, runTool } from '../exec.js';
import type { CoverageMeasurement, GateContext, Toolchain } from '../types.js';
import { readCoverageFile } from './coverage-data.js';
import { isJavaScriptRepo } from './detect.js';
import { npmInstall } from './install.js';
import { outputTail, TEST_ENV, testCommand, usesJest } from './test-command.js';
import { parseTestSummary, summaryFromExitCode } from './test-output.js';

/** Files that are not the code under test: tests, fixtures, configs, dependencies, generated reports. */
export const C8_EXCLUDE = [
  '**/node_modules/**',
  'test/**',
  'tests/**',
  '**/__tests__/**',
  '**/*.{test,spec}.{js,cjs,mjs,jsx,ts,cts,mts,tsx}',
  '**/test-*.{js,cjs,mjs}',
  'coverage/**',
  '.quality-gates/**',
  '**/*.d.ts',
  '**/*.config.{js,cjs,mjs,ts}',
];

/** The c8 command line around `sh -c <command>`, writing `coverage-final.json` into `reportsDir`. */
export function c8Argv(command: string, reportsDir: string): string[] {
  return [
    process.execPath,
    path.join(APP_NODE_MODULES, 'c8', 'bin', 'c8.js'),
    '--reporter=json',
    `--reports-dir=${reportsDir}`,
    `--temp-directory=${path.join(reportsDir, 'tmp')}`,
    '--exclude-after-remap',
    ...C8_EXCLUDE.map((glob) => `--exclude=${glob}`),
    'sh',
    '-c',
    command,
  ];
}

/** c8, as the coverage toolchain of JS repositories that do not test with Jest. */
export const c8Toolchain: Toolchain<'coverage'> = {
  id: 'c8',
  gate: 'coverage',
  language: 'javascript',
  install: npmInstall,
  async detect(dir: string, config: Config): Promise<boolean> {
    return (await isJavaScriptRepo(dir, config)) && !(await usesJest(dir, config));
  },
  async measure(ctx: GateContext): Promise<CoverageMeasurement> {
    const reportsDir = path.join(await reportDir(ctx.dir), 'coverage');
    await rm(reportsDir, { recursive: true, force: true });
    const result = await runTool(ctx, c8Argv(testCommand(ctx.config), reportsDir), { what: 'The tests', env: TEST_ENV });
    const output = combinedOutput(result);
    const summary = parseTestSummary(output) ?? summaryFromExitCode(result.exitCode);
    if (result.exitCode !== 0 && summary.failed === 0) {
      // The runner said all passed but the command failed (a crash after the summary, a failing posttest).
      summary.failed = 1;
      summary.failedTests.push(`the test command exited with code ${String(result.exitCode)}`);
    }
    return {
      testsPassed: summary.passed,
      testsFailed: summary.failed,
      failedTests: summary.failedTests,
      files: await readCoverageFile(path.join(reportsDir, 'coverage-final.json'), ctx.dir),
      output: outputTail(output),
    };
  },
};

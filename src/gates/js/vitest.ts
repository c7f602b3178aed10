/**
 * The coverage toolchain for repositories that test with Vitest: Vitest's own V8 coverage
 * (`@vitest/coverage-v8`) and its JSON results. c8 around Vitest sees no source file at all: Vitest
 * evaluates the transformed modules itself, so V8's coverage never names the checkout's files.
 * @module
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import picomatch from 'picomatch';
import type { Config } from '../../config/schema.js';
import { combinedOutput, reportDir, runTool } from '../exec.js';
import type { CoverageMeasurement, GateContext, Toolchain } from '../types.js';
import { C8_EXCLUDE } from './c8.js';
import { readCoverageReport } from './coverage-data.js';
import { isJavaScriptRepo } from './detect.js';
import { npmInstall } from './install.js';
import { readPackageJson } from './package.js';
import { parseJestJson } from './jest.js';
import { commandFailure, isNpmTest, outputTail, runnerStep, shellQuote, TEST_ENV, testCommand, usesTestRunner, withLocalBin } from './test-command.js';
import { parseTestSummary, summaryFromExitCode, type TestSummary } from './test-output.js';
import { readTextInside } from '../../workspace/read-inside.js';

/**
 * Whether the coverage gate should use Vitest's own coverage: Vitest is a dependency, and the test
 * command (or the `test` script it runs) invokes Vitest.
 */
export function usesVitest(dir: string, config: Config): Promise<boolean> {
  return usesTestRunner(dir, config, 'vitest');
}

/** Vitest's flags for one run with V8 coverage into `outDir/coverage` and Jest-shaped JSON results into `outDir/vitest.json`. */
export function vitestFlags(outDir: string): string[] {
  return [
    '--coverage.enabled=true',
    '--coverage.provider=v8',
    '--coverage.reporter=json',
    `--coverage.reportsDirectory=${path.join(outDir, 'coverage')}`,
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${path.join(outDir, 'vitest.json')}`,
  ];
}

/** Vitest commands that do not run the tests once. */
const NOT_A_RUN = /^\S*vitest\s+(?:watch|dev|bench|init|list|related|typecheck)\b/;

/**
 * The shell command: the configured command with the flags appended when it is not `npm test`; else
 * the Vitest step of the `test` script with its arguments (`vitest run --project unit` out of
 * `npm run lint && vitest run --project unit`: a `test` script usually chains other steps — lint,
 * type checks, a package manager the sandbox may not have); else the local Vitest binary directly.
 */
export function vitestCommand(command: string, outDir: string, testScript?: string): string {
  const flags = vitestFlags(outDir).map(shellQuote).join(' ');
  if (!isNpmTest(command)) return `${command} ${flags}`;
  // Without `--typecheck`: type tests go through tsc, which writes its build info into
  // node_modules/vitest — read-only when it comes from the dependency cache — and cover no line.
  const step = testScript === undefined ? undefined : runnerStep(testScript, 'vitest')?.replace(/\s--typecheck(?:\.\S*|=\S*)?(?=\s|$)/g, '');
  const runner = step?.replace(/^.*?\bvitest\b/, 'vitest');
  return step !== undefined && runner !== undefined && !NOT_A_RUN.test(runner) ? `${step} ${flags}` : `node_modules/.bin/vitest run ${flags}`;
}

/** Vitest with its own V8 coverage, as the coverage toolchain of repositories that test with Vitest. */
export const vitestToolchain: Toolchain<'coverage'> = {
  id: 'vitest',
  gate: 'coverage',
  language: 'javascript',
  install: npmInstall,
  async detect(dir: string, config: Config): Promise<boolean> {
    return (await isJavaScriptRepo(dir, config)) && (await usesVitest(dir, config));
  },
  async measure(ctx: GateContext): Promise<CoverageMeasurement> {
    const outDir = await reportDir(ctx.dir);
    await rm(path.join(outDir, 'coverage'), { recursive: true, force: true });
    await rm(path.join(outDir, 'vitest.json'), { force: true });
    const command = vitestCommand(testCommand(ctx.config), outDir, (await readPackageJson(ctx.dir))?.scripts?.test);
    // CI=true: Vitest neither watches nor offers to install a missing coverage provider.
    const result = await runTool(ctx, ['sh', '-c', withLocalBin(command)], { what: 'The tests', env: { ...TEST_ENV, CI: 'true' } });
    const output = combinedOutput(result);
    let summary: TestSummary;
    try {
      summary = parseJestJson(await readTextInside(ctx.dir, path.join(outDir, 'vitest.json')), ctx.dir);
    } catch {
      summary = parseTestSummary(output) ?? summaryFromExitCode(result.exitCode);
    }
    if (result.exitCode !== 0 && summary.failed === 0) {
      // All tests passed but the run failed: a missing `@vitest/coverage-v8`, a coverage threshold, a crash.
      summary.failed = 1;
      summary.failedTests.push(commandFailure(result.exitCode, output));
    }
    // Vitest's own excludes miss fixtures under test/ that the tests load: the same files c8 leaves out.
    const notCode = picomatch(C8_EXCLUDE, { dot: true });
    const counted = await readCoverageReport(path.join(outDir, 'coverage', 'coverage-final.json'), ctx.dir);
    return {
      testsPassed: summary.passed,
      testsFailed: summary.failed,
      failedTests: summary.failedTests,
      files: counted.files.filter((file) => !notCode(file.path)),
      output: outputTail(output),
      notes: counted.notes,
    };
  },
};

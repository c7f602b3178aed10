/**
 * The coverage toolchain for repositories that test with Jest: Jest's own V8 coverage and its JSON
 * results. (c8 around Jest reports wrong figures: 100 % for a function that never ran, because Jest
 * runs tests in its own module registry.)
 * @module
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../../config/schema.js';
import { combinedOutput, reportDir, runTool } from '../exec.js';
import type { CoverageMeasurement, GateContext, Toolchain } from '../types.js';
import { readCoverageReport, relativeToRepo } from './coverage-data.js';
import { isJavaScriptRepo } from './detect.js';
import { npmInstall } from './install.js';
import { readPackageJson } from './package.js';
import { isNpmTest, isPlainJestScript, outputTail, runnerStep, shellQuote, TEST_ENV, testCommand, usesJest, withLocalBin } from './test-command.js';
import { MAX_FAILED_NAMES, summaryFromExitCode, type TestSummary } from './test-output.js';
import { readTextInside } from '../../workspace/read-inside.js';

interface JestJson {
  numPassedTests?: number;
  numFailedTests?: number;
  testResults?: {
    name: string;
    status: string;
    assertionResults?: { fullName: string; status: string }[];
  }[];
}

/** Jest's flags for V8 coverage into `outDir/coverage` and JSON results into `outDir/jest.json`. */
export function jestFlags(outDir: string): string[] {
  return [
    '--ci',
    '--coverage',
    '--coverageProvider=v8',
    '--coverageReporters=json',
    `--coverageDirectory=${path.join(outDir, 'coverage')}`,
    '--json',
    `--outputFile=${path.join(outDir, 'jest.json')}`,
  ];
}

/**
 * The shell command: the repository's own `npm test` with the flags appended when its script is a plain
 * Jest call (keeping its `NODE_OPTIONS` and arguments); the script's Jest step with the flags when it
 * chains other steps (`yarn lint && jest --config test/jest.config.js`: the config must not be lost);
 * else the local Jest binary directly.
 */
export function jestCommand(command: string, testScript: string | undefined, outDir: string): string {
  const flags = jestFlags(outDir).map(shellQuote).join(' ');
  if (isNpmTest(command)) {
    if (testScript !== undefined && isPlainJestScript(testScript)) return `npm test -- ${flags}`;
    const step = testScript === undefined ? undefined : runnerStep(testScript, 'jest');
    return `${step ?? 'node_modules/.bin/jest'} ${flags}`;
  }
  return `${command} ${flags}`;
}

/** Test counts and failing names from Jest's `--json` report; suites that failed to run count as failures. */
export function parseJestJson(text: string, dir: string): TestSummary {
  const json = JSON.parse(text) as JestJson;
  const names: string[] = [];
  let suiteErrors = 0;
  for (const suite of json.testResults ?? []) {
    const failed = (suite.assertionResults ?? []).filter((a) => a.status === 'failed');
    for (const a of failed) names.push(a.fullName);
    if (suite.status === 'failed' && failed.length === 0) {
      suiteErrors++;
      names.push(`${relativeToRepo(suite.name, dir) ?? suite.name} (test suite failed to run)`);
    }
  }
  return {
    passed: json.numPassedTests ?? 0,
    failed: (json.numFailedTests ?? 0) + suiteErrors,
    failedTests: names.slice(0, MAX_FAILED_NAMES),
  };
}

/** Jest with its own V8 coverage, as the coverage toolchain of repositories that test with Jest. */
export const jestToolchain: Toolchain<'coverage'> = {
  id: 'jest',
  gate: 'coverage',
  language: 'javascript',
  install: npmInstall,
  async detect(dir: string, config: Config): Promise<boolean> {
    return (await isJavaScriptRepo(dir, config)) && (await usesJest(dir, config));
  },
  async measure(ctx: GateContext): Promise<CoverageMeasurement> {
    const outDir = await reportDir(ctx.dir);
    await rm(path.join(outDir, 'coverage'), { recursive: true, force: true });
    await rm(path.join(outDir, 'jest.json'), { force: true });
    const pkg = await readPackageJson(ctx.dir);
    const command = jestCommand(testCommand(ctx.config), pkg?.scripts?.test, outDir);
    const result = await runTool(ctx, ['sh', '-c', withLocalBin(command)], { what: 'The tests', env: TEST_ENV });
    const output = combinedOutput(result);
    let summary: TestSummary;
    try {
      summary = parseJestJson(await readTextInside(ctx.dir, path.join(outDir, 'jest.json')), ctx.dir);
    } catch {
      summary = summaryFromExitCode(result.exitCode);
    }
    const counted = await readCoverageReport(path.join(outDir, 'coverage', 'coverage-final.json'), ctx.dir);
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

/**
 * Test counts and failing test names from the console summary of the common JS test runners
 * (node:test in its TAP and spec reporters, tape, node-tap, mocha, ava, Vitest, uvu). Jest is read from its JSON report
 * instead. Every runner prints a summary of its own shape; one table of patterns reads them all.
 * @module
 */
import { stripAnsi } from '../ansi.js';

/** What a test run's output says about its tests. */
export interface TestSummary {
  /** Tests that passed. */
  passed: number;
  /** Tests that failed. */
  failed: number;
  /** Names of the failing tests, in output order, deduplicated. */
  failedTests: string[];
}

interface RunnerFormat {
  /** Which runner, for debugging. */
  name: string;
  passed: RegExp;
  /** The failed count; runners that print none (uvu) give `total` and `skipped` instead. */
  failed?: RegExp;
  total?: RegExp;
  skipped?: RegExp;
  /** Captures a failing test's name in group 1. */
  failedName: RegExp;
  /** Names are searched only before this (mocha repeats them, with their suites, after its summary). */
  namesBefore?: RegExp;
}

/** Most failing test names kept: the summary lists names, not a log. */
export const MAX_FAILED_NAMES = 50;

// Order matters: node:test's spec reporter and TAP (node:test, tape) are tried before mocha and ava.
const FORMATS: RunnerFormat[] = [
  { name: 'node-spec', passed: /^ℹ pass (\d+)$/gm, failed: /^ℹ fail (\d+)$/gm, failedName: /^\s*✖ (.+?)(?: \([\d.]+m?s\))?$/gm },
  // node-tap 18+ ends its TAP with `# { total: 191, pass: 187, fail: 3, skip: 1 }` (keys at 0 left out).
  { name: 'node-tap', passed: /^# \{[^}\n]*\bpass: (\d+)/gm, failed: /^# \{[^}\n]*\bfail: (\d+)/gm, failedName: /^\s*not ok \d+ - (.+?)(?: # .*)?$/gm },
  { name: 'tap', passed: /^# pass\s+(\d+)$/gm, failed: /^# fail\s+(\d+)$/gm, failedName: /^\s*not ok \d+ - (.+?)(?: # .*)?$/gm },
  { name: 'mocha', passed: /^\s*(\d+) passing\b/gm, failed: /^\s*(\d+) failing\b/gm, failedName: /^\s+\d+\) (.+?):?$/gm, namesBefore: /^\s*\d+ passing\b/m },
  { name: 'ava', passed: /^\s*(\d+) tests? passed$/gm, failed: /^\s*(\d+) tests? failed$/gm, failedName: /^\s*✘ (?:\[fail\]: )?(.+)$/gm },
  // Vitest: `Tests  1 failed | 22 passed (23)`; a failure is listed as `FAIL  file > suite > name`.
  { name: 'vitest', passed: /^\s*Tests\s+(?:.*\s)?(\d+) passed\b/gm, failed: /^\s*Tests\s+(?:.*\s)?(\d+) failed\b/gm, failedName: /^\s*FAIL\s+\S+ > (.+?)\s*$/gm },
  // uvu prints `Total:`, `Passed:` and `Skipped:` only; a failure is headed `FAIL  <suite>  "<name>"`.
  { name: 'uvu', passed: /^\s*Passed:\s+(\d+)$/gm, total: /^\s*Total:\s+(\d+)$/gm, skipped: /^\s*Skipped:\s+(\d+)$/gm, failedName: /^\s*FAIL\s.*?"(.+)"\s*$/gm },
];

function failedCount(text: string, format: RunnerFormat): number | undefined {
  if (format.failed) return sum(text, format.failed);
  const total = format.total ? sum(text, format.total) : undefined;
  if (total === undefined) return undefined;
  return Math.max(0, total - (sum(text, format.passed) ?? 0) - (format.skipped ? (sum(text, format.skipped) ?? 0) : 0));
}


function sum(text: string, pattern: RegExp): number | undefined {
  let total: number | undefined;
  for (const match of text.matchAll(pattern)) total = (total ?? 0) + Number(match[1]);
  return total;
}

/** Reads the first runner summary found in `output`; undefined when no known summary is there. */
export function parseTestSummary(output: string): TestSummary | undefined {
  const text = stripAnsi(output).replace(/\r\n/g, '\n');
  for (const format of FORMATS) {
    const passed = sum(text, format.passed);
    const failed = failedCount(text, format);
    if (passed === undefined && failed === undefined) continue;
    const names = new Set<string>();
    if ((failed ?? 0) > 0) {
      const cut = format.namesBefore ? text.search(format.namesBefore) : -1;
      for (const match of (cut >= 0 ? text.slice(0, cut) : text).matchAll(format.failedName)) {
        const name = match[1]?.trim();
        if (name && name !== 'failing tests:' && names.size < MAX_FAILED_NAMES) names.add(name);
      }
    }
    return { passed: passed ?? 0, failed: failed ?? 0, failedTests: [...names] };
  }
  return undefined;
}

/**
 * The summary to use when the runner printed none: the exit code is the only evidence, so a failing
 * command counts as one failed test and a passing one as none.
 */
export function summaryFromExitCode(exitCode: number | null): TestSummary {
  return { passed: 0, failed: exitCode === 0 ? 0 : 1, failedTests: exitCode === 0 ? [] : ['the test command failed'] };
}

/**
 * Test counts and failing test names from a pytest run: the JUnit XML report pytest writes
 * (`--junitxml`) when it is the runner, else the last summary line of pytest or unittest.
 * @module
 */
import { stripAnsi } from '../ansi.js';

/** What the test output says. */
export interface TestCounts {
  /** Tests that passed. */
  passed: number;
  /** Tests that failed or errored (a collection error counts as a failed test). */
  failed: number;
  /** Failing test ids, as pytest names them (`tests/test_x.py::test_y`) when known. */
  failedTests: string[];
  /** Whether any summary was found at all. */
  found: boolean;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|apos);/g, (_all, name: string) => ENTITIES[name] ?? '');
}

function attribute(tag: string, name: string): string {
  const match = new RegExp(`\\b${name}="([^"]*)"`).exec(tag);
  return decode(match?.[1] ?? '');
}

/** Counts `<testcase>` elements of a JUnit XML report; a case with `<failure>` or `<error>` failed. */
export function parseJUnit(xml: string): TestCounts {
  const counts: TestCounts = { passed: 0, failed: 0, failedTests: [], found: false };
  const cases = xml.split('<testcase').slice(1);
  for (const chunk of cases) {
    counts.found = true;
    const body = chunk.split(/<testcase|<\/testsuite>/)[0] ?? '';
    const tagEnd = body.indexOf('>');
    const tag = body.slice(0, tagEnd);
    const inner = tag.endsWith('/') ? '' : body.slice(tagEnd);
    if (/<(failure|error)\b/.test(inner)) {
      counts.failed += 1;
      counts.failedTests.push(`${attribute(tag, 'classname')}::${attribute(tag, 'name')}`);
    } else if (!/<skipped\b/.test(inner)) {
      counts.passed += 1;
    }
  }
  return counts;
}

/** `FAILED tests/test_x.py::test_y - AssertionError` / `ERROR tests/…` lines of pytest's `-rfE` summary. */
export function parseFailedIds(output: string): string[] {
  const ids: string[] = [];
  for (const match of output.matchAll(/^(?:FAILED|ERROR) (\S+)/gm)) if (match[1] !== undefined) ids.push(match[1]);
  return ids;
}

function count(text: string, word: string): number {
  const match = new RegExp(`(\\d+) ${word}`).exec(text);
  return match ? Number(match[1]) : 0;
}

/** Reads the last pytest summary line (`=== 1 failed, 3 passed in 0.1s ===`) or unittest's `Ran N tests`. */
export function parseSummary(raw: string): TestCounts {
  const output = stripAnsi(raw);
  const pytestLines = [...output.matchAll(/^=+ (.*\d+ (?:passed|failed|errors?|skipped|deselected).*) in [\d.]+s.*=+$/gm)];
  const last = pytestLines.at(-1)?.[1];
  if (last !== undefined) {
    const failed = count(last, 'failed') + count(last, 'errors?');
    return { passed: count(last, 'passed'), failed, failedTests: parseFailedIds(output), found: true };
  }
  const ran = /^Ran (\d+) tests?/m.exec(output);
  if (ran) {
    const status = /^FAILED \((.*)\)$/m.exec(output)?.[1] ?? '';
    const keyed = (key: string) => Number(new RegExp(`${key}=(\\d+)`).exec(status)?.[1] ?? 0);
    const failed = keyed('failures') + keyed('errors');
    const skipped = keyed('skipped');
    return { passed: Number(ran[1]) - failed - skipped, failed, failedTests: [], found: true };
  }
  return { passed: 0, failed: 0, failedTests: [], found: false };
}

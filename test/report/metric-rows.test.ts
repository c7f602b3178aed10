import { describe, it, expect } from '@jest/globals';
import { metricRows } from '../../src/report/metric-rows.js';
import { coverageResult, docsResult, lintResult } from './fixtures.js';
import type { GateResult } from '../../src/gates/types.js';

const rowsOf = (result: GateResult): string[][] => metricRows(result).map((r) => [r.label, r.measured, r.threshold, r.status]);

describe('metricRows', () => {
  it.each<[string, GateResult, string[][]]>([
    ['lint over its error threshold', lintResult(), [['Errors', '2', '≤ 0', 'fail'], ['Warnings', '3', '≤ 10', 'pass']]],
    [
      'lint with scope changed, counting only changed lines',
      lintResult({ metrics: { errors: 7, warnings: 30, errors_in_diff: 0, warnings_in_diff: 11, max_errors: 0, max_warnings: 10 } }),
      [
        ['Errors on changed lines', '0', '≤ 0', 'pass'],
        ['Warnings on changed lines', '11', '≤ 10', 'fail'],
        ['In all files', '7 errors, 30 warnings', 'not counted', 'info'],
      ],
    ],
    [
      'coverage with a base',
      coverageResult(),
      [
        ['Tests', '12 passed, 0 failed', '0 failed', 'pass'],
        ['Line coverage', '81.25%', '≥ 80%', 'pass'],
        ['Patch coverage', '90%', '≥ 80%', 'pass'],
        ['Drop vs base', '0.5 pp (base 81.75%)', '≤ 1 pp', 'pass'],
      ],
    ],
    [
      'coverage without a base, a diff without executable lines and failing tests',
      coverageResult({ metrics: { lines_pct: 85, min_lines: 80, patch_pct: null, min_patch: 80, max_drop: 1, tests_passed: 3, tests_failed: 2 } }),
      [
        ['Tests', '3 passed, 2 failed', '0 failed', 'fail'],
        ['Line coverage', '85%', '≥ 80%', 'pass'],
        ['Patch coverage', 'no changed executable lines', '—', 'info'],
        ['Drop vs base', 'no base to compare', '≤ 1 pp', 'info'],
      ],
    ],
    [
      'coverage whose drop is computed from the base',
      coverageResult({ metrics: { lines_pct: 78, base_lines_pct: 80, max_drop: 1 } }),
      [['Line coverage', '78%', '—', 'info'], ['Drop vs base', '2 pp (base 80%)', '≤ 1 pp', 'fail']],
    ],
    ['coverage that measured nothing', coverageResult({ metrics: {} }), []],
    ['docs with a clean build', docsResult(), [['Documented', '95% (1 undocumented)', '≥ 90%', 'pass'], ['Docs build', 'typedoc: no warnings', 'no warnings', 'pass']]],
    [
      'docs with a failed build',
      docsResult({ metrics: { documented_pct: 50, min_documented: 90, build: 'sphinx', build_ok: false } }),
      [['Documented', '50%', '≥ 90%', 'fail'], ['Docs build', 'sphinx: failed or warned', 'no warnings', 'fail']],
    ],
    [
      'docs whose build warned, as the docs gate reports it',
      docsResult({ metrics: { documented_pct: 100, min_documented: 90, build_ok: false, build_warnings: 3 } }),
      [['Documented', '100%', '≥ 90%', 'pass'], ['Docs build', 'build: 3 warnings', 'no warnings', 'fail']],
    ],
    ['docs with no build', docsResult({ metrics: { build: 'none' } }), [['Docs build', 'not configured', '—', 'info']]],
  ])('reads %s', (_name, result, expected) => {
    expect(rowsOf(result)).toEqual(expected);
  });
});

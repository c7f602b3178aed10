import { describe, expect, it } from '@jest/globals';
import { ConfigSchema, type ConfigInput } from '../../src/config/schema.js';
import { judgeCoverage, totalLines, uncoveredChangedFindings } from '../../src/gates/coverage.js';
import type { ChangedLines, CoverageMeasurement, FileCoverage } from '../../src/gates/types.js';

function file(path: string, covered: number[], uncovered: number[]): FileCoverage {
  const lines = covered.length + uncovered.length;
  return { path, lines, covered: covered.length, pct: lines ? (covered.length / lines) * 100 : 100, coveredLines: covered, uncoveredLines: uncovered };
}

const measurement = (files: FileCoverage[], extra: Partial<CoverageMeasurement> = {}): CoverageMeasurement => ({
  testsPassed: 3,
  testsFailed: 0,
  failedTests: [],
  files,
  output: 'runner output',
  ...extra,
});
const config = (coverage: ConfigInput['coverage'] = {}) => ConfigSchema.parse({ coverage });
const diff = (entries: Record<string, number[]>): ChangedLines => new Map(Object.entries(entries).map(([k, v]) => [k, new Set(v)]));

// 9 of 10 lines covered: 90 %.
const NINETY = [file('src/a.js', [1, 2, 3, 4, 5, 6, 7, 8, 9], [10])];
// 1 of 4 lines covered: 25 %.
const QUARTER = [file('src/b.js', [1], [2, 3, 4])];

describe('judgeCoverage', () => {
  it.each([
    ['passes when line coverage reaches min_lines', NINETY, {}, undefined, undefined, 'success', { lines_pct: 90, min_lines: 80 }],
    ['fails when line coverage is below min_lines', QUARTER, {}, undefined, undefined, 'failure', { lines_pct: 25 }],
    ['passes low coverage when min_lines allows it', QUARTER, { min_lines: 20 }, undefined, undefined, 'success', { lines_pct: 25 }],
    ['fails when the changed lines are not covered enough', NINETY, {}, diff({ 'src/a.js': [9, 10] }), undefined, 'failure', { patch_pct: 50 }],
    ['passes covered changes', NINETY, {}, diff({ 'src/a.js': [1, 2] }), undefined, 'success', { patch_pct: 100 }],
    ['gives no patch figure when no changed line is executable', NINETY, {}, diff({ 'README.md': [1] }), undefined, 'success', { patch_pct: null }],
    ['fails when coverage dropped more than max_drop', NINETY, {}, undefined, 95, 'failure', { drop: 5, base_lines_pct: 95 }],
    ['passes a drop within max_drop', NINETY, { max_drop: 5 }, undefined, 95, 'success', { drop: 5, max_drop: 5 }],
    ['fails when no coverage was measured', [], {}, undefined, undefined, 'failure', { lines_pct: 0, lines_total: 0 }],
  ])('%s', (_name, files, coverage, changed, base, conclusion, metrics) => {
    const result = judgeCoverage(measurement(files), config(coverage), changed, base);
    expect(result.conclusion).toBe(conclusion);
    expect(result.metrics).toMatchObject(metrics);
    expect(result.files).toBe(files);
  });

  it('fails on failing tests whatever the coverage, naming them and keeping the output', () => {
    const m = measurement(NINETY, { testsFailed: 2, failedTests: ['adds numbers', 'parses dates'] });
    const result = judgeCoverage(m, config());
    expect(result.conclusion).toBe('failure');
    expect(result.metrics).toMatchObject({ tests_failed: 2, tests_passed: 3 });
    expect(result.title).toBe('90% lines, 2 tests failed');
    expect(result.summary).toContain('2 tests failed: adds numbers and parses dates');
    expect(result.output).toBe('runner output');
  });

  it('says no test was counted instead of "0 tests passed" when the runner printed no summary it can read', () => {
    const result = judgeCoverage(measurement(NINETY, { testsPassed: 0 }), config());
    expect(result.conclusion).toBe('success');
    expect(result.title).toBe('90% lines, no test counted');
    expect(result.summary).toMatch(/^Tests: none counted \(0 passed, 0 failed\)/);
    expect(judgeCoverage(measurement(NINETY), config()).title).toBe('90% lines, 3 tests passed');
  });

  it('leaves patch and drop metrics out without a diff or a base', () => {
    const result = judgeCoverage(measurement(NINETY), config());
    expect(result.metrics).not.toHaveProperty('patch_pct');
    expect(result.metrics).not.toHaveProperty('drop');
    expect(result.output).toBeUndefined();
  });
});

describe('uncoveredChangedFindings', () => {
  it('groups runs of uncovered changed lines into ranges, split by covered and by unchanged executable lines', () => {
    const files = [file('a.js', [1, 5], [2, 3, 4, 6, 7, 8, 10])];
    const findings = uncoveredChangedFindings(files, diff({ 'a.js': [2, 3, 4, 6, 8, 10], 'b.js': [1] }));
    expect(findings.map((f) => [f.line, f.endLine])).toEqual([
      [2, 4],
      [6, undefined],
      // Line 9 is not executable, so it does not split the range.
      [8, 10],
    ]);
    expect(findings.every((f) => f.rule === 'uncovered-line' && f.level === 'warning' && f.inDiff === true)).toBe(true);
    expect(findings[0]?.message).toBe('Changed lines 2–4 are not covered by any test.');
  });
});

describe('totalLines', () => {
  it('adds up every file and has no figure without lines', () => {
    expect(totalLines([...NINETY, ...QUARTER])).toEqual({ pct: (10 / 14) * 100, covered: 10, total: 14 });
    expect(totalLines([])).toBeUndefined();
  });

  it('counts branches with the lines, as coverage.py does, when a file has them', () => {
    const branched = { ...file('m.py', [1, 2, 3, 4, 5], [6]), branches: { total: 2, covered: 1 } };
    expect(totalLines([branched])).toEqual({ pct: 75, covered: 5, total: 6, branches: { total: 2, covered: 1 } });
    const result = judgeCoverage(measurement([branched]), config({ min_lines: 80 }));
    expect(result.metrics.lines_pct).toBe(75);
    expect(result.summary).toContain('Coverage: 75% of 6 statements and 2 branches, counted as coverage.py counts them');
    expect(result.conclusion).toBe('failure');
  });

  it('puts the measurement\'s notes in the summary', () => {
    const result = judgeCoverage(measurement(NINETY, { notes: ['Counted on the compiled files.'] }), config());
    expect(result.summary).toContain('Counted on the compiled files.');
  });
});

import type { FileCoverage, Finding, GateResult } from '../../src/gates/types.js';

/** A finding with defaults for what a test does not care about. */
export function finding(overrides: Partial<Finding> = {}): Finding {
  return { path: 'src/a.ts', line: 1, level: 'failure', message: 'Unexpected any.', rule: 'no-explicit-any', ...overrides };
}

/** A file's coverage from its uncovered and covered line lists. */
export function fileCoverage(path: string, covered: number[], uncovered: number[]): FileCoverage {
  const lines = covered.length + uncovered.length;
  return { path, lines, covered: covered.length, pct: lines === 0 ? 100 : (covered.length / lines) * 100, coveredLines: covered, uncoveredLines: uncovered };
}

/** A failing lint result: 2 errors against max 0, 3 warnings against max 10. */
export function lintResult(overrides: Partial<GateResult> = {}): GateResult {
  return {
    gate: 'lint',
    conclusion: 'failure',
    title: '2 errors, 3 warnings',
    summary: '',
    metrics: { errors: 2, warnings: 3, max_errors: 0, max_warnings: 10 },
    findings: [
      finding({ path: 'src/b.ts', line: 9, column: 3, level: 'warning', message: 'Unused variable x.', rule: 'no-unused-vars' }),
      finding({ path: 'src/a.ts', line: 4, column: 1 }),
      finding({ path: 'src/a.ts', line: 2, column: 7, message: 'Missing semicolon.', rule: 'semi' }),
    ],
    toolchains: ['eslint'],
    durationMs: 1234,
    ...overrides,
  };
}

/** A coverage result with a base to compare against. */
export function coverageResult(overrides: Partial<GateResult> = {}): GateResult {
  return {
    gate: 'coverage',
    conclusion: 'success',
    title: '81.25% of lines covered',
    summary: '',
    metrics: {
      lines_pct: 81.25,
      min_lines: 80,
      patch_pct: 90,
      min_patch: 80,
      drop: 0.5,
      max_drop: 1,
      base_lines_pct: 81.75,
      tests_passed: 12,
      tests_failed: 0,
    },
    findings: [],
    toolchains: ['c8'],
    files: [fileCoverage('src/good.ts', [1, 2, 3, 4], []), fileCoverage('src/bad.ts', [1], [2, 3, 4, 7, 8]), fileCoverage('src/mid.ts', [1, 2], [3, 4])],
    ...overrides,
  };
}

/** A docs result with a TypeDoc build. */
export function docsResult(overrides: Partial<GateResult> = {}): GateResult {
  return {
    gate: 'docs',
    conclusion: 'success',
    title: '95% documented',
    summary: '',
    metrics: { documented_pct: 95, min_documented: 90, undocumented: 1, build: 'typedoc', build_ok: true },
    findings: [finding({ path: 'src/api.ts', line: 3, level: 'warning', message: 'Export foo has no doc comment.', rule: 'undocumented-export' })],
    toolchains: ['typescript-docs', 'typedoc'],
    ...overrides,
  };
}

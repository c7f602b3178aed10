/** Sample history runs for the store, dashboard and bench. */
import type { HistoryRun } from '../../src/store/history.js';

/** A run on the default branch of octo-org/widgets with all three gates, overridable field by field. */
export function sampleRun(overrides: Partial<HistoryRun> = {}): HistoryRun {
  const at = overrides.finishedAt ?? Date.UTC(2026, 11, 1);
  return {
    jobId: `job-${String(at)}`,
    owner: 'octo-org',
    repo: 'widgets',
    private: false,
    defaultBranch: 'main',
    sha: 'a'.repeat(40),
    branch: 'main',
    trigger: 'push',
    receivedAt: at - 30_000,
    finishedAt: at,
    phases: { queue_wait: 120, config: 40, fetch: 300, install: 8_000, lint: 2_000, coverage: 12_000, docs: 1_500 },
    gates: [
      { gate: 'lint', conclusion: 'success', title: '0 errors, 2 warnings', metrics: { errors: 0, warnings: 2, max_errors: 0, max_warnings: 10 }, checkRunId: 11, durationMs: 2_000 },
      { gate: 'coverage', conclusion: 'success', title: '84.5% lines', metrics: { lines_pct: 84.5, patch_pct: null, min_lines: 80, tests_passed: 12, tests_failed: 0 }, checkRunId: 12, durationMs: 12_000 },
      { gate: 'docs', conclusion: 'failure', title: '70% documented', metrics: { documented_pct: 70, min_documented: 90, undocumented: 3 }, checkRunId: 13, durationMs: 1_500 },
    ],
    fromCache: false,
    files: [
      { path: 'src/total.js', lines: 10, covered: 6, pct: 60, uncoveredLines: [3, 4, 8, 9], coveredLines: [1, 2, 5, 6, 7, 10] },
      { path: 'src/tax.js', lines: 4, covered: 4, pct: 100, uncoveredLines: [], coveredLines: [1, 2, 3, 4] },
    ],
    findings: [{ gate: 'lint', path: 'src/total.js', line: 2, level: 'warning', message: "'x' is assigned a value but never used.", rule: 'no-unused-vars' }],
    sources: {
      'src/total.js': Array.from({ length: 10 }, (_, i) => `const line${String(i + 1)} = ${String(i)}; // <b>&`).join('\n'),
      'src/tax.js': 'export const rate = 0.2;\nexport function tax(x) {\n  return x * rate;\n}\n',
    },
    ...overrides,
  };
}

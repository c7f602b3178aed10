import { describe, it, expect } from '@jest/globals';
import { renderCliReport } from '../../src/report/cli-text.js';
import { CLI_MAX_COVERAGE_ROWS, CLI_MAX_FINDINGS_PER_GATE } from '../../src/report/limits.js';
import { coverageResult, docsResult, fileCoverage, finding, lintResult } from './fixtures.js';

describe('renderCliReport', () => {
  it('prints one row per gate with its verdict, title and key metrics', () => {
    const lines = renderCliReport([lintResult(), coverageResult(), docsResult()]).split('\n');
    expect(lines[0]).toMatch(/^Gate\s+Verdict\s+Title\s+Key metrics$/);
    expect(lines[1]).toMatch(/^lint\s+FAILED\s+2 errors, 3 warnings\s+errors 2 \[≤ 0\]; warnings 3 \[≤ 10\]$/);
    expect(lines[2]).toMatch(/^coverage\s+PASSED\s+81.25% of lines covered\s+tests 12 passed, 0 failed; line coverage 81.25% \[≥ 80%\]/);
    expect(lines[3]).toMatch(/^docs\s+PASSED\s+95% documented\s+documented 95% \(1 undocumented\) \[≥ 90%\]/);
    expect(lines[1]?.indexOf('FAILED')).toBe(lines[2]?.indexOf('PASSED'));
  });

  it('lists the findings of failing gates only, as path:line:col level message (rule)', () => {
    const out = renderCliReport([lintResult(), docsResult()]);
    expect(out).toContain('lint: 2 errors, 3 warnings\n  src/a.ts:2:7 failure Missing semicolon. (semi)\n  src/a.ts:4:1 failure Unexpected any. (no-explicit-any)\n  src/b.ts:9:3 warning Unused variable x. (no-unused-vars)');
    expect(out).not.toContain('src/api.ts:3');
  });

  it('caps the findings of a gate and says how many more', () => {
    const findings = Array.from({ length: CLI_MAX_FINDINGS_PER_GATE + 7 }, (_, i) => finding({ line: i + 1 }));
    expect(renderCliReport([lintResult({ findings })])).toContain('  … 7 more (--format json lists every finding)');
  });

  it('shows the tail of the tool output when a gate failed without findings', () => {
    const out = renderCliReport([coverageResult({ conclusion: 'failure', title: 'tests timed out', output: 'line 1\nkilled after 600 s\n' })]);
    expect(out).toContain('coverage: tests timed out\n  | line 1\n  | killed after 600 s');
  });

  it('prints the coverage table worst first, capped with a count of the rest', () => {
    const files = Array.from({ length: CLI_MAX_COVERAGE_ROWS + 5 }, (_, i) => fileCoverage(`src/f${String(i).padStart(2, '0')}.ts`, Array.from({ length: i }, (_, j) => j + 1), [100]));
    const out = renderCliReport([coverageResult({ files })]);
    const table = out.slice(out.indexOf('Coverage by file, worst first'));
    const rows = table.split('\n').filter((line) => line.startsWith('src/'));
    expect(rows).toHaveLength(CLI_MAX_COVERAGE_ROWS);
    expect(rows[0]).toMatch(/^src\/f00.ts\s+0%\s+0\/1\s+100$/);
    expect(table).toContain(`… 5 more files`);
  });

  it('lists the connections the sandbox refused during the install once, even on a green run', () => {
    const line = 'the install tried to reach 169.254.169.254:80: refused (an IP address, not a registry name)';
    const report = renderCliReport([{ ...lintResult(), refusedConnections: [line] }, { ...docsResult(), refusedConnections: [line] }]);
    expect(report).toContain(`Network the sandbox refused during the install (QG_INSTALL_ALLOW_HOSTS allows a host)\n  ${line}\n`);
    expect(report.split(line)).toHaveLength(2);
    expect(renderCliReport([lintResult()])).not.toContain('refused');
  });

  it('prints no colour unless asked', () => {
    expect(renderCliReport([lintResult(), coverageResult()])).not.toContain('\x1b[');
    const coloured = renderCliReport([lintResult(), coverageResult()], { color: true });
    expect(coloured).toContain('\x1b[31mFAILED');
    expect(coloured).toContain('\x1b[32mPASSED');
  });

  it('strips terminal escapes that a tool put in its messages', () => {
    const out = renderCliReport([lintResult({ findings: [finding({ message: 'evil\x1b]0;title\x07 \x1b[2Jtext\nnext' })] })]);
    expect(out.includes('\x1b')).toBe(false);
    expect(out).toContain('evil text next');
  });
});

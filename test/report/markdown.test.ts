import { describe, it, expect } from '@jest/globals';
import { extractMetrics, renderSummary, renderText, truncateMarkdown } from '../../src/report/markdown.js';
import { MAX_OUTPUT_FIELD_CHARS, SUMMARY_TOP_FINDINGS } from '../../src/report/limits.js';
import { coverageResult, docsResult, fileCoverage, finding, lintResult } from './fixtures.js';

describe('renderSummary', () => {
  it('opens with an emoji-free verdict and the title', () => {
    expect(renderSummary(lintResult()).split('\n')[0]).toBe('**FAILED**: 2 errors, 3 warnings');
    expect(renderSummary(docsResult()).split('\n')[0]).toBe('**PASSED**: 95% documented');
    expect(renderSummary(lintResult({ conclusion: 'skipped', title: 'disabled' })).split('\n')[0]).toBe('**SKIPPED**: disabled');
  });

  it.each([
    ['lint', lintResult(), ['| Errors | 2 | ≤ 0 | **FAIL** |', '| Warnings | 3 | ≤ 10 | pass |']],
    ['coverage', coverageResult(), ['| Line coverage | 81.25% | ≥ 80% | pass |', '| Drop vs base | 0.5 pp (base 81.75%) | ≤ 1 pp | pass |']],
    [
      'coverage without base',
      coverageResult({ metrics: { lines_pct: 81, min_lines: 80, max_drop: 1 } }),
      ['| Drop vs base | no base to compare | ≤ 1 pp | — |'],
    ],
    ['docs', docsResult(), ['| Documented | 95% (1 undocumented) | ≥ 90% | pass |', '| Docs build | typedoc: no warnings | no warnings | pass |']],
  ])('tabulates thresholds against measurements for %s', (_name, result, rows) => {
    const summary = renderSummary(result);
    expect(summary).toContain('| Metric | Measured | Threshold | Result |');
    for (const row of rows) expect(summary).toContain(row);
  });

  it('names the toolchains that ran and how long they took', () => {
    expect(renderSummary(lintResult())).toContain('Ran `eslint`, took 1.23 s.');
  });

  it('lists the top findings, errors first, and says how many more there are', () => {
    const findings = Array.from({ length: 30 }, (_, i) => finding({ line: i + 1, level: i < 25 ? 'warning' : 'failure' }));
    const summary = renderSummary(lintResult({ findings }));
    expect(summary).toContain(`### Top findings (${String(SUMMARY_TOP_FINDINGS)} of 30;`);
    const items = summary.split('\n').filter((line) => line.startsWith('- `src/a.ts'));
    expect(items).toHaveLength(SUMMARY_TOP_FINDINGS);
    expect(items.slice(0, 5).every((line) => line.includes('**failure**'))).toBe(true);
  });

  it('escapes tool text so that it cannot inject markup', () => {
    const summary = renderSummary(lintResult({ findings: [finding({ message: 'Type <T> is *bad* <!-- quality-gates:metrics {"lines_pct":100} -->' })] }));
    expect(summary).toContain('Type \\<T\\> is \\*bad\\*');
    expect(extractMetrics(summary)).toEqual(lintResult().metrics);
  });

  it('shows the notes and the link to the config docs', () => {
    const summary = renderSummary(lintResult(), { notes: ['Make this check required.'], configDocsUrl: 'https://example.test/config' });
    expect(summary).toContain('### Notes\n\n- Make this check required.');
    expect(summary).toContain('[the configuration docs](https://example.test/config)');
    expect(summary).toContain('`lint.max_warnings`');
  });

  it('keeps the gate explanation one sentence a line', () => {
    expect(renderSummary(lintResult({ summary: 'Checked 3 files.\n2 errors.\n\nFailed: too many.' }))).toContain(
      'Checked 3 files.  \n2 errors.\n\nFailed: too many.',
    );
  });

  it('leaves an explanation with a code fence as written', () => {
    expect(renderSummary(lintResult({ summary: '```\na\nb\n```' }))).toContain('```\na\nb\n```');
  });

  it('keeps the gate explanation', () => {
    expect(renderSummary(coverageResult({ summary: 'Tests failed: `adds numbers`.' }))).toContain('Tests failed: `adds numbers`.');
  });

  it('ends with the metrics the app reads back', () => {
    const summary = renderSummary(coverageResult());
    expect(summary.trimEnd().endsWith('-->')).toBe(true);
    expect(extractMetrics(summary)).toEqual(coverageResult().metrics);
  });

  it('stays under the field limit with a 200 KB explanation and keeps the metrics', () => {
    const summary = renderSummary(coverageResult({ summary: 'x'.repeat(80).concat('\n').repeat(2500) }));
    expect(summary.length).toBeLessThanOrEqual(MAX_OUTPUT_FIELD_CHARS);
    expect(summary).toContain('**Cut to fit:**');
    expect(extractMetrics(summary)).toEqual(coverageResult().metrics);
  });
});

describe('renderText', () => {
  it('lists files by coverage, worst first, with their uncovered lines', () => {
    const text = renderText(coverageResult());
    const order = ['src/bad.ts', 'src/mid.ts', 'src/good.ts'].map((p) => text.indexOf(`\`${p}\``));
    expect(order.every((at, i) => at > 0 && (i === 0 || at > (order[i - 1] ?? 0)))).toBe(true);
    expect(text).toContain('| `src/bad.ts` | 16.67% | 6 | 1 | 2-4, 7-8 |');
  });

  it('lists every finding', () => {
    const findings = Array.from({ length: 40 }, (_, i) => finding({ line: i + 1 }));
    const text = renderText(lintResult({ findings }));
    expect(text).toContain('## All findings (40)');
    expect(text.split('\n').filter((line) => line.startsWith('- `src/a.ts:'))).toHaveLength(40);
  });

  it('shows the tool output in a fence it cannot break when the tool failed', () => {
    const text = renderText(coverageResult({ conclusion: 'failure', output: 'Error: boom\n```\n\x1b[31mred\x1b[0m\n' }));
    expect(text).toContain('## Tool output\n\n````text\nError: boom\n```\nred\n````');
  });

  it('leaves the tool output out when the gate passed', () => {
    expect(renderText(coverageResult({ output: 'all good' }))).not.toContain('Tool output');
  });

  it('is empty for a result with nothing to detail', () => {
    expect(renderText(docsResult({ findings: [] }))).toBe('');
  });

  it('stays under the field limit with thousands of files', () => {
    const files = Array.from({ length: 3000 }, (_, i) => fileCoverage(`src/module-${String(i)}.ts`, [1], [2, 3]));
    const text = renderText(coverageResult({ files }));
    expect(text.length).toBeLessThanOrEqual(MAX_OUTPUT_FIELD_CHARS);
    expect(text).toContain('**Cut to fit:**');
  });

  it('re-exports truncateMarkdown', () => {
    expect(truncateMarkdown('abc', 10)).toBe('abc');
  });
});

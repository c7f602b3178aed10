import { describe, expect, it } from '@jest/globals';
import { ConfigSchema } from '../../src/config/schema.js';
import { judgeDocs } from '../../src/gates/docs.js';
import type { DocItem, DocsMeasurement, Finding } from '../../src/gates/types.js';

const item = (name: string, documented: boolean): DocItem => ({ path: 'src/index.ts', line: 1, name, kind: 'function', documented });
const config = (min = 90) => ConfigSchema.parse({ docs: { min_documented: min } });
const buildWarning: Finding = { path: 'src/index.ts', line: 1, level: 'warning', message: 'Failed to resolve link', rule: 'typedoc' };

describe('judgeDocs', () => {
  it.each<[string, DocsMeasurement, number, string, Record<string, unknown>]>([
    ['passes when every export is documented', { items: [item('a', true), item('b', true)], buildFindings: [] }, 90, 'success', { documented_pct: 100, undocumented: 0, total: 2 }],
    ['fails below min_documented', { items: [item('a', true), item('b', false)], buildFindings: [] }, 90, 'failure', { documented_pct: 50, undocumented: 1, documented: 1 }],
    ['passes at exactly min_documented', { items: [item('a', true), item('b', false)], buildFindings: [] }, 50, 'success', { min_documented: 50 }],
    ['passes a package without exports', { items: [], buildFindings: [] }, 90, 'success', { documented_pct: 100, total: 0 }],
    [
      'fails when the docs build warned',
      { items: [item('a', true)], buildFindings: [buildWarning], build: { tool: 'typedoc', ok: false, output: 'warn' } },
      90,
      'failure',
      { build_ok: false, build_warnings: 1 },
    ],
    ['passes a clean docs build', { items: [item('a', true)], buildFindings: [], build: { tool: 'typedoc', ok: true, output: '' } }, 90, 'success', { build_ok: true }],
  ])('%s', (_name, m, min, conclusion, metrics) => {
    const result = judgeDocs(m, config(min));
    expect(result.conclusion).toBe(conclusion);
    expect(result.metrics).toMatchObject(metrics);
  });

  it('reports each undocumented export as a finding, then the build findings', () => {
    const result = judgeDocs(
      { items: [item('a', true), item('parse', false)], buildFindings: [buildWarning], build: { tool: 'typedoc', ok: false, output: 'out' } },
      config(),
    );
    expect(result.findings).toEqual([
      { path: 'src/index.ts', line: 1, level: 'warning', message: 'Exported function parse has no doc comment.', rule: 'undocumented-export' },
      buildWarning,
    ]);
    expect(result.summary).toContain('Undocumented: parse.');
    expect(result.title).toBe('50% documented, typedoc: 1 warning');
    expect(result.output).toBe('out');
  });
});

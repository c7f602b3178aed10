import { describe, expect, it } from '@jest/globals';
import { mergeMeasurements } from '../../src/gates/merge.js';

describe('mergeMeasurements', () => {
  it('adds up the tests and joins the files of several coverage toolchains', () => {
    const merged = mergeMeasurements('coverage', [
      { testsPassed: 2, testsFailed: 1, failedTests: ['js test'], files: [{ path: 'z.js', lines: 1, covered: 1, pct: 100, coveredLines: [1], uncoveredLines: [] }], output: 'js' },
      { testsPassed: 3, testsFailed: 0, failedTests: [], files: [{ path: 'a.py', lines: 2, covered: 0, pct: 0, coveredLines: [], uncoveredLines: [1, 2] }], output: '' },
    ]);
    expect(merged).toMatchObject({ testsPassed: 5, testsFailed: 1, failedTests: ['js test'], output: 'js' });
    expect(merged.files.map((f) => f.path)).toEqual(['a.py', 'z.js']);
  });

  it('joins doc items and builds, failing the build when any failed', () => {
    const merged = mergeMeasurements('docs', [
      { items: [{ path: 'a.ts', line: 1, name: 'a', kind: 'function', documented: true }], buildFindings: [] },
      { items: [], buildFindings: [{ path: 'a.ts', line: 1, level: 'warning', message: 'w' }], build: { tool: 'typedoc', ok: false, output: 'w' } },
      { items: [], buildFindings: [], build: { tool: 'sphinx', ok: true, output: '' } },
    ]);
    expect(merged.items).toHaveLength(1);
    expect(merged.buildFindings).toHaveLength(1);
    expect(merged.build).toEqual({ tool: 'typedoc + sphinx', ok: false, output: 'w' });
    expect(mergeMeasurements('docs', [{ items: [], buildFindings: [] }]).build).toBeUndefined();
  });
});

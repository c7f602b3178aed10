import { describe, expect, it } from '@jest/globals';
import type { ConfigInput } from '../../../src/config/schema.js';
import { runGates } from '../../../src/gates/run.js';
import { TOOLCHAINS } from '../../../src/gates/toolchains.js';
import type { GateResult } from '../../../src/gates/types.js';
import { fixtureWorkspace } from './fixture.js';

async function gatesOf(name: string, config: ConfigInput = {}): Promise<Record<string, GateResult>> {
  const ws = await fixtureWorkspace(name, config);
  try {
    const results = await runGates({ ...ws.ctx, toolchains: TOOLCHAINS });
    return Object.fromEntries(results.map((result) => [result.gate, result]));
  } finally {
    await ws.cleanup();
  }
}

describe('runGates on Python repositories', () => {
  it('passes every gate of a clean, tested, documented package with the Python toolchains only', async () => {
    const { lint, coverage, docs } = await gatesOf('py-pass');
    expect(lint?.conclusion).toBe('success');
    expect(lint?.metrics).toMatchObject({ errors: 0, warnings: 0 });
    expect(lint?.toolchains).toEqual(['flake8']);
    expect(coverage?.conclusion).toBe('success');
    expect(coverage?.metrics).toMatchObject({ lines_pct: 100, tests_passed: 4, tests_failed: 0 });
    expect(coverage?.toolchains).toEqual(['coverage.py']);
    expect(docs?.conclusion).toBe('success');
    expect(docs?.metrics).toMatchObject({ documented_pct: 100, undocumented: 0 });
  });

  it('fails lint only, on the PEP 8 errors the repository config does not allow', async () => {
    const { lint, coverage, docs } = await gatesOf('py-pep8');
    expect([lint?.conclusion, coverage?.conclusion, docs?.conclusion]).toEqual(['failure', 'success', 'success']);
    expect(lint?.metrics).toMatchObject({ errors: 3, warnings: 1 });
  });

  it('fails coverage only, below min_lines', async () => {
    const { lint, coverage, docs } = await gatesOf('py-lowcov');
    expect([lint?.conclusion, coverage?.conclusion, docs?.conclusion]).toEqual(['success', 'failure', 'success']);
    expect(coverage?.metrics.lines_pct).toBeLessThan(50);
    expect(coverage?.metrics.tests_passed).toBe(1);
  });

  it('fails coverage only, on failing tests, and names them', async () => {
    const { lint, coverage, docs } = await gatesOf('py-tests-fail');
    expect([lint?.conclusion, coverage?.conclusion, docs?.conclusion]).toEqual(['success', 'failure', 'success']);
    expect(coverage?.metrics).toMatchObject({ tests_passed: 2, tests_failed: 2 });
    expect(coverage?.summary).toContain('tests/test_greet.py::test_shout');
  });

  it('fails docs only, when public definitions lack docstrings', async () => {
    const { lint, coverage, docs } = await gatesOf('py-nodocs');
    expect([lint?.conclusion, coverage?.conclusion, docs?.conclusion]).toEqual(['success', 'success', 'failure']);
    expect(docs?.metrics).toMatchObject({ documented_pct: 20, undocumented: 4 });
    expect(docs?.findings).toHaveLength(4);
  });

  it('fails the coverage gate with pip output when the install fails, leaving lint and docs alone', async () => {
    const { lint, coverage, docs } = await gatesOf('py-pass', { coverage: { install: 'pip install quality-gates-no-such-package==9.9.9' } });
    expect(coverage?.conclusion).toBe('failure');
    expect(coverage?.output).toContain('quality-gates-no-such-package');
    expect(lint?.conclusion).toBe('success');
    expect(docs?.conclusion).toBe('success');
  });
});

import { describe, expect, it } from '@jest/globals';
import path from 'node:path';
import { main } from '../../src/cli/main.js';
import type { GateResult } from '../../src/gates/types.js';

const REPOS = path.resolve(import.meta.dirname, '../fixtures/repos');

async function runJson(repo: string): Promise<{ code: number | undefined; results: GateResult[] }> {
  let out = '';
  const io = { env: process.env, stdout: (t: string) => void (out += t), stderr: () => undefined };
  const code = await main(['run', path.join(REPOS, repo), '--format', 'json'], io);
  return { code, results: JSON.parse(out) as GateResult[] };
}

describe('quality-gates run on Python repositories', () => {
  it('passes a clean Python package with the same metric names as for JavaScript', async () => {
    const { code, results } = await runJson('py-pass');
    const byGate = Object.fromEntries(results.map((r) => [r.gate, r]));
    expect(byGate.lint?.metrics).toMatchObject({ errors: 0, warnings: 0 });
    expect(byGate.coverage?.metrics).toMatchObject({ tests_failed: 0 });
    expect(Number(byGate.coverage?.metrics.lines_pct)).toBeGreaterThanOrEqual(80);
    expect(byGate.docs?.metrics).toMatchObject({ undocumented: 0, documented_pct: 100 });
    expect(results.every((r) => r.toolchains?.some((t) => /flake8|coverage|docstring/.test(t)))).toBe(true);
    expect(code).toBe(0);
  });

  it('fails the lint gate with PEP 8 codes, honouring the repository flake8 config', async () => {
    const { code, results } = await runJson('py-pep8');
    const lint = results.find((r) => r.gate === 'lint');
    expect(lint?.conclusion).toBe('failure');
    const rules = new Set(lint?.findings.map((f) => f.rule));
    expect([...rules].every((rule) => rule !== undefined && /^[EWFC]\d+$/.test(rule))).toBe(true);
    // setup.cfg sets max-line-length = 100 and extend-ignore = E731: neither may be reported.
    expect(rules.has('E731')).toBe(false);
    expect(lint?.findings.some((f) => f.rule === 'E501' && f.message.includes('> 79'))).toBe(false);
    expect(code).toBe(1);
  });
});

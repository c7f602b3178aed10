import { describe, expect, it } from '@jest/globals';
import { CONFIG_DOCS_PATH, CONFIG_DOCS_URL, checkOutput, commitPageUrl, configDocsUrl } from '../../src/pipeline/report.js';
import type { GateResult } from '../../src/gates/types.js';

const result: GateResult = {
  gate: 'coverage',
  conclusion: 'success',
  title: '91% lines',
  summary: 'All good.',
  metrics: { lines_pct: 91, min_lines: 80, tests_passed: 3, tests_failed: 0 },
  findings: [],
};

describe('check output', () => {
  it('links the config reference served by the app when its public URL is known', () => {
    expect(configDocsUrl('https://qg.example.org/')).toBe(`https://qg.example.org${CONFIG_DOCS_PATH}`);
    expect(configDocsUrl(undefined)).toBe(CONFIG_DOCS_URL);
    expect(checkOutput(result, [], configDocsUrl('https://qg.example.org')).summary).toContain(
      `https://qg.example.org${CONFIG_DOCS_PATH}`,
    );
  });

  it('links the dashboard\'s commit page when the public URL is known, and nothing without it', () => {
    const commit = { owner: 'octo org', repo: 'widgets', sha: 'a'.repeat(40) };
    const url = commitPageUrl('https://qg.example.org/', commit);
    expect(url).toBe(`https://qg.example.org/quality-gates/octo%20org/widgets/commit/${'a'.repeat(40)}`);
    expect(checkOutput(result, [], CONFIG_DOCS_URL, url).summary).toContain(`[the dashboard](${url ?? ''})`);
    expect(commitPageUrl(undefined, commit)).toBeUndefined();
    expect(checkOutput(result, []).summary).not.toContain('the dashboard');
  });

  it('embeds the machine-readable metrics exactly once', () => {
    const { summary } = checkOutput(result, ['a note']);
    expect(summary.match(/quality-gates:metrics/g)).toHaveLength(1);
    expect(summary).toContain('a note');
  });
});

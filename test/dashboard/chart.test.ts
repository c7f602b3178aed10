import { describe, expect, it } from '@jest/globals';
import { LINT_SERIES, PERCENT_SERIES, trendChart } from '../../src/dashboard/chart.js';
import { escapeHtml, html, raw } from '../../src/dashboard/html.js';
import type { HistorySummary } from '../../src/store/history.js';

function run(i: number, metrics: Record<string, number>, gate: 'lint' | 'coverage' = 'coverage'): HistorySummary {
  return { id: i, jobId: String(i), owner: 'o', repo: 'r', sha: String(i).repeat(40), trigger: 'push', finishedAt: i, durationMs: 0, onDefaultBranch: true, phases: {}, gates: [{ gate, conclusion: 'success', title: '', metrics }], fromCache: false };
}

describe('trend chart', () => {
  it('draws a point only where a commit measured the series, and the latest threshold', () => {
    const runs = [run(1, { lines_pct: 50, min_lines: 70 }), run(2, {}), run(3, { lines_pct: 90, min_lines: 80 })];
    const svg = trendChart('Coverage', runs, PERCENT_SERIES, 100).text;
    expect(svg.split('class="point point-coverage"').length - 1).toBe(2);
    expect(svg).toContain('threshold: 80');
    expect(svg).not.toContain('point-docs');
    expect(svg).toContain('(3 commits)');
  });

  it('labels at most about ten commits under the axis, always the newest', () => {
    const runs = Array.from({ length: 25 }, (_, i) => run(i + 1, { lines_pct: 80 }));
    const svg = trendChart('Coverage', runs, PERCENT_SERIES, 100).text;
    const labels = [...svg.matchAll(/class="x-tick"[^>]*>(\w+)</g)].map((m) => m[1]);
    expect(labels.length).toBeLessThanOrEqual(11);
    expect(labels.at(-1)).toBe('2525252');
    expect(labels[0]).toBe('1111111');
  });

  it('scales counts to the largest value or threshold, and says so when nothing was measured', () => {
    const svg = trendChart('Lint findings', [run(1, { errors: 0, warnings: 40, max_warnings: 10 }, 'lint')], LINT_SERIES).text;
    expect(svg).toContain('>40</text>');
    expect(trendChart('Lint findings', [], LINT_SERIES).text).toContain('No lint findings recorded');
  });
});

describe('html', () => {
  it('escapes text, keeps safe markup, and drops empty values', () => {
    expect(html`<p title="${'"x"'}">${'<b>'}${raw('<i>ok</i>')}${[1, undefined, false, null]}</p>`.toString()).toBe('<p title="&quot;x&quot;">&lt;b&gt;<i>ok</i>1</p>');
    expect(escapeHtml("a'b&")).toBe('a&#39;b&amp;');
  });
});

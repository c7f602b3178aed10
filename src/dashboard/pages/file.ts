/**
 * A file of a commit: its source as the run saw it (stored with the result, never fetched again),
 * covered and uncovered lines marked, and each finding beside its line.
 * @module
 */
import type { FileCoverage, Finding, GateName } from '../../gates/types.js';
import type { HistorySummary } from '../../store/history.js';
import { html, type SafeHtml } from '../html.js';
import { dashboardPaths } from '../paths.js';

/** What the page shows. */
export interface FilePageData {
  /** The run. */
  run: HistorySummary;
  /** The file's path. */
  path: string;
  /** Its source text. */
  source: string;
  /** Its coverage, when the coverage gate measured it. */
  coverage?: FileCoverage;
  /** Findings on it. */
  findings: (Finding & { gate: GateName })[];
}

/** The file page's body. */
export function filePage(data: FilePageData): SafeHtml {
  const { run, coverage } = data;
  const uncovered = new Set(coverage?.uncoveredLines ?? []);
  const covered = new Set(coverage?.coveredLines ?? []);
  const byLine = new Map<number, (Finding & { gate: GateName })[]>();
  for (const f of data.findings) byLine.set(f.line, [...(byLine.get(f.line) ?? []), f]);
  const lines = data.source.replace(/\n$/, '').split('\n');
  const rowClass = (n: number) => (uncovered.has(n) ? 'uncovered' : covered.has(n) ? 'covered' : '');
  return html`<h1><a href="${dashboardPaths.repository(run.owner, run.repo)}">${run.owner}/${run.repo}</a> @ <a href="${dashboardPaths.commit(run.owner, run.repo, run.sha)}"><code>${run.sha.slice(0, 7)}</code></a></h1>
<h2><code>${data.path}</code></h2>
<p class="muted">${coverage ? `${String(coverage.covered)} of ${String(coverage.lines)} lines covered (${coverage.pct.toFixed(1)}%); uncovered lines are marked red.` : 'No coverage measured for this file.'} ${data.findings.length} finding${data.findings.length === 1 ? '' : 's'}.</p>
<div class="source"><table><tbody>
${lines.map((text, i) => {
  const n = i + 1;
  const notes = byLine.get(n) ?? [];
  return html`<tr id="L${n}" class="${rowClass(n)}"><td class="ln">${n}</td><td class="code">${text}</td><td class="note">${notes.map((f) => html`<div class="${f.level}">${f.gate}: ${f.message}${f.rule ? ` (${f.rule})` : ''}</div>`)}</td></tr>`;
})}
</tbody></table></div>`;
}

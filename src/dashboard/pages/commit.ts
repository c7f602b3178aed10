/**
 * A commit's page: each gate's verdict, the time each phase took, the per-file coverage worst first
 * (each file opens its file view), and the findings.
 * @module
 */
import type { FileCoverage } from '../../gates/types.js';
import type { HistoryDetail, HistorySummary } from '../../store/history.js';
import { html, type SafeHtml } from '../html.js';
import { dashboardPaths } from '../paths.js';
import { duration, githubLinks, runKind, verdict, when, type GitHubWeb } from './common.js';

/** Findings listed on the commit page (the file view shows each file's all). */
export const COMMIT_PAGE_FINDINGS = 200;

/** What the page shows. */
export interface CommitPageData {
  /** The run. */
  run: HistorySummary;
  /** Its per-file detail. */
  detail: HistoryDetail;
  /** Where GitHub is. */
  web: GitHubWeb;
}

/** Files ordered as a maintainer reads them: least covered first, then by path. */
export function worstFirst(files: readonly FileCoverage[]): FileCoverage[] {
  return [...files].sort((a, b) => a.pct - b.pct || a.path.localeCompare(b.path));
}

const pct = (n: number) => `${(Math.round(n * 10) / 10).toFixed(1)}%`;

function fileLink(run: HistorySummary, detail: HistoryDetail, path: string): SafeHtml {
  return detail.sourcePaths.includes(path) ? html`<a href="${dashboardPaths.file(run.owner, run.repo, run.sha, path)}"><code>${path}</code></a>` : html`<code>${path}</code>`;
}

function coverageTable(data: CommitPageData): SafeHtml {
  const { run, detail } = data;
  if (detail.files.length === 0) return html`<p class="empty">No per-file coverage in this run.</p>`;
  return html`<table class="files"><thead><tr><th>File</th><th class="num">Coverage</th><th class="num">Lines</th><th class="num">Covered</th><th class="num">Uncovered</th></tr></thead><tbody>
${worstFirst(detail.files).map((f) => html`<tr><td>${fileLink(run, detail, f.path)}</td><td class="num"><meter class="bar" min="0" max="100" low="50" high="80" optimum="100" value="${Math.round(f.pct * 10) / 10}">${pct(f.pct)}</meter> ${pct(f.pct)}</td><td class="num">${f.lines}</td><td class="num">${f.covered}</td><td class="num">${f.lines - f.covered}</td></tr>`)}
</tbody></table>`;
}

function findingsList(data: CommitPageData): SafeHtml {
  const { run, detail } = data;
  if (detail.findings.length === 0) return html`<p class="empty">No findings.</p>`;
  const shown = detail.findings.slice(0, COMMIT_PAGE_FINDINGS);
  return html`<table class="findings"><thead><tr><th>Gate</th><th>Where</th><th>Level</th><th>Message</th></tr></thead><tbody>
${shown.map((f) => html`<tr><td>${f.gate}</td><td>${fileLink(run, detail, f.path)}:${f.line}</td><td class="${f.level === 'failure' ? 'failure' : 'neutral'}">${f.level}</td><td>${f.message}${f.rule ? html` <code>${f.rule}</code>` : ''}</td></tr>`)}
</tbody></table>${shown.length < detail.findings.length ? html`<p class="muted">${detail.findings.length - shown.length} more in the check runs.</p>` : ''}`;
}

/** The commit page's body. */
export function commitPage(data: CommitPageData): SafeHtml {
  const { run } = data;
  const phases = Object.entries(run.phases).filter((e): e is [string, number] => e[1] !== undefined);
  return html`<h1><a href="${dashboardPaths.repository(run.owner, run.repo)}">${run.owner}/${run.repo}</a> @ <code>${run.sha.slice(0, 7)}</code></h1>
<p class="muted">${runKind(run)} · finished ${when(run.finishedAt)} · ${duration(run.durationMs)} from webhook to verdict${run.fromCache ? ' · results from the tree cache' : ''} · ${githubLinks(data.web, run)}</p>
${run.error ? html`<p class="failure">The gates could not run: ${run.error}</p>` : ''}
<div class="cards">${run.gates.map((g) => html`<div class="card gate-${g.gate}"><h3>${g.gate}</h3><div>${verdict(g.conclusion)} · ${g.title}</div></div>`)}</div>
<h2>Phases</h2><table class="phases"><tbody>${phases.map(([name, ms]) => html`<tr><td>${name.replace('_', ' ')}</td><td class="num">${duration(ms)}</td></tr>`)}</tbody></table>
<h2>Coverage by file, worst first</h2>${coverageTable(data)}
<h2>Findings</h2>${findingsList(data)}`;
}

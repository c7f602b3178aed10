/**
 * A repository's page: the default branch's current verdicts, the trend charts over its last commits,
 * the recent runs (pull requests and pushes), and how to put its badges in a README.
 * @module
 */
import { GATE_NAMES } from '../../gates/types.js';
import type { HistorySummary, RepositoryInfo } from '../../store/history.js';
import { LINT_SERIES, PERCENT_SERIES, trendChart } from '../chart.js';
import { html, type SafeHtml } from '../html.js';
import { dashboardPaths } from '../paths.js';
import { duration, gateOf, githubLinks, runKind, verdict, when, type GitHubWeb } from './common.js';

/** Commits of the default branch drawn in the trend charts. */
export const TREND_COMMITS = 50;

/** Runs listed under "Recent runs". */
export const RECENT_RUNS = 30;

/** What the page shows. */
export interface RepositoryPageData {
  /** The repository. */
  repository: RepositoryInfo;
  /** Default-branch runs, newest first. */
  defaultRuns: HistorySummary[];
  /** Recent runs of any kind, newest first. */
  recentRuns: HistorySummary[];
  /** Where GitHub is. */
  web: GitHubWeb;
  /** The app's public URL (badge snippets). */
  publicUrl: string;
  /** Private repositories: whether the viewer may create a badge URL (push access). */
  canManageBadges: boolean;
  /** The viewer's CSRF token, for the badge form. */
  csrfToken?: string;
}

function currentCards(latest: HistorySummary | undefined, data: RepositoryPageData): SafeHtml {
  const { owner, repo } = data.repository;
  return html`<div class="cards">${GATE_NAMES.map((gate) => {
    const g = gateOf(latest, gate);
    const badge = data.repository.private ? '' : html`<img alt="${gate} badge" src="${dashboardPaths.badge(owner, repo, gate)}">`;
    return html`<div class="card gate-${gate}"><h3>${gate}</h3><div>${verdict(g?.conclusion)} ${g ? html`· ${g.title}` : html`<span class="muted">no run yet</span>`}</div><div>${badge}</div></div>`;
  })}</div>`;
}

function runsTable(data: RepositoryPageData): SafeHtml {
  if (data.recentRuns.length === 0) return html`<p class="empty">No runs recorded yet.</p>`;
  const { owner, repo } = data.repository;
  return html`<table class="runs"><thead><tr><th>When</th><th>What</th><th>Commit</th>${GATE_NAMES.map((g) => html`<th>${g}</th>`)}<th class="num">Duration</th><th>GitHub</th></tr></thead><tbody>
${data.recentRuns.map((run) => html`<tr><td>${when(run.finishedAt)}</td><td>${runKind(run)}${run.error ? html`<div class="failure">${run.error}</div>` : ''}</td>
<td><a href="${dashboardPaths.commit(owner, repo, run.sha)}"><code>${run.sha.slice(0, 7)}</code></a></td>
${GATE_NAMES.map((gate) => html`<td>${verdict(gateOf(run, gate)?.conclusion)}</td>`)}
<td class="num">${duration(run.durationMs)}</td><td>${githubLinks(data.web, run)}</td></tr>`)}
</tbody></table>`;
}

function badgeSection(data: RepositoryPageData): SafeHtml {
  const { owner, repo } = data.repository;
  const base = data.publicUrl.replace(/\/+$/, '');
  if (!data.repository.private) {
    const lines = GATE_NAMES.map((gate) => `![${gate}](${base}${dashboardPaths.badge(owner, repo, gate)})`);
    return html`<p>Paste into the README:</p><pre class="snippet">${lines.join('\n')}</pre>`;
  }
  if (!data.canManageBadges) return html`<p class="muted">Badges of a private repository need a secret URL, which people with write access to the repository can create here.</p>`;
  return html`<p>Badges of a private repository carry a secret token in their URL. Creating a new URL shows it once and stops the previous one from working.</p>
<form method="post" action="${dashboardPaths.badgeToken(owner, repo)}"><input type="hidden" name="csrf" value="${data.csrfToken ?? ''}"><button type="submit">Create a new badge URL</button></form>`;
}

/** The repository page's body. */
export function repositoryPage(data: RepositoryPageData): SafeHtml {
  const { owner, repo, defaultBranch } = data.repository;
  const trend = [...data.defaultRuns].reverse();
  return html`<h1>${owner}/${repo} <span class="tag">${data.repository.private ? 'private' : 'public'}</span></h1>
<p class="muted">Default branch <code>${defaultBranch}</code> · <a href="${data.web.url}/${owner}/${repo}">on GitHub</a></p>
<h2>Default branch now</h2>${currentCards(data.defaultRuns[0], data)}
<h2>Trend over the last ${trend.length} commits of ${defaultBranch}</h2>
${trendChart('Coverage and documentation', trend, PERCENT_SERIES, 100)}
${trendChart('Lint findings', trend, LINT_SERIES)}
<h2>Recent runs</h2>${runsTable(data)}
<h2>Badges</h2>${badgeSection(data)}`;
}

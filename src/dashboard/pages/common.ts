/**
 * Small pieces the dashboard's pages share: a verdict, a duration, a time, links to GitHub.
 * @module
 */
import type { Conclusion, GateName } from '../../gates/types.js';
import type { HistoryGate, HistorySummary } from '../../store/history.js';
import { html, type SafeHtml } from '../html.js';

/** Where GitHub's web pages are (`https://github.com`, or a GitHub Enterprise host). */
export interface GitHubWeb {
  /** Base URL without a trailing slash. */
  url: string;
}

/** A verdict word in its colour. */
export function verdict(conclusion: Conclusion | undefined): SafeHtml {
  return conclusion === undefined ? html`<span class="neutral">—</span>` : html`<span class="${conclusion}">${conclusion}</span>`;
}

/**
 * A duration for people: `850 ms`, `12.4 s`, `3 min 5 s`.
 * @param ms Milliseconds.
 */
export function duration(ms: number | undefined): string {
  if (ms === undefined) return '—';
  if (ms < 1000) return `${String(Math.round(ms))} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${String(Math.floor(ms / 60_000))} min ${String(Math.round((ms % 60_000) / 1000))} s`;
}

/**
 * A time in UTC, to the minute (pages are the same for every viewer and cacheable).
 * @param at Milliseconds since the epoch.
 */
export function when(at: number): string {
  return `${new Date(at).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** The gate of a run, if it ran. */
export function gateOf(run: HistorySummary | undefined, gate: GateName): HistoryGate | undefined {
  return run?.gates.find((g) => g.gate === gate);
}

/** Links to the commit, the pull request and the check runs on GitHub. */
export function githubLinks(web: GitHubWeb, run: HistorySummary): SafeHtml {
  const repo = `${web.url}/${encodeURIComponent(run.owner)}/${encodeURIComponent(run.repo)}`;
  const checks = run.gates.flatMap((g) => (g.checkRunId === undefined ? [] : [html`<a href="${repo}/runs/${g.checkRunId}">${g.gate}</a>`]));
  return html`<a href="${repo}/commit/${run.sha}">commit</a>${run.pullRequest === undefined ? '' : html` · <a href="${repo}/pull/${run.pullRequest}">#${run.pullRequest}</a>`}${checks.length > 0 ? html` · checks: ${checks.map((c, i) => html`${i > 0 ? ', ' : ''}${c}`)}` : ''}`;
}

/** What a run was: a pull request, a push to a branch, a re-run. */
export function runKind(run: HistorySummary): string {
  if (run.pullRequest !== undefined) return `pull request #${String(run.pullRequest)}${run.branch ? ` (${run.branch})` : ''}`;
  return `${run.trigger === 'push' ? 'push' : run.trigger.replace('_', ' ')} to ${run.branch ?? 'a branch'}`;
}

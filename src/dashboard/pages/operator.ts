/**
 * The operator's page (logins of `QG_ADMINS` only): the queue's depth, the jobs each worker runs now,
 * recent failures with their reasons, p50/p99 of each phase over the last hour, the version and the
 * sandbox in use — what an operator would otherwise piece together from `/metrics` and the logs.
 * @module
 */
import type { HistorySummary } from '../../store/history.js';
import { html, type SafeHtml } from '../html.js';
import { dashboardPaths } from '../paths.js';
import { duration, runKind, when } from './common.js';

/** A job a worker is running. */
export interface RunningJob {
  /** The worker (lease owner). */
  worker: string;
  /** Job id. */
  jobId: string;
  /** `owner/repo`. */
  repository: string;
  /** The commit. */
  sha: string;
  /** When it started (ms since epoch), when known. */
  startedAt?: number;
}

/** What the page shows. */
export interface OperatorData {
  /** Jobs by state. */
  counts: Record<string, number>;
  /** Jobs running now. */
  running: RunningJob[];
  /** Runs of the last hour, newest first. */
  lastHour: HistorySummary[];
  /** Recent runs that failed or could not run, newest first. */
  failures: HistorySummary[];
  /** The app's version. */
  version: string;
  /** The queue's backend (`sqlite`, `redis`). */
  backend: string;
  /** The sandbox in use, or why there is none. */
  sandbox: { available: boolean; mode?: string; reason?: string };
  /** Now (ms since epoch). */
  now: number;
}

/**
 * The value below which `q` of the sorted values lie (nearest rank).
 * @param sorted Ascending values.
 * @param q 0–1.
 */
export function quantile(sorted: readonly number[], q: number): number | undefined {
  if (sorted.length === 0) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** p50 and p99 of each phase over the given runs, phases in the order a job meets them. */
export function phaseQuantiles(runs: readonly HistorySummary[]): { phase: string; count: number; p50: number; p99: number }[] {
  const order = ['queue_wait', 'config', 'fetch', 'install', 'lint', 'coverage', 'docs', 'total'];
  const values = new Map<string, number[]>();
  for (const run of runs) {
    for (const [phase, ms] of [...Object.entries(run.phases), ['total', run.durationMs] as const]) {
      if (typeof ms === 'number') values.set(phase, [...(values.get(phase) ?? []), ms]);
    }
  }
  const rank = (p: string) => (order.includes(p) ? order.indexOf(p) : order.length);
  return [...values.entries()]
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .map(([phase, list]) => {
      const sorted = [...list].sort((a, b) => a - b);
      return { phase, count: sorted.length, p50: quantile(sorted, 0.5) ?? 0, p99: quantile(sorted, 0.99) ?? 0 };
    });
}

/** Why a run failed, in one line. */
function reason(run: HistorySummary): string {
  if (run.error) return run.error;
  return run.gates.filter((g) => g.conclusion === 'failure').map((g) => `${g.gate}: ${g.title}`).join('; ');
}

/** The operator page's body. */
export function operatorPage(data: OperatorData): SafeHtml {
  const byWorker = new Map<string, RunningJob[]>();
  for (const job of data.running) byWorker.set(job.worker, [...(byWorker.get(job.worker) ?? []), job]);
  const quantiles = phaseQuantiles(data.lastHour);
  return html`<h1>Operator</h1>
<p class="muted">quality-gates ${data.version} · queue on ${data.backend} · sandbox ${data.sandbox.available ? html`<strong>${data.sandbox.mode ?? 'auto'}</strong>` : html`<span class="failure">unavailable: ${data.sandbox.reason ?? 'unknown'}</span>`}</p>
<h2>Queue</h2><table class="counts"><tbody>${Object.entries(data.counts).map(([state, n]) => html`<tr><td>${state}</td><td class="num">${n}</td></tr>`)}</tbody></table>
<h2>Running now</h2>${byWorker.size === 0 ? html`<p class="empty">No job is running.</p>` : html`<table class="running"><thead><tr><th>Worker</th><th class="num">Jobs</th><th>Which</th></tr></thead><tbody>
${[...byWorker.entries()].map(([worker, jobs]) => html`<tr><td><code>${worker}</code></td><td class="num">${jobs.length}</td><td>${jobs.map((j) => html`<div>${j.repository} <code>${j.sha.slice(0, 7)}</code>${j.startedAt === undefined ? '' : html` <span class="muted">for ${duration(data.now - j.startedAt)}</span>`}</div>`)}</td></tr>`)}
</tbody></table>`}
<h2>Phases over the last hour (${data.lastHour.length} runs)</h2>${quantiles.length === 0 ? html`<p class="empty">No run finished in the last hour.</p>` : html`<table class="phases"><thead><tr><th>Phase</th><th class="num">Runs</th><th class="num">p50</th><th class="num">p99</th></tr></thead><tbody>
${quantiles.map((q) => html`<tr><td>${q.phase.replace('_', ' ')}</td><td class="num">${q.count}</td><td class="num">${duration(q.p50)}</td><td class="num">${duration(q.p99)}</td></tr>`)}
</tbody></table>`}
<h2>Recent failures</h2>${data.failures.length === 0 ? html`<p class="empty">No failure recorded recently.</p>` : html`<table class="failures"><thead><tr><th>When</th><th>Repository</th><th>What</th><th>Reason</th></tr></thead><tbody>
${data.failures.map((run) => html`<tr><td>${when(run.finishedAt)}</td><td><a href="${dashboardPaths.commit(run.owner, run.repo, run.sha)}">${run.owner}/${run.repo}</a></td><td>${runKind(run)}</td><td>${reason(run)}</td></tr>`)}
</tbody></table>`}`;
}

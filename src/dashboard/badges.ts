/**
 * The README badges, `/quality-gates/badge/{owner}/{repo}/{coverage|lint|docs}.svg`: the default
 * branch's latest verdict drawn by badge-maker (shields.io's own renderer) in its flat style, so a
 * badge looks like every other badge in a README.
 * @module
 */
import { makeBadge } from 'badge-maker';
import type { GateName, MetricValue } from '../gates/types.js';
import type { HistorySummary } from '../store/history.js';

/** The badges a repository has, one per gate, and their labels. */
export const BADGE_LABELS: Record<GateName, string> = { coverage: 'coverage', lint: 'lint', docs: 'docs' };

/**
 * `Cache-Control` of a badge. GitHub's image proxy (camo) keeps an image as long as this allows;
 * `no-cache` makes it ask again on every view, so a README shows the verdict of the latest push.
 */
export const BADGE_CACHE_CONTROL = 'max-age=60, no-cache, must-revalidate';

const num = (value: MetricValue | undefined): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
const pct = (value: number): string => `${String(Math.round(value * 10) / 10)}%`;

/** The words and colour of a gate's badge, from the latest run (`unknown` in grey without one). */
export function badgeText(gate: GateName, run: HistorySummary | undefined): { message: string; color: string } {
  const result = run?.gates.find((g) => g.gate === gate);
  if (!result) return { message: 'unknown', color: 'lightgrey' };
  if (result.conclusion === 'skipped' || result.conclusion === 'neutral') return { message: result.conclusion === 'skipped' ? 'disabled' : 'n/a', color: 'lightgrey' };
  const color = result.conclusion === 'success' ? 'brightgreen' : 'red';
  const m = result.metrics;
  if (gate === 'coverage') {
    const lines = num(m.lines_pct);
    return { message: lines === undefined ? result.conclusion : pct(lines), color };
  }
  if (gate === 'docs') {
    const documented = num(m.documented_pct);
    return { message: documented === undefined ? result.conclusion : `${pct(documented)} documented`, color };
  }
  const errors = num(m.errors);
  const warnings = num(m.warnings);
  if (errors === undefined || warnings === undefined) return { message: result.conclusion, color };
  if (errors === 0 && warnings === 0) return { message: 'clean', color };
  const parts = [errors > 0 ? `${String(errors)} error${errors === 1 ? '' : 's'}` : '', warnings > 0 ? `${String(warnings)} warning${warnings === 1 ? '' : 's'}` : ''];
  return { message: parts.filter(Boolean).join(', '), color };
}

/**
 * The badge's SVG.
 * @param gate Which gate.
 * @param run The default branch's latest run, if any.
 */
export function renderBadge(gate: GateName, run: HistorySummary | undefined): string {
  const { message, color } = badgeText(gate, run);
  return makeBadge({ label: BADGE_LABELS[gate], message, color, style: 'flat' });
}

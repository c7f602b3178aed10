/**
 * The trend charts of a repository page, drawn on the server as SVG: d3-scale maps values to pixels and
 * d3-shape writes the path strings, so the page needs no script and no CDN. Each commit is one
 * `<circle>` per series (with a `<title>` tooltip) and each threshold a dashed line: a reader counts
 * commits by the points, and sees at a glance which side of the bar the line runs. The first series is
 * drawn last, on top, where two series meet (coverage and documentation both at 100 %).
 * @module
 */
import { scaleLinear, scalePoint } from 'd3-scale';
import { line } from 'd3-shape';
import type { MetricValue } from '../gates/types.js';
import type { HistorySummary } from '../store/history.js';
import { html, type SafeHtml } from './html.js';

/** Chart size in SVG units (it scales to the page's width). */
export const CHART_WIDTH = 720;
/** Chart height in SVG units. */
export const CHART_HEIGHT = 220;
const MARGIN = { top: 12, right: 16, bottom: 34, left: 44 };

/** One plotted series. */
export interface Series {
  /** Id used in CSS classes (`point-coverage`). */
  id: string;
  /** Legend text. */
  label: string;
  /** Which gate and metric the values come from. */
  gate: string;
  /** Metric name. */
  metric: string;
  /** Metric holding the threshold drawn as a line, if any. */
  threshold?: string;
}

/** The percentage chart: line coverage and documented share. */
export const PERCENT_SERIES: Series[] = [
  { id: 'coverage', label: 'Line coverage %', gate: 'coverage', metric: 'lines_pct', threshold: 'min_lines' },
  { id: 'docs', label: 'Documented %', gate: 'docs', metric: 'documented_pct', threshold: 'min_documented' },
];

/** The count chart: lint errors and warnings. */
export const LINT_SERIES: Series[] = [
  { id: 'errors', label: 'Lint errors', gate: 'lint', metric: 'errors', threshold: 'max_errors' },
  { id: 'warnings', label: 'Lint warnings', gate: 'lint', metric: 'warnings', threshold: 'max_warnings' },
];

const num = (value: MetricValue | undefined): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

function metricOf(run: HistorySummary, gate: string, metric: string): number | undefined {
  return num(run.gates.find((g) => g.gate === gate)?.metrics[metric]);
}

/**
 * An SVG chart of `series` over `runs` (oldest first), or a sentence when there is nothing to draw.
 * @param title Accessible name of the chart.
 * @param runs Default-branch runs, oldest first.
 * @param series What to plot.
 * @param fixedMax Top of the value axis (100 for percentages); otherwise from the data.
 */
export function trendChart(title: string, runs: readonly HistorySummary[], series: readonly Series[], fixedMax?: number): SafeHtml {
  const plotted = series.filter((s) => runs.some((r) => metricOf(r, s.gate, s.metric) !== undefined));
  if (plotted.length === 0) return html`<p class="empty">No ${title.toLowerCase()} recorded on the default branch yet.</p>`;
  const x = scalePoint<number>()
    .domain(runs.map((_, i) => i))
    .range([MARGIN.left, CHART_WIDTH - MARGIN.right])
    .padding(0.5);
  const latest = runs.at(-1);
  const thresholds = plotted.map((s) => (s.threshold && latest ? metricOf(latest, s.gate, s.threshold) : undefined));
  const values = plotted.flatMap((s) => runs.map((r) => metricOf(r, s.gate, s.metric) ?? 0));
  const top = fixedMax ?? Math.max(1, ...values, ...thresholds.map((t) => t ?? 0));
  const y = scaleLinear().domain([0, top]).nice().range([CHART_HEIGHT - MARGIN.bottom, MARGIN.top]);
  // Short shas under the points, at most about ten, so they never overlap.
  const every = Math.ceil(runs.length / 10);
  const shas = runs.flatMap((run, i) => (i % every === 0 || i === runs.length - 1 ? [html`<text class="x-tick" x="${x(i) ?? 0}" y="${CHART_HEIGHT - MARGIN.bottom + 14}">${run.sha.slice(0, 7)}</text>`] : []));
  const ticks = y.ticks(5).map((t) => html`<g class="tick"><line x1="${MARGIN.left}" x2="${CHART_WIDTH - MARGIN.right}" y1="${y(t)}" y2="${y(t)}"/><text x="${MARGIN.left - 6}" y="${y(t) + 4}">${t}</text></g>`);
  const drawn = plotted.map((s, index) => {
    const points = runs.flatMap((run, i) => {
      const value = metricOf(run, s.gate, s.metric);
      return value === undefined ? [] : [{ i, value, run }];
    });
    const path = line<{ i: number; value: number }>()
      .x((p) => x(p.i) ?? 0)
      .y((p) => y(p.value))(points);
    const threshold = thresholds[index];
    return html`<g class="series series-${s.id}">
<path class="trend" d="${path ?? ''}"/>
${threshold === undefined ? '' : html`<line class="threshold" x1="${MARGIN.left}" x2="${CHART_WIDTH - MARGIN.right}" y1="${y(threshold)}" y2="${y(threshold)}"><title>${s.label} threshold: ${threshold}</title></line>`}
${points.map((p) => html`<circle class="point point-${s.id}" cx="${x(p.i) ?? 0}" cy="${y(p.value)}" r="3.5"><title>${p.run.sha.slice(0, 7)}: ${s.label} ${p.value}</title></circle>`)}
</g>`;
  });
  const legend = plotted.map((s, i) => html`<span class="legend legend-${s.id}">${s.label}${thresholds[i] === undefined ? '' : ` (threshold ${String(thresholds[i])})`}</span>`);
  return html`<figure class="chart"><svg viewBox="0 0 ${CHART_WIDTH} ${CHART_HEIGHT}" role="img" aria-label="${title}">
<g class="axis">${ticks}${shas}<text class="axis-label" x="${CHART_WIDTH - MARGIN.right}" y="${CHART_HEIGHT - 2}">oldest → newest (${runs.length} commits)</text></g>
${[...drawn].reverse()}
</svg><figcaption>${legend}</figcaption></figure>`;
}

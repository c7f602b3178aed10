/**
 * Machine-readable metrics inside a check run's summary, as an HTML comment GitHub does not render. The app
 * reads the base commit's coverage check run to compute the drop, without a database of its own.
 * @module
 */
import type { GateResult, MetricValue } from '../gates/types.js';

/** Opens the embedded metrics comment; the JSON follows on the same line. */
export const METRICS_MARKER = '<!-- quality-gates:metrics ';

const COMMENT_END = ' -->';

/**
 * The result's metrics as an HTML comment. `<` and `>` are written as JSON escapes so that no string
 * value can close the comment early or open a second one.
 */
export function embedMetrics(result: Pick<GateResult, 'metrics'>): string {
  const json = JSON.stringify(result.metrics).replace(/</g, '\\u003c').replace(/>/g, '\\u003e');
  return `${METRICS_MARKER}${json}${COMMENT_END}`;
}

const isMetricValue = (value: unknown): value is MetricValue =>
  value === null || typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean';

/**
 * The metrics embedded in a summary, or undefined when there are none or they do not parse. The last
 * comment wins: the reporter appends its own after everything else in the summary.
 */
export function extractMetrics(text: string): Record<string, MetricValue> | undefined {
  const start = text.lastIndexOf(METRICS_MARKER);
  if (start === -1) return undefined;
  const end = text.indexOf(COMMENT_END, start + METRICS_MARKER.length);
  if (end === -1) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.slice(start + METRICS_MARKER.length, end));
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  const out: Record<string, MetricValue> = {};
  for (const [key, value] of Object.entries(parsed)) if (isMetricValue(value)) out[key] = value;
  return out;
}

/**
 * Reads a {@link GateResult}'s metrics as "threshold against measured" rows. Gates put their thresholds into
 * `metrics` beside the measurements, under the config key's name, so a report never needs the config:
 *
 * | gate | measured | threshold |
 * | --- | --- | --- |
 * | lint | `errors`, `warnings` (all files); `errors_in_diff`, `warnings_in_diff` (with `scope: changed`) | `max_errors`, `max_warnings` |
 * | coverage | `tests_passed`, `tests_failed`, `lines_pct`, `patch_pct`, `drop`, `base_lines_pct` | `min_lines`, `min_patch`, `max_drop` |
 * | docs | `documented_pct`, `undocumented`, `build_ok`, `build_warnings`, optional `build` (tool name or `none`) | `min_documented` |
 *
 * When `errors_in_diff`/`warnings_in_diff` are present, they are what the thresholds apply to.
 * `drop` is `base_lines_pct - lines_pct` in percentage points; both are absent (or null) without a base.
 * @module
 */
import type { GateResult, MetricValue } from '../gates/types.js';
import { formatNumber, formatPct } from './format.js';

/** Whether a row's measurement met its threshold; `info` when there is nothing to compare. */
export type RowStatus = 'pass' | 'fail' | 'info';

/** One line of the "threshold against measured" table. */
export interface MetricRow {
  /** What is measured, for people (`Line coverage`). */
  label: string;
  /** The measurement, formatted. */
  measured: string;
  /** The threshold, formatted (`≤ 10`, `≥ 80%`), or `—`. */
  threshold: string;
  /** Whether the measurement met the threshold. */
  status: RowStatus;
  /** True when the threshold is a number compared with the measurement (worth repeating in a short form). */
  numeric: boolean;
}

const num = (value: MetricValue | undefined): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;

/** A row comparing `measured` with an upper (`max`) or lower (`min`) bound, either of which may be absent. */
function compare(
  label: string,
  measured: number | undefined,
  bound: number | undefined,
  kind: 'max' | 'min',
  format: (n: number) => string,
): MetricRow | undefined {
  if (measured === undefined) return undefined;
  if (bound === undefined) return { label, measured: format(measured), threshold: '—', status: 'info', numeric: false };
  const ok = kind === 'max' ? measured <= bound : measured >= bound;
  return { label, measured: format(measured), threshold: `${kind === 'max' ? '≤' : '≥'} ${format(bound)}`, status: ok ? 'pass' : 'fail', numeric: true };
}

function lintRows(m: GateResult['metrics']): (MetricRow | undefined)[] {
  const errorsInDiff = num(m.errors_in_diff);
  const warningsInDiff = num(m.warnings_in_diff);
  if (errorsInDiff === undefined && warningsInDiff === undefined) {
    return [
      compare('Errors', num(m.errors), num(m.max_errors), 'max', formatNumber),
      compare('Warnings', num(m.warnings), num(m.max_warnings), 'max', formatNumber),
    ];
  }
  const all: MetricRow = {
    label: 'In all files',
    measured: `${formatNumber(num(m.errors) ?? 0)} errors, ${formatNumber(num(m.warnings) ?? 0)} warnings`,
    threshold: 'not counted',
    status: 'info',
    numeric: false,
  };
  return [
    compare('Errors on changed lines', errorsInDiff, num(m.max_errors), 'max', formatNumber),
    compare('Warnings on changed lines', warningsInDiff, num(m.max_warnings), 'max', formatNumber),
    all,
  ];
}

function coverageRows(m: GateResult['metrics']): (MetricRow | undefined)[] {
  const failed = num(m.tests_failed);
  const passed = num(m.tests_passed);
  const tests: MetricRow | undefined =
    failed === undefined && passed === undefined
      ? undefined
      : {
          label: 'Tests',
          measured: `${formatNumber(passed ?? 0)} passed, ${formatNumber(failed ?? 0)} failed`,
          threshold: '0 failed',
          status: (failed ?? 0) === 0 ? 'pass' : 'fail',
          numeric: false,
        };
  const lines = num(m.lines_pct);
  const base = num(m.base_lines_pct);
  const drop = num(m.drop) ?? (base !== undefined && lines !== undefined ? base - lines : undefined);
  const dropRow: MetricRow | undefined =
    lines === undefined
      ? undefined
      : base === undefined || drop === undefined
      ? { label: 'Drop vs base', measured: 'no base to compare', threshold: maxDropText(m), status: 'info', numeric: false }
      : {
          ...(compare('Drop vs base', drop, num(m.max_drop), 'max', (n) => `${formatNumber(n)} pp`) as MetricRow),
          measured: `${formatNumber(drop)} pp (base ${formatPct(base)})`,
        };
  const patch =
    compare('Patch coverage', num(m.patch_pct), num(m.min_patch), 'min', formatPct) ??
    ('patch_pct' in m ? { label: 'Patch coverage', measured: 'no changed executable lines', threshold: '—', status: 'info' as const, numeric: false } : undefined);
  return [tests, compare('Line coverage', lines, num(m.min_lines), 'min', formatPct), patch, dropRow];
}

const maxDropText = (m: GateResult['metrics']): string => {
  const max = num(m.max_drop);
  return max === undefined ? '—' : `≤ ${formatNumber(max)} pp`;
};

function docsRows(m: GateResult['metrics']): (MetricRow | undefined)[] {
  const documented = compare('Documented', num(m.documented_pct), num(m.min_documented), 'min', formatPct);
  const undocumented = num(m.undocumented);
  if (documented !== undefined && undocumented !== undefined) {
    documented.measured += ` (${formatNumber(undocumented)} undocumented)`;
  }
  const tool = typeof m.build === 'string' ? m.build : 'build';
  let build: MetricRow | undefined;
  if (m.build === 'none') build = { label: 'Docs build', measured: 'not configured', threshold: '—', status: 'info', numeric: false };
  else if (typeof m.build_ok === 'boolean') {
    const ok = m.build_ok;
    const warnings = num(m.build_warnings);
    const problems = warnings === undefined ? 'failed or warned' : `${formatNumber(warnings)} warnings`;
    build = { label: 'Docs build', measured: `${tool}: ${ok ? 'no warnings' : problems}`, threshold: 'no warnings', status: ok ? 'pass' : 'fail', numeric: false };
  }
  return [documented, build];
}

/** The rows relevant to the result's gate, in reading order; metrics that are absent give no row. */
export function metricRows(result: GateResult): MetricRow[] {
  const rows =
    result.gate === 'lint' ? lintRows(result.metrics) : result.gate === 'coverage' ? coverageRows(result.metrics) : docsRows(result.metrics);
  return rows.filter((row): row is MetricRow => row !== undefined);
}

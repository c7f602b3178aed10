/**
 * The CLI's text report: one table row per gate, then the findings of each failing gate, then the
 * per-file coverage table. Plain text unless colour is asked for, so it pipes and logs cleanly.
 * @module
 */
import type { Conclusion, GateResult } from '../gates/types.js';
import {
  VERDICT_WORDS,
  byImportance,
  findingLocation,
  formatLineRanges,
  formatPct,
  sanitizeLine,
  worstCoverageFirst,
} from './format.js';
import { CLI_MAX_COVERAGE_ROWS, CLI_MAX_FINDINGS_PER_GATE } from './limits.js';
import { metricRows } from './metric-rows.js';

/** How the report is printed. */
export interface CliReportOptions {
  /** Colour the verdicts with ANSI escapes (the CLI asks when stdout is a terminal and NO_COLOR is unset). */
  color?: boolean;
}

const ANSI: Record<Conclusion, string> = {
  success: '\x1b[32m',
  failure: '\x1b[31m',
  neutral: '\x1b[33m',
  cancelled: '\x1b[33m',
  skipped: '\x1b[2m',
};
const ANSI_RESET = '\x1b[0m';
const ANSI_BOLD = '\x1b[1m';

/** Pads cells to their column's width; the widths are of the plain text, colour is added after. */
function table(rows: string[][], paint: (row: number, col: number, text: string) => string = (_r, _c, t) => t): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((text, col) => (widths[col] = Math.max(widths[col] ?? 0, text.length)));
  return rows
    .map((row, r) =>
      row
        .map((text, col) => paint(r, col, col === row.length - 1 ? text : text.padEnd(widths[col] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function keyMetrics(result: GateResult): string {
  return metricRows(result)
    .map((row) => `${row.label.toLowerCase()} ${row.measured}${row.numeric ? ` [${row.threshold}]` : ''}`)
    .join('; ');
}

function findingsSection(result: GateResult): string {
  const findings = [...result.findings].sort(byImportance);
  const shown = findings.slice(0, CLI_MAX_FINDINGS_PER_GATE).map((f) => {
    const rule = f.rule === undefined ? '' : ` (${sanitizeLine(f.rule)})`;
    return `  ${sanitizeLine(findingLocation(f))} ${f.level} ${sanitizeLine(f.message)}${rule}`;
  });
  if (findings.length > shown.length) {
    shown.push(`  … ${String(findings.length - shown.length)} more (--format json lists every finding)`);
  }
  const header = `${result.gate}: ${sanitizeLine(result.title)}`;
  const output =
    findings.length === 0 && result.output !== undefined && result.output.trim() !== ''
      ? `\n${result.output
          .trimEnd()
          .split('\n')
          .slice(-20)
          .map((line) => `  | ${sanitizeLine(line)}`)
          .join('\n')}`
      : '';
  return shown.length === 0 ? `${header}${output}` : `${header}\n${shown.join('\n')}`;
}

function coverageSection(results: readonly GateResult[]): string {
  const files = worstCoverageFirst(results.flatMap((r) => r.files ?? []));
  if (files.length === 0) return '';
  const rows = [['File', 'Coverage', 'Lines', 'Uncovered lines']];
  for (const file of files.slice(0, CLI_MAX_COVERAGE_ROWS)) {
    rows.push([sanitizeLine(file.path), formatPct(file.pct), `${String(file.covered)}/${String(file.lines)}`, formatLineRanges(file.uncoveredLines)]);
  }
  const more = files.length > CLI_MAX_COVERAGE_ROWS ? `\n… ${String(files.length - CLI_MAX_COVERAGE_ROWS)} more files` : '';
  return `Coverage by file, worst first\n${table(rows)}${more}`;
}

/** The connections the install tried and the sandbox refused, once for all gates: worth a look even on a green run. */
function refusalsSection(results: readonly GateResult[]): string {
  const lines = [...new Set(results.flatMap((r) => r.refusedConnections ?? []))];
  if (lines.length === 0) return '';
  return `Network the sandbox refused during the install (QG_INSTALL_ALLOW_HOSTS allows a host)\n${lines.map((line) => `  ${sanitizeLine(line)}`).join('\n')}`;
}

/** The whole report for a terminal. */
export function renderCliReport(results: readonly GateResult[], options: CliReportOptions = {}): string {
  const rows = [['Gate', 'Verdict', 'Title', 'Key metrics']];
  for (const result of results) {
    rows.push([result.gate, VERDICT_WORDS[result.conclusion], sanitizeLine(result.title), keyMetrics(result)]);
  }
  const paint = (row: number, col: number, text: string): string => {
    if (options.color !== true) return text;
    if (row === 0) return `${ANSI_BOLD}${text}${ANSI_RESET}`;
    const result = results[row - 1];
    return col === 1 && result !== undefined ? `${ANSI[result.conclusion]}${text}${ANSI_RESET}` : text;
  };
  const sections = [
    table(rows, paint),
    ...results.filter((r) => r.conclusion === 'failure').map(findingsSection),
    coverageSection(results),
    refusalsSection(results),
  ].filter((section) => section !== '');
  return `${sections.join('\n\n')}\n`;
}

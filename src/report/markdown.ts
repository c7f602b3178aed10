/**
 * The check run's Markdown: `output.summary`, what a maintainer reads at a glance (verdict, thresholds
 * against measurements, top findings), and `output.text`, the detail (every file's coverage, every finding,
 * the tool's output when the tool itself failed). Both always fit GitHub's field limit.
 * @module
 */
import type { Finding, GateName, GateResult } from '../gates/types.js';
import { embedMetrics } from './embed.js';
import {
  VERDICT_WORDS,
  byImportance,
  escapeMarkdown,
  findingLocation,
  formatLineRanges,
  formatNumber,
  formatPct,
  inlineCode,
  stripTerminalEscapes,
  worstCoverageFirst,
} from './format.js';
import { MAX_OUTPUT_FIELD_CHARS, SUMMARY_TOP_FINDINGS } from './limits.js';
import { metricRows, type RowStatus } from './metric-rows.js';
import { truncateMarkdown } from './truncate.js';

export { truncateMarkdown } from './truncate.js';
export { embedMetrics, extractMetrics } from './embed.js';

/** What the app adds to a summary that the result cannot know. */
export interface SummaryOptions {
  /** Link to the documentation of the configuration keys. */
  configDocsUrl?: string;
  /** Lines shown under "Notes" (an enforcement hint, a config fallback), as Markdown. */
  notes?: string[];
  /** The dashboard's page of this commit (per-file coverage, file view, trend), when the app has a public URL. */
  historyUrl?: string;
}

/** The configuration keys that set each gate's thresholds, named in the summary's footer. */
const GATE_KEYS: Record<GateName, string[]> = {
  lint: ['lint.max_errors', 'lint.max_warnings', 'lint.scope'],
  coverage: ['coverage.min_lines', 'coverage.min_patch', 'coverage.max_drop'],
  docs: ['docs.min_documented', 'docs.build'],
};

const STATUS_WORDS: Record<RowStatus, string> = { pass: 'pass', fail: '**FAIL**', info: '—' };

const cell = (text: string): string => text.replaceAll('|', '\\|');

/** One finding as a Markdown list item; tool text is escaped so that it renders as written. */
export function findingItem(finding: Finding): string {
  const rule = finding.rule === undefined ? '' : ` (${inlineCode(finding.rule)})`;
  return `- ${inlineCode(findingLocation(finding))} **${finding.level}** ${escapeMarkdown(finding.message)}${rule}`;
}

/**
 * Gates write their explanation one sentence a line; Markdown would run the lines together, so they
 * get hard breaks. Text with code fences is left alone (the breaks would show inside the code).
 */
function explanation(summary: string): string {
  const text = summary.trim();
  return text.includes('```') ? text : text.replace(/([^\n])\n(?!\n)/g, '$1  \n');
}

function thresholdTable(result: GateResult): string {
  const rows = metricRows(result);
  if (rows.length === 0) return '';
  const lines = ['| Metric | Measured | Threshold | Result |', '| --- | --- | --- | --- |'];
  for (const row of rows) {
    lines.push(`| ${row.label} | ${cell(row.measured)} | ${cell(row.threshold)} | ${STATUS_WORDS[row.status]} |`);
  }
  return lines.join('\n');
}

function ranWith(result: GateResult): string {
  const parts: string[] = [];
  if (result.toolchains !== undefined && result.toolchains.length > 0) {
    parts.push(`Ran ${result.toolchains.map((t) => inlineCode(t)).join(', ')}`);
  }
  if (result.durationMs !== undefined) parts.push(`took ${formatNumber(result.durationMs / 1000)} s`);
  return parts.length === 0 ? '' : `${parts.join(', ')}.`;
}

function topFindings(findings: readonly Finding[]): string {
  if (findings.length === 0) return '';
  const top = [...findings].sort(byImportance).slice(0, SUMMARY_TOP_FINDINGS);
  const heading =
    top.length < findings.length
      ? `### Top findings (${String(top.length)} of ${String(findings.length)}; all are in the details and annotations)`
      : `### Findings (${String(findings.length)})`;
  return `${heading}\n\n${top.map(findingItem).join('\n')}`;
}

function footer(result: GateResult, options: SummaryOptions): string {
  const keys = GATE_KEYS[result.gate].map((k) => inlineCode(k)).join(', ');
  const docs = options.configDocsUrl === undefined ? 'the configuration docs' : `[the configuration docs](${options.configDocsUrl})`;
  const history = options.historyUrl === undefined ? '' : ` Per-file coverage, the file view and the trend: [the dashboard](${options.historyUrl}).`;
  return `Thresholds come from ${inlineCode('.github/quality-gates.yml')} on the default branch (${keys}); see ${docs}.${history}`;
}

/**
 * The check run's `output.summary`: verdict line, the gate's own explanation, thresholds against
 * measurements, toolchains, top findings, notes, a pointer to the config keys, and the metrics as a
 * hidden comment (always kept whole, even when the rest is cut).
 */
export function renderSummary(result: GateResult, options: SummaryOptions = {}): string {
  const notes = options.notes ?? [];
  const sections = [
    `**${VERDICT_WORDS[result.conclusion]}**: ${escapeMarkdown(result.title)}`,
    explanation(result.summary),
    thresholdTable(result),
    ranWith(result),
    topFindings(result.findings),
    notes.length === 0 ? '' : `### Notes\n\n${notes.map((n) => `- ${n}`).join('\n')}`,
    footer(result, options),
  ].filter((section) => section !== '');
  const metrics = embedMetrics(result);
  const body = truncateMarkdown(sections.join('\n\n'), MAX_OUTPUT_FIELD_CHARS - metrics.length - 2);
  return `${body}\n\n${metrics}`;
}

function coverageTable(result: GateResult): string {
  const files = result.files ?? [];
  if (files.length === 0) return '';
  const lines = [
    `## Coverage by file, worst first (${String(files.length)} files)`,
    '',
    '| File | Coverage | Lines | Covered | Uncovered lines |',
    '| --- | ---: | ---: | ---: | --- |',
  ];
  for (const file of worstCoverageFirst(files)) {
    lines.push(
      `| ${cell(inlineCode(file.path))} | ${formatPct(file.pct)} | ${String(file.lines)} | ${String(file.covered)} | ${formatLineRanges(file.uncoveredLines)} |`,
    );
  }
  return lines.join('\n');
}

/** A fenced block that no backtick run inside `text` can close early. */
function fenced(raw: string): string {
  const text = stripTerminalEscapes(raw);
  const longest = Math.max(2, ...Array.from(text.matchAll(/`{3,}/g), (m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}text\n${text.replace(/\n$/, '')}\n${fence}`;
}

/**
 * The check run's `output.text`: the per-file coverage table (worst first), every finding, and the tool's
 * output when the gate failed for a reason other than a threshold.
 */
export function renderText(result: GateResult): string {
  const findings = [...result.findings].sort(byImportance);
  const sections = [
    coverageTable(result),
    findings.length === 0 ? '' : `## All findings (${String(findings.length)})\n\n${findings.map(findingItem).join('\n')}`,
    result.conclusion === 'failure' && result.output !== undefined && result.output.trim() !== ''
      ? `## Tool output\n\n${fenced(result.output)}`
      : '',
  ].filter((section) => section !== '');
  return truncateMarkdown(sections.join('\n\n'), MAX_OUTPUT_FIELD_CHARS);
}

/**
 * Small formatting rules shared by the Markdown and terminal reporters, so that both say the same thing
 * the same way: verdict words, numbers, locations, worst-first file order, and safe text from tools.
 * @module
 */
import type { Conclusion, FileCoverage, Finding, FindingLevel } from '../gates/types.js';
import { MAX_UNCOVERED_CELL_CHARS } from './limits.js';

/** The verdict as a word, without emoji: readable in a terminal, a screen reader and a plain-text email. */
export const VERDICT_WORDS: Record<Conclusion, string> = {
  success: 'PASSED',
  failure: 'FAILED',
  neutral: 'NEUTRAL',
  cancelled: 'CANCELLED',
  skipped: 'SKIPPED',
};

/** A number as a person reads it: whole numbers as is, others with at most two decimals. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(2)));
}

/** A percentage (`81.25%`). */
export const formatPct = (value: number): string => `${formatNumber(value)}%`;

/**
 * Tool output may carry terminal escapes and control characters (a hostile repository can print anything):
 * they are dropped, and line breaks become spaces so that one finding stays one line.
 */
export function sanitizeLine(text: string): string {
  // eslint-disable-next-line no-control-regex -- stripping control characters is the point
  return text.replace(TERMINAL_ESCAPE, '').replace(/[\r\n\t]+/g, ' ').replace(/[\x00-\x1f\x7f]/g, '');
}

/** CSI sequences (colours, cursor moves) and OSC sequences (window titles, hyperlinks). */
// eslint-disable-next-line no-control-regex -- matching escape sequences is the point
const TERMINAL_ESCAPE = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/g;

/** Drops terminal escapes and control characters from multi-line tool output, keeping line breaks and tabs. */
export function stripTerminalEscapes(text: string): string {
  // eslint-disable-next-line no-control-regex -- stripping control characters is the point
  return text.replace(TERMINAL_ESCAPE, '').replace(/\r\n/g, '\n').replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '');
}

/**
 * Escapes Markdown and HTML in text that came from a tool, so that it renders as written and cannot
 * inject markup (or a fake metrics comment) into the check run.
 */
export function escapeMarkdown(text: string): string {
  return sanitizeLine(text).replace(/[\\`*_{}[\]<>()#+!|~&]/g, '\\$&');
}

/** Text as an inline code span, whatever backticks it contains. */
export function inlineCode(text: string): string {
  const clean = sanitizeLine(text);
  const longest = Math.max(0, ...Array.from(clean.matchAll(/`+/g), (m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = clean.startsWith('`') || clean.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${clean}${pad}${fence}`;
}

/** `path:line:column`, the shape terminals and editors turn into links. */
export function findingLocation(finding: Finding): string {
  const column = finding.column === undefined ? '' : `:${String(finding.column)}`;
  return `${finding.path}:${String(finding.line)}${column}`;
}

const LEVEL_ORDER: Record<FindingLevel, number> = { failure: 0, warning: 1, notice: 2 };

/** Errors first, then warnings, then notices; within a level by path and line, so reports are stable. */
export function byImportance(a: Finding, b: Finding): number {
  return (
    LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level] ||
    (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) ||
    a.line - b.line ||
    (a.column ?? 0) - (b.column ?? 0)
  );
}

/** Files by coverage, worst first; ties by the most uncovered lines, then by path. */
export function worstCoverageFirst(files: readonly FileCoverage[]): FileCoverage[] {
  return [...files].sort(
    (a, b) =>
      a.pct - b.pct || b.lines - b.covered - (a.lines - a.covered) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0),
  );
}

/** Ascending line numbers as ranges (`3-7, 12`), cut with an ellipsis when long. */
export function formatLineRanges(lines: readonly number[], maxChars: number = MAX_UNCOVERED_CELL_CHARS): string {
  const ranges: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const first = lines[i] ?? 0;
    let last = first;
    while (i + 1 < lines.length && lines[i + 1] === last + 1) last = lines[++i] ?? last;
    ranges.push(first === last ? String(first) : `${String(first)}-${String(last)}`);
    i++;
  }
  const text = ranges.join(', ');
  if (text.length <= maxChars) return text;
  const cut = text.slice(0, maxChars);
  return `${cut.slice(0, Math.max(0, cut.lastIndexOf(',')))}, …`;
}

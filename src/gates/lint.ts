/**
 * The lint gate's judge: lint findings + thresholds (+ the changed lines) → verdict. Pure.
 * @module
 */
import type { Config } from '../config/schema.js';
import type { ChangedLines, Finding, GateResult, LintMeasurement } from './types.js';
import { plural, shortList } from './wording.js';

/** Most frequent rules named in the summary. */
const TOP_RULES = 5;

/** Whether any line of the finding is among the changed lines of its file. */
export function isInDiff(finding: Finding, changedLines: ChangedLines): boolean {
  const lines = changedLines.get(finding.path);
  if (!lines) return false;
  for (let line = finding.line; line <= (finding.endLine ?? finding.line); line++) if (lines.has(line)) return true;
  return false;
}

/** Findings with `inDiff` set from the changed lines (a copy; the input is not changed). */
export function markInDiff(findings: readonly Finding[], changedLines: ChangedLines): Finding[] {
  return findings.map((f) => ({ ...f, inDiff: isInDiff(f, changedLines) }));
}

function count(findings: readonly Finding[]): { errors: number; warnings: number } {
  return {
    errors: findings.filter((f) => f.level === 'failure').length,
    warnings: findings.filter((f) => f.level === 'warning').length,
  };
}

function topRules(findings: readonly Finding[]): string[] {
  const counts = new Map<string, number>();
  for (const f of findings) if (f.rule !== undefined) counts.set(f.rule, (counts.get(f.rule) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, TOP_RULES)
    .map(([rule, n]) => `${rule} (${String(n)})`);
}

/**
 * Judges lint findings against `max_errors` and `max_warnings`. With `scope: changed` and changed lines,
 * only findings on changed lines count; the others are still reported.
 */
export function judgeLint(measurement: LintMeasurement, config: Config, changedLines?: ChangedLines): GateResult {
  const { max_errors: maxErrors, max_warnings: maxWarnings } = config.lint;
  const findings = changedLines ? markInDiff(measurement.findings, changedLines) : [...measurement.findings];
  const all = count(findings);
  const diffOnly = config.lint.scope === 'changed' && changedLines !== undefined;
  const counted = diffOnly ? count(findings.filter((f) => f.inDiff === true)) : all;
  const metrics: GateResult['metrics'] = {
    errors: all.errors,
    warnings: all.warnings,
    max_errors: maxErrors,
    max_warnings: maxWarnings,
    files_checked: measurement.filesChecked,
  };
  if (diffOnly) {
    metrics.errors_in_diff = counted.errors;
    metrics.warnings_in_diff = counted.warnings;
  }
  const where = diffOnly ? ' on changed lines' : '';
  const summary = [...(measurement.notes ?? []), `Checked ${plural(measurement.filesChecked, 'file')}.`];
  summary.push(`${plural(counted.errors, 'error')}${where} (at most ${String(maxErrors)} allowed).`);
  summary.push(`${plural(counted.warnings, 'warning')}${where} (at most ${String(maxWarnings)} allowed).`);
  if (diffOnly) summary.push(`In all files: ${plural(all.errors, 'error')}, ${plural(all.warnings, 'warning')}; only changed lines count.`);
  const failed: string[] = [];
  if (counted.errors > maxErrors) failed.push(`${plural(counted.errors, 'error')} exceed max_errors = ${String(maxErrors)}`);
  if (counted.warnings > maxWarnings) failed.push(`${plural(counted.warnings, 'warning')} exceed max_warnings = ${String(maxWarnings)}`);
  const rules = topRules(diffOnly ? findings.filter((f) => f.inDiff === true) : findings);
  if (rules.length > 0) summary.push(`Most frequent rules: ${shortList(rules, TOP_RULES)}.`);
  if (failed.length > 0) summary.push(`Failed: ${failed.join('; ')}.`);
  return {
    gate: 'lint',
    conclusion: failed.length > 0 ? 'failure' : 'success',
    title: `${plural(counted.errors, 'error')}, ${plural(counted.warnings, 'warning')}${where}`,
    summary: summary.join('\n'),
    metrics,
    findings,
  };
}

/**
 * The coverage gate's judge: test results + line coverage + thresholds (+ changed lines, base
 * coverage) → verdict. Pure.
 * @module
 */
import type { Config } from '../config/schema.js';
import { patchCoverage } from './diff.js';
import type { ChangedLines, CoverageMeasurement, FileCoverage, Finding, GateResult } from './types.js';
import { pct, plural, round2, shortList } from './wording.js';

/** Failing test names listed in the summary (the full list is in the tool output). */
const FAILED_NAMES_SHOWN = 10;

/** Total coverage over every file, and the branches counted in it (coverage.py's total); undefined when nothing executable was measured. */
export function totalLines(
  files: readonly FileCoverage[],
): { pct: number; covered: number; total: number; branches?: { total: number; covered: number } } | undefined {
  let covered = 0;
  let total = 0;
  let branchesCovered = 0;
  let branches = 0;
  for (const file of files) {
    covered += file.covered;
    total += file.lines;
    branchesCovered += file.branches?.covered ?? 0;
    branches += file.branches?.total ?? 0;
  }
  if (total + branches === 0) return undefined;
  const pct = ((covered + branchesCovered) / (total + branches)) * 100;
  return branches === 0 ? { pct, covered, total } : { pct, covered, total, branches: { total: branches, covered: branchesCovered } };
}

/**
 * One finding per run of uncovered changed lines: consecutive executable lines of a file that are
 * changed and uncovered, with no covered executable line between them, become one range.
 */
export function uncoveredChangedFindings(files: readonly FileCoverage[], changed: ChangedLines): Finding[] {
  const findings: Finding[] = [];
  for (const file of files) {
    const lines = changed.get(file.path);
    if (!lines) continue;
    const uncovered = new Set(file.uncoveredLines);
    const executable = [...file.coveredLines, ...file.uncoveredLines].sort((a, b) => a - b);
    let start: number | undefined;
    let end = 0;
    const flush = () => {
      if (start === undefined) return;
      const finding: Finding = {
        path: file.path,
        line: start,
        level: 'warning',
        message: start === end ? 'This changed line is not covered by any test.' : `Changed lines ${String(start)}–${String(end)} are not covered by any test.`,
        rule: 'uncovered-line',
        inDiff: true,
      };
      if (end !== start) finding.endLine = end;
      findings.push(finding);
      start = undefined;
    };
    for (const line of executable) {
      if (uncovered.has(line) && lines.has(line)) {
        start ??= line;
        end = line;
      } else {
        // A covered line, or an uncovered line outside the diff, ends the range.
        flush();
      }
    }
    flush();
  }
  return findings;
}

/** Judges a test run with coverage against `min_lines`, `min_patch` and `max_drop`; failing tests always fail. */
export function judgeCoverage(
  m: CoverageMeasurement,
  config: Config,
  changedLines?: ChangedLines,
  baseLinesPct?: number,
): GateResult {
  const { min_lines: minLines, min_patch: minPatch, max_drop: maxDrop } = config.coverage;
  const total = totalLines(m.files);
  const linesPct = total ? round2(total.pct) : 0;
  const metrics: GateResult['metrics'] = {
    lines_pct: linesPct,
    tests_passed: m.testsPassed,
    tests_failed: m.testsFailed,
    min_lines: minLines,
    min_patch: minPatch,
    max_drop: maxDrop,
    lines_covered: total?.covered ?? 0,
    lines_total: total?.total ?? 0,
  };
  const counted = m.testsPassed + m.testsFailed > 0;
  // Zero and zero means a runner whose summary we cannot read (a custom harness) or no test at all.
  const summary = [
    counted
      ? `Tests: ${String(m.testsPassed)} passed, ${String(m.testsFailed)} failed.`
      : 'Tests: none counted (0 passed, 0 failed): the test command succeeded, but printed no test summary quality-gates can read, or ran no test.',
  ];
  const failed: string[] = [];
  if (m.testsFailed > 0) {
    const names = m.failedTests.length > 0 ? `: ${shortList(m.failedTests, FAILED_NAMES_SHOWN)}` : '';
    failed.push(`${plural(m.testsFailed, 'test')} failed${names}`);
  }
  if (total?.branches) {
    const what = `${plural(total.total, 'statement')} and ${plural(total.branches.total, 'branch', 'branches')}`;
    summary.push(`Coverage: ${pct(linesPct)} of ${what}, counted as coverage.py counts them (at least ${pct(minLines)} required).`);
  } else if (total) summary.push(`Line coverage: ${pct(linesPct)} of ${plural(total.total, 'line')} (at least ${pct(minLines)} required).`);
  else summary.push('No coverage data: the tests loaded no source file of the repository.');
  summary.push(...(m.notes ?? []));
  if (linesPct < minLines) failed.push(`line coverage ${pct(linesPct)} is below min_lines = ${pct(minLines)}`);
  const findings: Finding[] = [];
  let patch: ReturnType<typeof patchCoverage>;
  if (changedLines) {
    patch = patchCoverage(m.files, changedLines);
    metrics.patch_pct = patch ? round2(patch.pct) : null;
    if (patch) {
      summary.push(`Patch coverage: ${pct(patch.pct)} of ${plural(patch.total, 'changed executable line')} (at least ${pct(minPatch)} required).`);
      if (patch.pct < minPatch) failed.push(`patch coverage ${pct(patch.pct)} is below min_patch = ${pct(minPatch)}`);
    } else summary.push('Patch coverage: no changed executable line.');
    findings.push(...uncoveredChangedFindings(m.files, changedLines));
  }
  if (baseLinesPct !== undefined) {
    const drop = round2(baseLinesPct - linesPct);
    metrics.base_lines_pct = round2(baseLinesPct);
    metrics.drop = drop;
    summary.push(`Against the base: ${pct(baseLinesPct)} → ${pct(linesPct)} (at most ${String(maxDrop)} points of drop allowed).`);
    if (drop > maxDrop) failed.push(`coverage dropped by ${String(drop)} points, more than max_drop = ${String(maxDrop)}`);
  }
  if (failed.length > 0) summary.push(`Failed: ${failed.join('; ')}.`);
  const titleParts = [`${pct(linesPct)} lines`];
  if (patch) titleParts.push(`${pct(patch.pct)} patch`);
  if (!counted) titleParts.push('no test counted');
  else titleParts.push(m.testsFailed > 0 ? `${plural(m.testsFailed, 'test')} failed` : `${plural(m.testsPassed, 'test')} passed`);
  const result: GateResult = {
    gate: 'coverage',
    conclusion: failed.length > 0 ? 'failure' : 'success',
    title: titleParts.join(', '),
    summary: summary.join('\n'),
    metrics,
    findings,
    files: m.files,
  };
  if (m.testsFailed > 0 && m.output) result.output = m.output;
  return result;
}

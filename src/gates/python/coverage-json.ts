/**
 * Reads coverage.py's JSON report (`coverage json`, format 2 of coverage 6–7) into the engine's
 * per-file coverage. The figures are coverage.py's own — `num_statements`, `covered_lines`,
 * `percent_covered`, and branches when the repository measures them — so the gate shows what
 * `coverage report` prints. The report's `executed_lines` are every line the tracer saw, docstrings
 * included, which coverage.py does not count as statements; the per-line lists (patch coverage,
 * uncovered-line annotations) therefore keep only statements, listed by {@link STATEMENTS_SCRIPT}.
 * @module
 */
import path from 'node:path';
import type { FileCoverage } from '../types.js';

interface CoverageJsonSummary {
  num_statements?: number;
  covered_lines?: number;
  percent_covered?: number;
  num_branches?: number;
  covered_branches?: number;
}

interface CoverageJsonFile {
  executed_lines?: number[];
  missing_lines?: number[];
  summary?: CoverageJsonSummary;
}

interface CoverageJson {
  files?: Record<string, CoverageJsonFile>;
}

/** Statement lines per file, keyed as in the report (what {@link STATEMENTS_SCRIPT} writes). */
export type StatementLines = Record<string, number[]>;

/**
 * Python run in the checkout's environment after the tests: writes coverage.py's JSON report exactly
 * as `coverage json` does (same data file, same configuration), then, for each file of it, the
 * statement lines coverage.py's own analysis finds. argv: data file, report, statements file.
 * A failure prints coverage.py's message ("No data to report.") and exits 1, as the command does.
 */
export const STATEMENTS_SCRIPT = [
  'import json, sys',
  'import coverage',
  'data_file, report, statements = sys.argv[1:4]',
  'cov = coverage.Coverage(data_file=data_file)',
  'cov.load()',
  'try:',
  '    cov.json_report(outfile=report)',
  'except Exception as error:',
  '    print(error, file=sys.stderr)',
  '    sys.exit(1)',
  'found = {}',
  'with open(report) as f:',
  '    names = json.load(f).get("files", {})',
  'for name in names:',
  '    try:',
  '        found[name] = cov.analysis2(name)[1]',
  '    except Exception:',
  '        pass',
  'with open(statements, "w") as f:',
  '    json.dump(found, f)',
].join('\n');

/** Repository-relative forward-slash path, or undefined for a file outside the checkout. */
function relativePath(file: string, dir: string): string | undefined {
  const absolute = path.resolve(dir, file);
  const relative = path.relative(dir, absolute);
  if (relative.startsWith('..') || path.isAbsolute(relative)) return undefined;
  return relative.split(path.sep).join('/');
}

function sorted(lines: readonly number[] | undefined): number[] {
  return [...(lines ?? [])].sort((a, b) => a - b);
}

/** One file's coverage: coverage.py's summary when present, the line lists otherwise (older reports). */
function fileCoverage(relative: string, data: CoverageJsonFile, statements: number[] | undefined): FileCoverage {
  const uncoveredLines = sorted(data.missing_lines);
  const executed = sorted(data.executed_lines);
  const isStatement = statements === undefined ? undefined : new Set(statements);
  const coveredLines = isStatement === undefined ? executed : executed.filter((line) => isStatement.has(line));
  const summary = data.summary;
  const lines = summary?.num_statements ?? coveredLines.length + uncoveredLines.length;
  const covered = summary?.covered_lines ?? coveredLines.length;
  const file: FileCoverage = {
    path: relative,
    lines,
    covered,
    pct: summary?.percent_covered ?? (lines === 0 ? 100 : (covered / lines) * 100),
    uncoveredLines,
    coveredLines,
  };
  if (summary?.num_branches !== undefined && summary.num_branches > 0) {
    file.branches = { total: summary.num_branches, covered: summary.covered_branches ?? 0 };
  }
  return file;
}

/**
 * Per-file coverage of the files inside the checkout.
 * @param text The JSON report.
 * @param dir The checkout (report paths are relative to it or absolute).
 * @param statements Statement lines per report key; without them every executed line counts as one.
 */
export function parseCoverageJson(text: string, dir: string, statements: StatementLines = {}): FileCoverage[] {
  const report = JSON.parse(text) as CoverageJson;
  const files: FileCoverage[] = [];
  for (const [file, data] of Object.entries(report.files ?? {})) {
    const relative = relativePath(file, dir);
    if (relative === undefined) continue;
    files.push(fileCoverage(relative, data, statements[file]));
  }
  return files.sort((a, b) => a.path.localeCompare(b.path));
}

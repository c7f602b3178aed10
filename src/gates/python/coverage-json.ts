/**
 * Reads coverage.py's JSON report (`coverage json`, format 2 of coverage 6–7) into the engine's
 * per-file line coverage, so that total, patch and drop are computed exactly as for JavaScript.
 * @module
 */
import path from 'node:path';
import type { FileCoverage } from '../types.js';

interface CoverageJsonFile {
  executed_lines?: number[];
  missing_lines?: number[];
}

interface CoverageJson {
  files?: Record<string, CoverageJsonFile>;
}

/** Repository-relative forward-slash path, or undefined for a file outside the checkout. */
function relativePath(file: string, dir: string): string | undefined {
  const absolute = path.resolve(dir, file);
  const relative = path.relative(dir, absolute);
  if (relative.startsWith('..') || path.isAbsolute(relative)) return undefined;
  return relative.split(path.sep).join('/');
}

/** Per-file coverage from the report's `executed_lines` and `missing_lines` (excluded lines count as neither). */
export function parseCoverageJson(text: string, dir: string): FileCoverage[] {
  const report = JSON.parse(text) as CoverageJson;
  const files: FileCoverage[] = [];
  for (const [file, data] of Object.entries(report.files ?? {})) {
    const relative = relativePath(file, dir);
    if (relative === undefined) continue;
    const coveredLines = [...(data.executed_lines ?? [])].sort((a, b) => a - b);
    const uncoveredLines = [...(data.missing_lines ?? [])].sort((a, b) => a - b);
    const lines = coveredLines.length + uncoveredLines.length;
    files.push({
      path: relative,
      lines,
      covered: coveredLines.length,
      pct: lines === 0 ? 100 : (coveredLines.length / lines) * 100,
      uncoveredLines,
      coveredLines,
    });
  }
  return files.sort((a, b) => a.path.localeCompare(b.path));
}

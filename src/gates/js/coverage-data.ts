/**
 * Istanbul's `coverage-final.json` (written by c8 and by Jest) → line-level {@link FileCoverage}.
 * @module
 */
import path from 'node:path';
import libCoverage from 'istanbul-lib-coverage';
import type { FileCoverage } from '../types.js';
import { countOneTree, type CountedTree } from './compiled-trees.js';
import { round2 } from '../wording.js';
import { readTextInside } from '../../workspace/read-inside.js';

/**
 * A coverage path relative to the checkout, with forward slashes; undefined for files outside it
 * (a tool's own files, a dependency linked from elsewhere).
 */
export function relativeToRepo(file: string, dir: string): string | undefined {
  const rel = path.relative(dir, file);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  return rel.split(path.sep).join('/');
}

/** Per-file line coverage of an istanbul coverage map, sorted by path; files outside `dir` or in node_modules are left out. */
export function fileCoverageFromMap(data: unknown, dir: string): FileCoverage[] {
  const map = libCoverage.createCoverageMap(data as libCoverage.CoverageMapData);
  const files: FileCoverage[] = [];
  for (const file of map.files()) {
    const rel = relativeToRepo(file, dir);
    if (rel === undefined || rel.split('/').includes('node_modules')) continue;
    const hits = map.fileCoverageFor(file).getLineCoverage();
    const coveredLines: number[] = [];
    const uncoveredLines: number[] = [];
    for (const [line, count] of Object.entries(hits)) {
      (count > 0 ? coveredLines : uncoveredLines).push(Number(line));
    }
    coveredLines.sort((a, b) => a - b);
    uncoveredLines.sort((a, b) => a - b);
    const lines = coveredLines.length + uncoveredLines.length;
    const pct = lines === 0 ? 100 : round2((coveredLines.length / lines) * 100);
    files.push({ path: rel, lines, covered: coveredLines.length, pct, uncoveredLines, coveredLines });
  }
  return files.sort((a, b) => a.path.localeCompare(b.path));
}

/**
 * Reads `coverage-final.json`: one tree of files, the sources or the compiled files
 * (`compiled-trees.ts`), with a note when it is the compiled one; no file when the tests loaded no
 * source file of the checkout.
 */
export async function readCoverageReport(file: string, dir: string): Promise<CountedTree> {
  return countOneTree(await readCoverageFile(file, dir), dir);
}

/**
 * Reads `coverage-final.json`, every file of it; an empty list when the tests loaded no source file of
 * the checkout. Lines without code (comments, blank lines) are left out where the source file can be read.
 */
export async function readCoverageFile(file: string, dir: string): Promise<FileCoverage[]> {
  let text: string;
  try {
    text = await readTextInside(dir, file);
  } catch {
    return [];
  }
  // Loaded on first use: the TypeScript scanner comes with the whole compiler (~100 MB).
  const { codeLines, restrictToCode } = await import('./code-lines.js');
  return Promise.all(
    fileCoverageFromMap(JSON.parse(text), dir).map(async (coverage) => {
      const source = await readTextInside(dir, path.join(dir, coverage.path)).catch(() => undefined);
      return source === undefined ? coverage : restrictToCode(coverage, codeLines(source, coverage.path));
    }),
  );
}

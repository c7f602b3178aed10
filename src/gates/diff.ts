/**
 * Changed lines of a pull request (or of `HEAD` against `--base`), and the coverage of those lines.
 * Only added lines count: a deleted line cannot be covered, and a context line was not changed.
 * @module
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import parseDiff from 'parse-diff';
import type { ChangedLines, FileCoverage } from './types.js';

const execFileAsync = promisify(execFile);

/** Largest diff `git diff` may print before the CLI gives up (a pull request of this size is not reviewed). */
export const MAX_GIT_DIFF_BYTES = 64 * 1024 * 1024;

function addLines(changed: ChangedLines, files: parseDiff.File[]): void {
  for (const file of files) {
    if (file.deleted || file.to === undefined || file.to === '/dev/null') continue;
    const lines = changed.get(file.to) ?? new Set<number>();
    for (const chunk of file.chunks) {
      for (const change of chunk.changes) {
        if (change.type === 'add') lines.add(change.ln);
      }
    }
    if (lines.size > 0) changed.set(file.to, lines);
  }
}

/** Added lines per file (new-side line numbers) of a unified diff, as `git diff` prints it. */
export function parseChangedLines(unifiedDiff: string): ChangedLines {
  const changed: ChangedLines = new Map();
  addLines(changed, parseDiff(unifiedDiff));
  return changed;
}

/**
 * Added lines per file from GitHub's "list pull request files" answer, whose `patch` holds the hunks
 * without file headers (and is missing for binary or very large files, which then count as unchanged).
 */
export function changedLinesFromFiles(files: readonly { filename: string; patch?: string }[]): ChangedLines {
  const changed: ChangedLines = new Map();
  for (const file of files) {
    if (file.patch === undefined) continue;
    const text = `--- a/${file.filename}\n+++ b/${file.filename}\n${file.patch}\n`;
    addLines(changed, parseDiff(text));
  }
  return changed;
}

/**
 * Coverage of the changed executable lines; undefined when no changed line is executable (a diff that
 * touches only comments, docs or tests has no patch coverage to judge).
 */
export function patchCoverage(
  files: readonly FileCoverage[],
  changed: ChangedLines,
): { pct: number; covered: number; total: number } | undefined {
  let covered = 0;
  let total = 0;
  for (const file of files) {
    const lines = changed.get(file.path);
    if (!lines) continue;
    for (const line of file.coveredLines) if (lines.has(line)) covered++;
    for (const line of file.uncoveredLines) if (lines.has(line)) total++;
  }
  total += covered;
  if (total === 0) return undefined;
  return { pct: (covered / total) * 100, covered, total };
}

async function git(dir: string, args: string[]): Promise<string> {
  const { stdout } = await execFileAsync('git', args, { cwd: dir, maxBuffer: MAX_GIT_DIFF_BYTES });
  return stdout;
}

/**
 * Lines `HEAD` added since it forked from `baseRef` (`git diff base...HEAD`), or against `baseRef`
 * itself when the two share no history. Runs git on the host: git only reads the repository.
 */
export async function gitDiffChangedLines(dir: string, baseRef: string): Promise<ChangedLines> {
  if (baseRef.startsWith('-')) throw new Error(`Invalid base ref "${baseRef}": give a branch, tag or commit.`);
  const args = ['-c', 'core.quotePath=false', 'diff', '--no-color', '--no-ext-diff', '--unified=0'];
  let range = `${baseRef}...HEAD`;
  try {
    await git(dir, ['merge-base', baseRef, 'HEAD']);
  } catch {
    range = baseRef;
  }
  try {
    return parseChangedLines(await git(dir, [...args, range, '--']));
  } catch (error) {
    throw new Error(`Cannot diff ${dir} against "${baseRef}": check that the ref exists (git fetch it first).`, {
      cause: error,
    });
  }
}

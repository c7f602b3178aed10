import { describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { changedLinesFromFiles, gitDiffChangedLines, parseChangedLines, patchCoverage } from '../../src/gates/diff.js';
import type { ChangedLines, FileCoverage } from '../../src/gates/types.js';

const run = promisify(execFile);

function asObject(changed: ChangedLines): Record<string, number[]> {
  return Object.fromEntries([...changed].map(([file, lines]) => [file, [...lines].sort((a, b) => a - b)]));
}

const GIT_DIFF = `diff --git a/src/a.js b/src/a.js
index 1111111..2222222 100644
--- a/src/a.js
+++ b/src/a.js
@@ -1,3 +1,4 @@
 const a = 1;
-const b = 2;
+const b = 3;
+const c = 4;
 export { a };
@@ -10,0 +12,1 @@
+// appended
diff --git a/src/new.js b/src/new.js
new file mode 100644
--- /dev/null
+++ b/src/new.js
@@ -0,0 +1,2 @@
+export const x = 1;
+export const y = 2;
diff --git a/src/gone.js b/src/gone.js
deleted file mode 100644
--- a/src/gone.js
+++ /dev/null
@@ -1 +0,0 @@
-export const z = 0;
`;

describe('parseChangedLines', () => {
  it.each([
    ['an empty diff', '', {}],
    ['added and modified lines, new files, no deleted files', GIT_DIFF, { 'src/a.js': [2, 3, 12], 'src/new.js': [1, 2] }],
    [
      'a diff that only deletes lines',
      '--- a/f.js\n+++ b/f.js\n@@ -1,2 +1,1 @@\n-gone\n kept\n',
      {},
    ],
  ])('reads %s', (_name, diff, expected) => {
    expect(asObject(parseChangedLines(diff))).toEqual(expected);
  });
});

describe('changedLinesFromFiles', () => {
  it('reads the hunks of GitHub pull request files and skips files without a patch', () => {
    const changed = changedLinesFromFiles([
      { filename: 'src/a.ts', patch: '@@ -1,2 +1,3 @@\n line one\n+inserted\n line two' },
      { filename: 'logo.png' },
      { filename: 'src/b.ts', patch: '@@ -5,1 +5,1 @@\n-old\n+new' },
    ]);
    expect(asObject(changed)).toEqual({ 'src/a.ts': [2], 'src/b.ts': [5] });
  });
});

function file(p: string, covered: number[], uncovered: number[]): FileCoverage {
  const lines = covered.length + uncovered.length;
  return { path: p, lines, covered: covered.length, pct: (covered.length / lines) * 100, coveredLines: covered, uncoveredLines: uncovered };
}

describe('patchCoverage', () => {
  const files = [file('a.js', [1, 2, 3], [4, 5]), file('b.js', [10], [11])];
  it.each([
    ['only changed executable lines count', { 'a.js': [1, 4, 99], 'b.js': [10] }, { pct: (2 / 3) * 100, covered: 2, total: 3 }],
    ['no changed executable line gives no figure', { 'a.js': [99], 'c.js': [1] }, undefined],
    ['fully covered changes', { 'a.js': [2, 3] }, { pct: 100, covered: 2, total: 2 }],
  ])('%s', (_name, changed, expected) => {
    const map: ChangedLines = new Map(Object.entries(changed).map(([k, v]) => [k, new Set(v)]));
    expect(patchCoverage(files, map)).toEqual(expected);
  });
});

describe('gitDiffChangedLines', () => {
  it('returns the lines HEAD added since it forked from the base branch', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'qg-diff-'));
    const git = (...args: string[]) => run('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: dir });
    try {
      await git('init', '-q', '-b', 'main');
      await writeFile(path.join(dir, 'a.js'), 'one\ntwo\nthree\n');
      await git('add', '.');
      await git('commit', '-q', '-m', 'base');
      await git('checkout', '-q', '-b', 'feature');
      await writeFile(path.join(dir, 'a.js'), 'one\nTWO\nthree\nfour\n');
      await git('commit', '-q', '-am', 'change');
      expect(asObject(await gitDiffChangedLines(dir, 'main'))).toEqual({ 'a.js': [2, 4] });
      await expect(gitDiffChangedLines(dir, 'no-such-branch')).rejects.toThrow(/check that the ref exists/);
      await expect(gitDiffChangedLines(dir, '--output=/tmp/x')).rejects.toThrow(/Invalid base ref/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

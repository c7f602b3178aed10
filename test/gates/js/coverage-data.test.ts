import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { fileCoverageFromMap, readCoverageFile, relativeToRepo } from '../../../src/gates/js/coverage-data.js';

function istanbulFile(file: string, lines: Record<number, number>) {
  const statementMap: Record<string, unknown> = {};
  const s: Record<string, number> = {};
  Object.entries(lines).forEach(([line, hits], i) => {
    statementMap[i] = { start: { line: Number(line), column: 0 }, end: { line: Number(line), column: 10 } };
    s[i] = hits;
  });
  return { path: file, statementMap, s, fnMap: {}, f: {}, branchMap: {}, b: {} };
}

describe('fileCoverageFromMap', () => {
  it('keeps line-level data of the checkout files only, relative and sorted', () => {
    const data = {
      '/ws/src/b.js': istanbulFile('/ws/src/b.js', { 1: 1, 2: 0, 3: 4, 5: 0 }),
      '/ws/src/a.js': istanbulFile('/ws/src/a.js', { 1: 1 }),
      '/ws/node_modules/dep/index.js': istanbulFile('/ws/node_modules/dep/index.js', { 1: 0 }),
      '/elsewhere/x.js': istanbulFile('/elsewhere/x.js', { 1: 0 }),
    };
    expect(fileCoverageFromMap(data, '/ws')).toEqual([
      { path: 'src/a.js', lines: 1, covered: 1, pct: 100, coveredLines: [1], uncoveredLines: [] },
      { path: 'src/b.js', lines: 4, covered: 2, pct: 50, coveredLines: [1, 3], uncoveredLines: [2, 5] },
    ]);
  });

  it('reads nothing from a missing report', async () => {
    expect(await readCoverageFile('/nonexistent/coverage-final.json', '/ws')).toEqual([]);
  });

  it('reads nothing from a report the tests replaced by a link out of the checkout', async () => {
    const { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } = await import('node:fs');
    const os = await import('node:os');
    const base = mkdtempSync(path.join(os.tmpdir(), 'qg-cov-link-'));
    try {
      const ws = path.join(base, 'ws');
      mkdirSync(path.join(ws, 'src'), { recursive: true });
      writeFileSync(path.join(ws, 'src', 'a.js'), 'x\n');
      const report = JSON.stringify({ [path.join(ws, 'src', 'a.js')]: istanbulFile(path.join(ws, 'src', 'a.js'), { 1: 1 }) });
      writeFileSync(path.join(base, 'host.json'), report);
      symlinkSync(path.join(base, 'host.json'), path.join(ws, 'coverage-final.json'));
      expect(await readCoverageFile(path.join(ws, 'coverage-final.json'), ws)).toEqual([]);
      writeFileSync(path.join(ws, 'real.json'), report);
      expect((await readCoverageFile(path.join(ws, 'real.json'), ws)).map((f) => f.path)).toEqual(['src/a.js']);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });

  it('relates paths to the checkout', () => {
    expect(relativeToRepo('/ws/src/a.js', '/ws')).toBe('src/a.js');
    expect(relativeToRepo('/other/a.js', '/ws')).toBeUndefined();
    expect(relativeToRepo('/ws', '/ws')).toBeUndefined();
  });
});

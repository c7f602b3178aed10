import { afterAll, describe, expect, it } from '@jest/globals';
import { openDatabase } from '../../src/store/database.js';
import { sqliteHistoryStore } from '../../src/store/history-sqlite.js';
import { removeTempDirs, tempDir } from '../queue/support/helpers.js';
import { sampleRun } from '../support/history.js';

afterAll(removeTempDirs);

const DAY = 24 * 3600 * 1000;
const store = () => sqliteHistoryStore(openDatabase(tempDir()));

describe('SQLite history', () => {
  it('lists default-branch runs apart from pull requests, newest first', () => {
    const history = store();
    history.record(sampleRun({ jobId: 'a', finishedAt: 1_000, sha: '1'.repeat(40) }));
    history.record(sampleRun({ jobId: 'b', finishedAt: 2_000, sha: '2'.repeat(40), branch: 'feature', pullRequest: 7, trigger: 'pull_request' }));
    history.record(sampleRun({ jobId: 'c', finishedAt: 3_000, sha: '3'.repeat(40) }));
    expect(history.defaultBranchRuns('octo-org', 'widgets', 10).map((r) => r.jobId)).toEqual(['c', 'a']);
    expect(history.recentRuns('octo-org', 'widgets', 10).map((r) => [r.jobId, r.pullRequest])).toEqual([['c', undefined], ['b', 7], ['a', undefined]]);
    expect(history.recentRuns('octo-org', 'widgets', 1)).toHaveLength(1);
    expect(history.repository('octo-org', 'widgets')).toEqual({ owner: 'octo-org', repo: 'widgets', private: false, defaultBranch: 'main', lastRunAt: 3_000 });
  });

  it('replaces a run recorded twice under the same job id', () => {
    const history = store();
    history.record(sampleRun({ jobId: 'a', finishedAt: 1_000 }));
    history.record(sampleRun({ jobId: 'a', finishedAt: 2_000, error: 'second time' }));
    const runs = history.recentRuns('octo-org', 'widgets', 10);
    expect(runs.map((r) => [r.finishedAt, r.error])).toEqual([[2_000, 'second time']]);
    expect(history.source(runs[0]?.id ?? 0, 'src/tax.js')).toContain('return x * rate');
  });

  it('keeps per-file detail and sources, read back by run and path', () => {
    const history = store();
    history.record(sampleRun());
    const run = history.commitRun('octo-org', 'widgets', 'a'.repeat(40));
    expect(run?.gates.map((g) => g.conclusion)).toEqual(['success', 'success', 'failure']);
    expect(run?.durationMs).toBe(30_000);
    const detail = history.detail(run?.id ?? 0);
    expect(detail?.files.map((f) => f.path)).toEqual(['src/total.js', 'src/tax.js']);
    expect(detail?.findings[0]?.rule).toBe('no-unused-vars');
    expect(detail?.sourcePaths).toEqual(['src/tax.js', 'src/total.js']);
    expect(history.source(run?.id ?? 0, 'src/missing.js')).toBeUndefined();
    expect(history.detail(9_999)).toBeUndefined();
    expect(history.commitRun('octo-org', 'widgets', 'f'.repeat(40))).toBeUndefined();
  });

  it('treats a repository of unknown visibility as private, and keeps a known visibility', () => {
    const history = store();
    history.record(sampleRun({ repo: 'secret', private: undefined }));
    expect(history.repository('octo-org', 'secret')?.private).toBe(true);
    history.record(sampleRun({ repo: 'open', private: false }));
    history.record(sampleRun({ repo: 'open', jobId: 'later', private: undefined, finishedAt: Date.UTC(2026, 11, 2) }));
    expect(history.repository('octo-org', 'open')?.private).toBe(false);
    expect(history.repositories().map((r) => r.repo)).toEqual(['open', 'secret']);
  });

  it('prunes runs older than the retention and the sources only they used', () => {
    const history = store();
    const now = Date.UTC(2026, 11, 6);
    history.record(sampleRun({ jobId: 'old', finishedAt: now - 400 * DAY, sources: { 'src/old.js': 'only in the old run' } }));
    history.record(sampleRun({ jobId: 'new', finishedAt: now }));
    expect(history.prune(now - 365 * DAY)).toBe(1);
    expect(history.recentRuns('octo-org', 'widgets', 10).map((r) => r.jobId)).toEqual(['new']);
    expect(history.runsSince(now - DAY, 10).map((r) => r.jobId)).toEqual(['new']);
  });

  it('makes a badge token once and replaces it on rotation', () => {
    const history = store();
    expect(() => history.badgeToken('octo-org', 'widgets')).toThrow(/no history yet/);
    history.record(sampleRun());
    const token = history.badgeToken('octo-org', 'widgets');
    expect(token).toMatch(/^[\w-]{24}$/);
    expect(history.badgeToken('octo-org', 'widgets')).toBe(token);
    const rotated = history.rotateBadgeToken('octo-org', 'widgets');
    expect(rotated).not.toBe(token);
    expect(history.badgeToken('octo-org', 'widgets')).toBe(rotated);
  });
});

import { afterAll, describe, expect, it, jest } from '@jest/globals';
import { openDatabase } from '../../src/store/database.js';
import { sqliteHistoryStore } from '../../src/store/history-sqlite.js';
import { createHistoryRecorder, historyDaysFrom } from '../../src/store/history-recorder.js';
import type { HistoryRelay } from '../../src/store/history-relay.js';
import { removeTempDirs, tempDir } from '../queue/support/helpers.js';
import { sampleRun } from '../support/history.js';

afterAll(removeTempDirs);

const DAY = 24 * 3600 * 1000;
const log = () => ({ info: jest.fn(), warn: jest.fn(), debug: jest.fn() });
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('history recorder', () => {
  it('writes after the job has moved on, and prunes past the retention', async () => {
    const store = sqliteHistoryStore(openDatabase(tempDir()));
    const now = Date.UTC(2026, 11, 6);
    store.record(sampleRun({ jobId: 'ancient', finishedAt: now - 40 * DAY }));
    const recorder = createHistoryRecorder({ store, days: 30, log: log(), now: () => now });
    const pending = recorder.recordHistory(sampleRun({ jobId: 'fresh', finishedAt: now }));
    expect(store.recentRuns('octo-org', 'widgets', 5).map((r) => r.jobId)).toEqual(['ancient']);
    await expect(pending).resolves.toBeUndefined();
    await tick();
    expect(store.recentRuns('octo-org', 'widgets', 5).map((r) => r.jobId)).toEqual(['fresh']);
  });

  it('logs a failing write instead of throwing it', async () => {
    const logger = log();
    const store = { ...sqliteHistoryStore(openDatabase(tempDir())), record: () => { throw new Error('disk I/O error'); } };
    const recorder = createHistoryRecorder({ store, days: 30, log: logger });
    await recorder.recordHistory(sampleRun());
    await tick();
    expect(logger.warn).toHaveBeenCalledWith(expect.objectContaining({ jobId: sampleRun().jobId }), expect.stringMatching(/could not write/));
  });

  it('parks runs on the relay and writes those it receives', async () => {
    const parked = new Map<string, string>();
    const relay: HistoryRelay = {
      send: (run) => Promise.resolve(void parked.set(run.jobId, JSON.stringify(run))).then(() => ({ historyKey: run.jobId })),
      take: (result) => Promise.resolve((result as { historyKey: string }).historyKey).then((key) => JSON.parse(parked.get(key) ?? 'null') as never),
    };
    const store = sqliteHistoryStore(openDatabase(tempDir()));
    const worker = createHistoryRecorder({ relay, days: 30, log: log() });
    const ticket = await worker.recordHistory(sampleRun({ jobId: 'remote' }));
    expect(ticket).toEqual({ historyKey: 'remote' });
    const web = createHistoryRecorder({ store, relay, days: 30, log: log() });
    await web.receive(ticket);
    expect(store.recentRuns('octo-org', 'widgets', 5).map((r) => r.jobId)).toEqual(['remote']);
  });

  it('logs a relay that fails on either side', async () => {
    const logger = log();
    const relay: HistoryRelay = { send: () => Promise.reject(new Error('redis down')), take: () => Promise.reject(new Error('redis down')) };
    const recorder = createHistoryRecorder({ relay, days: 30, log: logger });
    await expect(recorder.recordHistory(sampleRun())).resolves.toBeUndefined();
    await expect(recorder.receive({ historyKey: 'x' })).resolves.toBeUndefined();
    expect(logger.warn).toHaveBeenCalledTimes(2);
  });

  it('reads QG_HISTORY_DAYS, refusing what is not a number of days', () => {
    expect(historyDaysFrom({})).toBe(365);
    expect(historyDaysFrom({ QG_HISTORY_DAYS: '90' })).toBe(90);
    expect(() => historyDaysFrom({ QG_HISTORY_DAYS: 'a year' })).toThrow(/QG_HISTORY_DAYS=a year/);
  });
});

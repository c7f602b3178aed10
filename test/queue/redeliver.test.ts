import { describe, expect, it } from '@jest/globals';
import {
  MAX_REDELIVERIES_PER_RUN,
  REDELIVERY_CURSOR,
  redeliverMissedDeliveries,
  type DeliveryApi,
  type HookDelivery,
} from '../../src/queue/redeliver.js';
import type { CursorStore } from '../../src/store/types.js';

const SINCE = new Date('2026-11-20T00:00:00Z');

function delivery(id: number, guid: string, status: number, at = '2026-11-25T10:00:00Z'): HookDelivery {
  return { id, guid, delivered_at: at, status_code: status, redelivery: false };
}

/** GitHub's endpoints over a fixed log (given oldest first, listed newest first like GitHub). */
function fakeApi(log: HookDelivery[], refuse: number[] = []) {
  const sent: number[] = [];
  let listed = 0;
  const api: DeliveryApi = {
    async *listDeliveries() {
      for (const d of [...log].reverse()) {
        listed += 1;
        yield await Promise.resolve(d);
      }
    },
    redeliver(id) {
      if (refuse.includes(id)) return Promise.reject(new Error('422 already being redelivered'));
      sent.push(id);
      return Promise.resolve();
    },
  };
  return { api, sent, listed: () => listed };
}

function memoryCursors(initial: Record<string, string> = {}): CursorStore & { values: Record<string, string> } {
  const values = { ...initial };
  return {
    values,
    get: (name) => Promise.resolve(values[name]),
    set: (name, value) => {
      values[name] = value;
      return Promise.resolve();
    },
  };
}

describe('redeliverMissedDeliveries', () => {
  it('redelivers failed deliveries not later delivered, oldest first, once per guid', async () => {
    const { api, sent } = fakeApi([
      delivery(1, 'a', 200),
      delivery(2, 'b', 502),
      delivery(3, 'c', 0),
      delivery(4, 'b', 200), // b went through on GitHub's own retry
      delivery(5, 'd', 500),
      delivery(6, 'd', 500),
    ]);
    const cursors = memoryCursors();
    const report = await redeliverMissedDeliveries(api, cursors, { since: SINCE });
    expect(sent).toEqual([3, 6]);
    expect(report).toEqual({ scanned: 6, redelivered: [3, 6], failed: [] });
    expect(cursors.values[REDELIVERY_CURSOR]).toBe('6');
  });

  it('stops at the delivery the previous run got to', async () => {
    const { api, sent, listed } = fakeApi([delivery(7, 'x', 500), delivery(8, 'y', 200), delivery(9, 'z', 502)]);
    const cursors = memoryCursors({ [REDELIVERY_CURSOR]: '8' });
    await redeliverMissedDeliveries(api, cursors, { since: SINCE });
    expect(sent).toEqual([9]);
    expect(listed()).toBe(2); // 9, then 8 ends the walk
    expect(cursors.values[REDELIVERY_CURSOR]).toBe('9');
  });

  it('ignores deliveries older than `since`', async () => {
    const { api, sent } = fakeApi([delivery(1, 'old', 500, '2026-11-01T00:00:00Z'), delivery(2, 'new', 500)]);
    await redeliverMissedDeliveries(api, memoryCursors(), { since: SINCE });
    expect(sent).toEqual([2]);
  });

  it('keeps the cursor before a redelivery GitHub refused, so the next start tries it again', async () => {
    const { api } = fakeApi([delivery(10, 'p', 500), delivery(11, 'q', 500), delivery(12, 'r', 200)], [11]);
    const cursors = memoryCursors({ [REDELIVERY_CURSOR]: '9' });
    const warnings: object[] = [];
    const log = { info: () => undefined, debug: () => undefined, warn: (obj: object) => void warnings.push(obj) };
    const report = await redeliverMissedDeliveries(api, cursors, { since: SINCE, log });
    expect(report.failed).toEqual([11]);
    expect(report.redelivered).toEqual([10]);
    expect(cursors.values[REDELIVERY_CURSOR]).toBe('10');
    expect(warnings).toHaveLength(1);
  });

  it('sends at most MAX_REDELIVERIES_PER_RUN and leaves the rest for the next start', async () => {
    const log = Array.from({ length: MAX_REDELIVERIES_PER_RUN + 5 }, (_, i) => delivery(i + 1, `g${String(i)}`, 500));
    const { api, sent } = fakeApi(log);
    const cursors = memoryCursors();
    await redeliverMissedDeliveries(api, cursors, { since: SINCE });
    expect(sent).toHaveLength(MAX_REDELIVERIES_PER_RUN);
    expect(cursors.values[REDELIVERY_CURSOR]).toBe(String(MAX_REDELIVERIES_PER_RUN));
  });
});

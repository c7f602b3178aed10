// The store contracts every implementation must meet, run against SQLite and Redis alike.
import { afterEach, describe, expect, it } from '@jest/globals';
import type { GateResult } from '../../src/gates/types.js';
import type { Stores } from '../../src/store/types.js';

type Shared = Pick<Stores, 'results' | 'ledger' | 'cursors'>;

export function contractTests(name: string, open: () => Promise<{ stores: Shared; close(): Promise<void> }>): void {
  describe(`${name} store contracts`, () => {
    const closers: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const close of closers.splice(0)) await close();
    });
    async function stores(): Promise<Shared> {
      const opened = await open();
      closers.push(opened.close);
      return opened.stores;
    }

    it('returns cached results by key and undefined for an unknown key', async () => {
      const { results } = await stores();
      const passed: GateResult[] = [
        { gate: 'lint', conclusion: 'success', title: 'no problems', summary: 'ok', metrics: {}, findings: [] } as unknown as GateResult,
      ];
      expect(await results.get('tree-1')).toBeUndefined();
      await results.put('tree-1', passed);
      expect(await results.get('tree-1')).toEqual(passed);
      await results.put('tree-1', []);
      expect(await results.get('tree-1')).toEqual([]);
    });

    it('grants a once-claim only the first time until it is released', async () => {
      const { ledger } = await stores();
      expect(await ledger.claim('deploy:abc')).toBe(true);
      expect(await ledger.claim('deploy:abc')).toBe(false);
      await ledger.release('deploy:abc');
      expect(await ledger.claim('deploy:abc', 3600)).toBe(true);
      expect(await ledger.claim('deploy:abc', 3600)).toBe(false);
    });

    it('remembers cursors', async () => {
      const { cursors } = await stores();
      expect(await cursors.get('redelivery')).toBeUndefined();
      await cursors.set('redelivery', '42');
      await cursors.set('redelivery', '43');
      expect(await cursors.get('redelivery')).toBe('43');
    });
  });
}

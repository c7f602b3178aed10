import { afterAll, describe, expect, it } from '@jest/globals';
import fs from 'node:fs';
import path from 'node:path';
import { openDatabase } from '../../src/store/database.js';
import { sqliteDependencyCacheIndex, sqliteOnceLedger, sqliteStores } from '../../src/store/sqlite.js';
import { removeTempDirs, tempDir as dir } from '../queue/support/helpers.js';
import { contractTests } from './contract.js';
// Loaded for real (not only its types) so coverage sees the contract module.
import '../../src/store/types.js';

afterAll(removeTempDirs);

contractTests('SQLite', () => {
  const db = openDatabase(dir());
  return Promise.resolve({ stores: sqliteStores(db), close: () => {
      db.close();
      return Promise.resolve();
    }, });
});

describe('SQLite store', () => {
  it('lets an expired once-claim be taken again', async () => {
    let now = 1_000;
    const ledger = sqliteOnceLedger(openDatabase(dir()), () => now);
    expect(await ledger.claim('delivery-1', 60)).toBe(true);
    now += 59_000;
    expect(await ledger.claim('delivery-1', 60)).toBe(false);
    now += 2_000;
    expect(await ledger.claim('delivery-1', 60)).toBe(true);
  });

  it('lists dependency trees least recently used first', async () => {
    let now = 0;
    const index = sqliteDependencyCacheIndex(openDatabase(dir()), () => now);
    for (const key of ['a', 'b', 'c']) {
      now += 10;
      await index.record({ key, path: `/cache/${key}`, sizeBytes: 100 });
    }
    now += 10;
    expect(await index.touch('a')).toEqual({ key: 'a', path: '/cache/a', sizeBytes: 100, lastUsed: 40 });
    expect(await index.touch('missing')).toBeUndefined();
    expect((await index.listLeastRecentlyUsed()).map((entry) => entry.key)).toEqual(['b', 'c', 'a']);
    await index.remove('b');
    expect(await index.totalBytes()).toBe(200);
  });

  it('explains a DATA_DIR it cannot create', () => {
    const file = path.join(dir(), 'a-file');
    fs.writeFileSync(file, '');
    expect(() => openDatabase(path.join(file, 'data'))).toThrow(/DATA_DIR is writable/);
  });
});

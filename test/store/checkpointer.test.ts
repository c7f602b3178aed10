import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openDatabase } from '../../src/store/database.js';
import { startCheckpointer } from '../../src/store/checkpointer.js';

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

describe('checkpoint thread', () => {
  it('stops waiting for a complete checkpoint after its limit when a reader pins an old snapshot', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'qg-ckpt-'));
    dirs.push(dir);
    const db = openDatabase(dir);
    db.exec('CREATE TABLE t (x)');
    db.prepare('INSERT INTO t VALUES (1)').run();
    // A second connection in a read transaction: the log cannot be copied past its snapshot.
    const reader = new Database(db.name);
    reader.exec('BEGIN');
    reader.prepare('SELECT COUNT(*) FROM t').get();
    db.prepare('INSERT INTO t VALUES (2)').run();
    const checkpointer = startCheckpointer(db.name, 1_000, 20, 400);
    try {
      const started = Date.now();
      await checkpointer.whenDurable();
      expect(Date.now() - started).toBeGreaterThanOrEqual(380);
      // Once the reader is gone the next complete checkpoint answers well before the limit.
      reader.exec('COMMIT');
      db.prepare('INSERT INTO t VALUES (3)').run();
      const again = Date.now();
      await checkpointer.whenDurable();
      expect(Date.now() - again).toBeLessThan(380);
    } finally {
      reader.close();
      await checkpointer.close();
      db.close();
    }
  });

  it('answers many waiting callers with one checkpoint, shared by all the callers of each round', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'qg-ckpt-'));
    dirs.push(dir);
    const db = openDatabase(dir);
    db.exec('CREATE TABLE t (x)');
    const checkpointer = startCheckpointer(db.name, 1_000, 20, 5_000);
    try {
      db.prepare('INSERT INTO t VALUES (1)').run();
      const first = Array.from({ length: 500 }, () => checkpointer.whenDurable());
      db.prepare('INSERT INTO t VALUES (2)').run();
      const second = Array.from({ length: 500 }, () => checkpointer.whenDurable());
      // The first call asks the thread; every later one, whatever it committed, waits for the next
      // checkpoint: two waits in all, not a thousand.
      expect(new Set([...first, ...second]).size).toBe(2);
      const started = Date.now();
      await Promise.all([...first, ...second]);
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      await checkpointer.close();
      db.close();
    }
  });
});

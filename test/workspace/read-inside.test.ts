import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readInside, readTextInside, readTextInsideSync, UnsafeFileError } from '../../src/workspace/read-inside.js';

let outside: string;
let root: string;

beforeEach(() => {
  outside = mkdtempSync(path.join(os.tmpdir(), 'qg-read-'));
  root = path.join(outside, 'checkout');
  mkdirSync(path.join(root, 'reports'), { recursive: true });
  writeFileSync(path.join(outside, 'secret.json'), '{"token":"s3cret"}');
  writeFileSync(path.join(root, 'reports', 'jest.json'), '{"numPassedTests":3}');
});

afterEach(() => rmSync(outside, { recursive: true, force: true }));

/** The asynchronous and the synchronous reader of `file`, each started only when called. */
const both = (file: string, maxBytes?: number): (() => Promise<string>)[] => {
  const options = maxBytes === undefined ? {} : { maxBytes };
  return [() => readTextInside(root, file, options), async () => readTextInsideSync(root, file, options)];
};

describe('readInside', () => {
  it('reads a regular file of the checkout, and one reached through a link that stays inside', async () => {
    symlinkSync(path.join(root, 'reports', 'jest.json'), path.join(root, 'alias.json'));
    for (const read of [...both('reports/jest.json'), ...both(path.join(root, 'alias.json'))]) {
      expect(await read()).toBe('{"numPassedTests":3}');
    }
    expect((await readInside(root, 'reports/jest.json')).length).toBe(20);
  });

  it('refuses a link to a file of the host', async () => {
    symlinkSync(path.join(outside, 'secret.json'), path.join(root, 'reports', 'coverage.json'));
    for (const read of both('reports/coverage.json')) {
      await expect(read()).rejects.toThrow(new UnsafeFileError('reports/coverage.json leads outside the checkout (a symbolic link): not read'));
    }
  });

  it('refuses a file under a folder that links out of the checkout', async () => {
    symlinkSync(outside, path.join(root, 'out'));
    for (const read of both('out/secret.json')) await expect(read()).rejects.toThrow(/out\/secret\.json leads outside the checkout/);
  });

  it('refuses a link to a device instead of reading it forever', async () => {
    symlinkSync('/dev/zero', path.join(root, 'reports', 'eslint.json'));
    for (const read of both('reports/eslint.json')) await expect(read()).rejects.toThrow(/reports\/eslint\.json leads outside the checkout/);
  });

  it('refuses a FIFO inside the checkout instead of waiting for a writer', async () => {
    execFileSync('mkfifo', [path.join(root, 'reports', 'vitest.json')]);
    for (const read of both('reports/vitest.json')) {
      await expect(read()).rejects.toThrow(new UnsafeFileError('reports/vitest.json is not a regular file: not read'));
    }
  });

  it('refuses a file above the size cap', async () => {
    for (const read of both('reports/jest.json', 10)) {
      await expect(read()).rejects.toThrow(new UnsafeFileError('reports/jest.json is larger than 10 bytes: not read'));
    }
  });

  it('passes on the file system\'s error for a missing file', async () => {
    for (const read of both('reports/none.json')) await expect(read()).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

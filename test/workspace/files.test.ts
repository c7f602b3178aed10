import { describe, expect, it } from '@jest/globals';
import { isInside, pathExists } from '../../src/workspace/files.js';

describe('isInside', () => {
  it('counts the folder itself and what lies below it, including names that start with two dots', () => {
    expect(isInside('/ws', '/ws')).toBe(true);
    expect(isInside('/ws', '/ws/src/a.js')).toBe(true);
    expect(isInside('/ws', '/ws/..hidden')).toBe(true);
  });

  it('refuses its parent, a sibling that shares its name as a prefix, and anything above', () => {
    expect(isInside('/ws', '/')).toBe(false);
    expect(isInside('/ws', '/ws-other/a.js')).toBe(false);
    expect(isInside('/ws', '/etc/passwd')).toBe(false);
  });
});

describe('pathExists', () => {
  it('tells an existing path from a missing one', async () => {
    expect(await pathExists('/')).toBe(true);
    expect(await pathExists('/no/such/path')).toBe(false);
  });
});

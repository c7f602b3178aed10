import { describe, expect, it } from '@jest/globals';
import { globToRegExp } from '../../../../src/gates/python/ruff/glob.js';

describe('globToRegExp (globset semantics, as ruff compiles its file patterns)', () => {
  it.each([
    ['*.py', 'a.py', true],
    ['*.py', 'pkg/a.py', true], // `*` crosses folders in globset without literal_separator
    ['/r/tests/*', '/r/tests/unit/test_a.py', true],
    ['/r/tests/*', '/r/src/tests.py', false],
    ['/r/**/x.py', '/r/x.py', true], // `**/` may stand for no folder
    ['/r/**/x.py', '/r/a/b/x.py', true],
    ['/r/a/**', '/r/a/b/c.py', true],
    ['**/migrations/*.py', 'app/migrations/0001.py', true],
    ['**/migrations/*.py', 'migrations/0001.py', true],
    ['test_?.py', 'test_a.py', true],
    ['test_?.py', 'test_ab.py', false],
    ['[!_]*.py', '_private.py', false],
    ['[!_]*.py', 'public.py', true],
    ['[a-c].py', 'b.py', true],
    ['{setup,conftest}.py', 'conftest.py', true],
    ['{setup,conftest}.py', 'other.py', false],
    ['\\*.py', '*.py', true],
    ['\\*.py', 'a.py', false],
    ['a.py', 'aXpy', false], // a dot is a dot
    ['<filename>', '<filename>', true],
  ])('%s against %s: %s', (pattern, candidate, expected) => {
    expect(globToRegExp(pattern).test(candidate)).toBe(expected);
  });

  it.each(['[abc.py', '{a,b.py', '{a,{b,c}}'])('rejects %s as ruff does', (pattern) => {
    expect(() => globToRegExp(pattern)).toThrow(/invalid glob/);
  });
});

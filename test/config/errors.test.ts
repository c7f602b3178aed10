import { describe, it, expect } from '@jest/globals';
import { ConfigError, formatProblem } from '../../src/config/errors.js';

describe('formatProblem', () => {
  it.each([
    [{ line: 3, column: 3, keyPath: 'lint.x', message: 'bad' }, 'f.yml:3:3: lint.x: bad'],
    [{ line: undefined, column: undefined, keyPath: 'lint.x', message: 'bad' }, 'f.yml: lint.x: bad'],
    [{ line: 1, column: 1, keyPath: '', message: 'bad' }, 'f.yml:1:1: bad'],
  ])('formats %j as %s', (problem, expected) => {
    expect(formatProblem('f.yml', problem)).toBe(expected);
  });
});

describe('ConfigError', () => {
  it('sorts problems by position and exposes the first one', () => {
    const error = new ConfigError('f.yml', [
      { line: undefined, column: undefined, keyPath: 'c', message: 'third' },
      { line: 5, column: 2, keyPath: 'b', message: 'second' },
      { line: 5, column: 1, keyPath: 'a', message: 'first' },
    ]);
    expect(error.problems.map((p) => p.message)).toEqual(['first', 'second', 'third']);
    expect([error.line, error.column, error.keyPath]).toEqual([5, 1, 'a']);
    expect(error.message).toBe('f.yml:5:1: a: first\nf.yml:5:2: b: second\nf.yml: c: third');
    expect(error.name).toBe('ConfigError');
  });

  it('still says something when given no problem', () => {
    const error = new ConfigError('f.yml', []);
    expect(error.message).toBe('f.yml: invalid configuration');
    expect(error.problems).toHaveLength(1);
  });

  it('keeps the cause', () => {
    const cause = new Error('root');
    expect(new ConfigError('f.yml', [], { cause }).cause).toBe(cause);
  });
});

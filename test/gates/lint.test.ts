import { describe, expect, it } from '@jest/globals';
import { ConfigSchema, type ConfigInput } from '../../src/config/schema.js';
import { judgeLint, markInDiff } from '../../src/gates/lint.js';
import type { ChangedLines, Finding } from '../../src/gates/types.js';

const error = (path: string, line: number, rule = 'no-undef'): Finding => ({ path, line, level: 'failure', message: 'bad', rule });
const warning = (path: string, line: number, rule = 'no-console'): Finding => ({ path, line, level: 'warning', message: 'meh', rule });
const config = (lint: ConfigInput['lint'] = {}) => ConfigSchema.parse({ lint });
const changed: ChangedLines = new Map([['a.js', new Set([3, 4])]]);

describe('judgeLint', () => {
  it.each([
    ['passes a clean repository', [], {}, undefined, 'success', { errors: 0, warnings: 0 }],
    ['fails the lint gate when ESLint reports an error', [error('a.js', 1)], {}, undefined, 'failure', { errors: 1 }],
    ['passes when warnings stay within max_warnings', [warning('a.js', 1), warning('b.js', 2)], { max_warnings: 2 }, undefined, 'success', { warnings: 2, max_warnings: 2 }],
    ['fails when warnings exceed max_warnings', [warning('a.js', 1), warning('b.js', 2)], { max_warnings: 1 }, undefined, 'failure', { warnings: 2 }],
    ['passes errors allowed by max_errors', [error('a.js', 1)], { max_errors: 1 }, undefined, 'success', { errors: 1, max_errors: 1 }],
    [
      'ignores errors outside the diff when scope is changed',
      [error('a.js', 1), error('b.js', 3)],
      { scope: 'changed' as const },
      changed,
      'success',
      { errors: 2, errors_in_diff: 0, warnings_in_diff: 0 },
    ],
    [
      'fails on an error on a changed line when scope is changed',
      [error('a.js', 4), warning('a.js', 9)],
      { scope: 'changed' as const },
      changed,
      'failure',
      { errors: 1, warnings: 1, errors_in_diff: 1, warnings_in_diff: 0 },
    ],
    ['counts every finding when scope is all even with a diff', [error('b.js', 1)], {}, changed, 'failure', { errors: 1 }],
  ])('%s', (_name, findings, lint, diff, conclusion, metrics) => {
    const result = judgeLint({ findings, filesChecked: 2 }, config(lint), diff);
    expect(result.gate).toBe('lint');
    expect(result.conclusion).toBe(conclusion);
    expect(result.metrics).toMatchObject(metrics);
  });

  it('names the thresholds and the most frequent rules in a plain summary', () => {
    const result = judgeLint({ findings: [error('a.js', 1), error('a.js', 2), warning('a.js', 3)], filesChecked: 1 }, config());
    expect(result.title).toBe('2 errors, 1 warning');
    expect(result.summary).toContain('at most 0 allowed');
    expect(result.summary).toContain('no-undef (2)');
    expect(result.summary).toContain('Failed: 2 errors exceed max_errors = 0.');
    expect(result.summary).not.toMatch(/[*|#`]/);
  });

  it('leaves diff metrics out when the scope is all', () => {
    const result = judgeLint({ findings: [], filesChecked: 0 }, config(), changed);
    expect(result.metrics).not.toHaveProperty('errors_in_diff');
  });
});

describe('markInDiff', () => {
  it('marks a finding whose range touches a changed line, without changing the input', () => {
    const findings = [{ ...error('a.js', 1), endLine: 3 }, error('a.js', 5), error('c.js', 3)];
    expect(markInDiff(findings, changed).map((f) => f.inDiff)).toEqual([true, false, false]);
    expect(findings[0]).not.toHaveProperty('inDiff');
  });
});

import { describe, it, expect } from '@jest/globals';
import type { MetricValue } from '../../src/gates/types.js';
import { embedMetrics, extractMetrics } from '../../src/report/embed.js';

describe('embedMetrics and extractMetrics', () => {
  it.each<[string, Record<string, MetricValue>]>([
    ['coverage figures', { lines_pct: 81.2, patch_pct: null, tests_passed: 12, tests_failed: 0 }],
    ['strings and booleans', { build: 'typedoc', build_ok: true }],
    ['no metrics', {}],
    ['a value that tries to close the comment', { note: '--> <!-- quality-gates:metrics {"lines_pct":100} -->' }],
  ])('round-trips %s', (_name, metrics) => {
    const comment = embedMetrics({ metrics });
    expect(comment.startsWith('<!-- quality-gates:metrics {')).toBe(true);
    expect(comment.indexOf('-->')).toBe(comment.length - 3);
    expect(extractMetrics(`# Summary\n\nsome text\n\n${comment}`)).toEqual(metrics);
  });

  it('writes the format the app reads', () => {
    expect(embedMetrics({ metrics: { lines_pct: 81.2 } })).toBe('<!-- quality-gates:metrics {"lines_pct":81.2} -->');
  });

  it('reads the last comment when a summary holds several', () => {
    const text = `${embedMetrics({ metrics: { lines_pct: 1 } })}\n${embedMetrics({ metrics: { lines_pct: 2 } })}`;
    expect(extractMetrics(text)).toEqual({ lines_pct: 2 });
  });

  it.each([
    ['a summary without metrics', 'no comment here'],
    ['an unterminated comment', '<!-- quality-gates:metrics {"a":1}'],
    ['broken JSON', '<!-- quality-gates:metrics {"a": -->'],
    ['a JSON array', '<!-- quality-gates:metrics [1,2] -->'],
    ['JSON null', '<!-- quality-gates:metrics null -->'],
  ])('gives undefined for %s', (_name, text) => {
    expect(extractMetrics(text)).toBeUndefined();
  });

  it('drops values that are not scalars', () => {
    expect(extractMetrics('<!-- quality-gates:metrics {"a":1,"b":{"c":2},"d":[1]} -->')).toEqual({ a: 1 });
  });
});

import { describe, it, expect } from '@jest/globals';
import { batchAnnotations, capUtf8, toAnnotation, toAnnotations } from '../../src/report/annotations.js';
import { MAX_ANNOTATIONS_PER_REQUEST, MAX_ANNOTATION_MESSAGE_BYTES, MAX_ANNOTATION_TITLE_CHARS } from '../../src/report/limits.js';
import { finding } from './fixtures.js';

describe('toAnnotation', () => {
  it.each([
    {
      name: 'a one-line finding with a column gets columns',
      input: finding({ line: 4, column: 7 }),
      expected: { path: 'src/a.ts', start_line: 4, end_line: 4, start_column: 7, end_column: 7, annotation_level: 'failure', message: 'Unexpected any.', title: 'no-explicit-any' },
    },
    {
      name: 'a multi-line finding drops its column, which GitHub rejects across lines',
      input: finding({ line: 4, endLine: 9, column: 7, level: 'warning' }),
      expected: { path: 'src/a.ts', start_line: 4, end_line: 9, annotation_level: 'warning', message: 'Unexpected any.', title: 'no-explicit-any' },
    },
    {
      name: 'a file-level finding on line 0 is put on line 1',
      input: finding({ line: 0, rule: undefined, level: 'notice', path: './pkg/x.py' }),
      expected: { path: 'pkg/x.py', start_line: 1, end_line: 1, annotation_level: 'notice', message: 'Unexpected any.' },
    },
    {
      name: 'an end line before the start line is raised to the start line',
      input: finding({ line: 5, endLine: 2 }),
      expected: { path: 'src/a.ts', start_line: 5, end_line: 5, annotation_level: 'failure', message: 'Unexpected any.', title: 'no-explicit-any' },
    },
    {
      name: 'an empty message falls back to the rule',
      input: finding({ message: '  ', rule: 'E501' }),
      expected: { path: 'src/a.ts', start_line: 1, end_line: 1, annotation_level: 'failure', message: 'E501', title: 'E501' },
    },
  ])('$name', ({ input, expected }) => {
    expect(toAnnotation(input)).toEqual(expected);
  });

  it("caps a message at GitHub's 64 KB and marks the cut", () => {
    const annotation = toAnnotation(finding({ message: 'é'.repeat(MAX_ANNOTATION_MESSAGE_BYTES) }));
    expect(Buffer.byteLength(annotation.message, 'utf8')).toBeLessThanOrEqual(MAX_ANNOTATION_MESSAGE_BYTES);
    expect(annotation.message.endsWith('…')).toBe(true);
    expect(annotation.message.includes('\uFFFD')).toBe(false);
  });

  it('caps a title at 255 characters', () => {
    const annotation = toAnnotation(finding({ rule: 'r'.repeat(1000) }));
    expect(annotation.title).toHaveLength(MAX_ANNOTATION_TITLE_CHARS);
  });
});

describe('capUtf8', () => {
  it.each([
    ['short', 10, 'short'],
    ['abcdefghij', 5, 'ab…'],
    ['😀😀😀', 8, '😀…'],
  ])('cuts %j to %i bytes as %j', (text, max, expected) => {
    expect(capUtf8(text, max)).toBe(expected);
    expect(Buffer.byteLength(capUtf8(text, max))).toBeLessThanOrEqual(max);
  });
});

describe('toAnnotations', () => {
  it('puts failures before warnings before notices', () => {
    const levels = toAnnotations([
      finding({ level: 'notice' }),
      finding({ level: 'warning' }),
      finding({ level: 'failure', path: 'z.ts' }),
    ]).map((a) => a.annotation_level);
    expect(levels).toEqual(['failure', 'warning', 'notice']);
  });
});

describe('batchAnnotations', () => {
  it.each([0, 1, 49, 50, 51, 100, 101, 1234])('splits %i annotations into ceil(n/50) batches of at most 50', (n) => {
    const annotations = toAnnotations(Array.from({ length: n }, (_, i) => finding({ line: i + 1 })));
    const batches = batchAnnotations(annotations);
    expect(batches).toHaveLength(Math.ceil(n / MAX_ANNOTATIONS_PER_REQUEST));
    expect(batches.every((b) => b.length >= 1 && b.length <= MAX_ANNOTATIONS_PER_REQUEST)).toBe(true);
    expect(batches.flat()).toEqual(annotations);
  });

  it('honours a smaller batch size', () => {
    expect(batchAnnotations(toAnnotations([finding(), finding(), finding()]), 2).map((b) => b.length)).toEqual([2, 1]);
  });

  it.each([0, -1, 1.5])('refuses a batch size of %p', (size) => {
    expect(() => batchAnnotations([], size)).toThrow(/batch size/);
  });
});

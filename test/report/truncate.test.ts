import { describe, it, expect } from '@jest/globals';
import { truncateMarkdown } from '../../src/report/truncate.js';
import { MAX_OUTPUT_FIELD_CHARS } from '../../src/report/limits.js';

const lines = (count: number, width = 79): string => Array.from({ length: count }, (_, i) => `${String(i).padStart(6)} ${'x'.repeat(width - 7)}`).join('\n');

describe('truncateMarkdown', () => {
  it('leaves text that fits untouched', () => {
    expect(truncateMarkdown('short', 10)).toBe('short');
    expect(truncateMarkdown('x'.repeat(MAX_OUTPUT_FIELD_CHARS))).toHaveLength(MAX_OUTPUT_FIELD_CHARS);
  });

  it('cuts a 200 KB text under the limit with a note saying how much was cut', () => {
    const text = lines(2500);
    expect(text.length).toBeGreaterThan(199_000);
    const out = truncateMarkdown(text);
    expect(out.length).toBeLessThanOrEqual(MAX_OUTPUT_FIELD_CHARS);
    const match = /the last (\d+) of (\d+) characters are not shown/.exec(out);
    expect(match?.[2]).toBe(String(text.length));
    const kept = out.slice(0, out.indexOf('\n\n---\n**Cut to fit:**'));
    expect(Number(match?.[1])).toBe(text.length - kept.length);
    expect(text.startsWith(kept)).toBe(true);
  });

  it('cuts at a line boundary', () => {
    const out = truncateMarkdown(lines(100), 2000);
    const kept = out.slice(0, out.indexOf('\n\n---\n'));
    expect(kept.split('\n').every((line) => line.length === 79)).toBe(true);
  });

  it('closes a code fence the cut left open', () => {
    const text = `intro\n\n\`\`\`\`text\n${lines(200)}\n\`\`\`\`\n\nafter`;
    const out = truncateMarkdown(text, 3000);
    expect(out.length).toBeLessThanOrEqual(3000);
    const kept = out.slice(0, out.indexOf('\n\n---\n'));
    expect(kept.endsWith('\n````')).toBe(true);
  });

  it('does not close a fence that was already closed', () => {
    const text = `\`\`\`\ncode\n\`\`\`\n${lines(200)}`;
    const kept = truncateMarkdown(text, 3000).split('\n\n---\n')[0] ?? '';
    expect(kept.endsWith('```')).toBe(false);
  });

  it('never splits a surrogate pair when a single line is too long', () => {
    const out = truncateMarkdown('😀'.repeat(5000), 1000);
    expect(out.length).toBeLessThanOrEqual(1000);
    expect(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/.test(out)).toBe(false);
  });

  it('cuts hard when the limit is smaller than the note', () => {
    expect(truncateMarkdown('abcdefghij'.repeat(10), 20).length).toBeLessThanOrEqual(20);
  });
});

import { describe, expect, it } from '@jest/globals';
import { codeLines, restrictToCode } from '../../../src/gates/js/code-lines.js';

const lines = (source: string, file = 'a.js') => [...codeLines(source, file)].sort((a, b) => a - b);

describe('codeLines', () => {
  it.each([
    ['comments and blank lines are not code', '/**\n * Doc.\n */\n\nexport const a = 1; // trailing\n// only a comment\n', [5]],
    ['a template substitution does not swallow the lines after it', 'const s = `x ${a} y`;\n/* c */\nconst t = 2;\n', [1, 3]],
    ['a multi-line template counts every line it spans', 'const s = `one\ntwo ${`nested ${b}`}\nthree`;\n\n', [1, 2, 3]],
    ['a regular expression holding // is not a comment', 'const r = /https?:\\/\\//;\n// c\nr.test(x);\n', [1, 3]],
    ['a division followed by a comment line', 'const q = a / b;\n// note\nconst z = q;\n', [1, 3]],
    ['JSX text and braces', 'const el = <div>{`a ${b}`}</div>;\n\n// c\n', [1]],
  ])('%s', (_name, source, expected) => {
    expect(lines(source, source.includes('<div>') ? 'a.jsx' : 'a.js')).toEqual(expected);
  });
});

describe('restrictToCode', () => {
  it('drops non-code lines from both lists and recomputes the totals', () => {
    const restricted = restrictToCode(
      { path: 'a.js', lines: 6, covered: 4, pct: 66.67, coveredLines: [1, 2, 3, 4], uncoveredLines: [5, 6] },
      new Set([1, 5, 6]),
    );
    expect(restricted).toEqual({ path: 'a.js', lines: 3, covered: 1, pct: 33.33, coveredLines: [1], uncoveredLines: [5, 6] });
  });
});

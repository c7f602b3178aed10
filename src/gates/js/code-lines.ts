/**
 * Which lines of a JavaScript/TypeScript file hold code. V8's coverage (through c8 or Jest) reports
 * every line of a loaded file, comments and blank lines included, as covered or not by the range
 * around it; counting those would let a pull request that adds a long doc comment over an untested
 * function pass `min_patch`. The TypeScript scanner tells code from trivia, strings and templates included.
 * @module
 */
import ts from 'typescript';
import type { FileCoverage } from '../types.js';
import { round2 } from '../wording.js';

/** A function from a character offset to its 1-based line number. */
function lineLocator(source: string): (pos: number) => number {
  const starts = [0];
  for (let i = source.indexOf('\n'); i !== -1; i = source.indexOf('\n', i + 1)) starts.push(i + 1);
  return (pos) => {
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((starts[mid] ?? 0) <= pos) low = mid;
      else high = mid - 1;
    }
    return low + 1;
  };
}

/** 1-based numbers of the lines on which at least one token (not a comment, not whitespace) starts or continues. */
export function codeLines(source: string, fileName: string): Set<number> {
  const variant = /\.(tsx|jsx)$/.test(fileName) ? ts.LanguageVariant.JSX : ts.LanguageVariant.Standard;
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, true, variant, source);
  const lineOf = lineLocator(source);
  const lines = new Set<number>();
  // Without the parser, a `}` that closes a template substitution must be re-scanned as the template's
  // continuation; this stack says which kind of `{` each `}` closes.
  const opened: ('brace' | 'template')[] = [];
  for (let token = scanner.scan(); token !== ts.SyntaxKind.EndOfFileToken; token = scanner.scan()) {
    if (token === ts.SyntaxKind.OpenBraceToken) opened.push('brace');
    else if (token === ts.SyntaxKind.TemplateHead) opened.push('template');
    else if (token === ts.SyntaxKind.CloseBraceToken) {
      if (opened.at(-1) === 'template' && scanner.reScanTemplateToken(false) === ts.SyntaxKind.TemplateTail) opened.pop();
      else if (opened.at(-1) === 'brace') opened.pop();
    } else if (token === ts.SyntaxKind.SlashToken || token === ts.SyntaxKind.SlashEqualsToken) {
      // A regular expression cannot be told from a division without the parser; re-scanning after
      // `/` keeps a regex containing `//` from being read as a comment.
      scanner.reScanSlashToken();
    }
    const first = lineOf(scanner.getTokenStart());
    const last = lineOf(Math.max(scanner.getTokenStart(), scanner.getTokenEnd() - 1));
    for (let line = first; line <= last; line += 1) lines.add(line);
  }
  return lines;
}

/** The file's coverage restricted to lines that hold code; the totals are recomputed. */
export function restrictToCode(file: FileCoverage, code: ReadonlySet<number>): FileCoverage {
  const coveredLines = file.coveredLines.filter((line) => code.has(line));
  const uncoveredLines = file.uncoveredLines.filter((line) => code.has(line));
  const lines = coveredLines.length + uncoveredLines.length;
  const pct = lines === 0 ? 100 : round2((coveredLines.length / lines) * 100);
  return { ...file, lines, covered: coveredLines.length, pct, coveredLines, uncoveredLines };
}

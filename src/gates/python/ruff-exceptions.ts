/**
 * Two places where ruff, which a repository configured for ruff is checked with by its developers,
 * deliberately reports less than flake8 — so flake8 run on such a repository would fail it for code
 * its own linter accepts:
 *
 * - F401 on a redundant alias (`from .x import Y as Y`, `import a as a`): ruff and type checkers read
 *   it as an explicit re-export (the PEP 484 convention), pyflakes as an unused import.
 * - E501 on a line that only passes the limit because of a trailing pragma comment (`# type: ignore[…]`,
 *   `# noqa`, `# pyright: ignore`, `# pylint: …`), or that is one long "word" (a URL): ruff ignores both
 *   when measuring.
 * @module
 */
import path from 'node:path';
import type { Finding } from '../types.js';
import { readTextInside } from '../../workspace/read-inside.js';

const PRAGMA = /\s*#\s*(?:type:\s*ignore|noqa|pyright:\s*ignore|pylint:|nosec|isort:)[^#]*$/;

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The import statement starting on `line` (0-based), across parenthesised or continued lines. */
function statementFrom(lines: readonly string[], line: number): string {
  let text = '';
  let depth = 0;
  for (let i = line; i < lines.length && i < line + 200; i++) {
    const current = (lines[i] ?? '').replace(/#.*$/, '');
    text += `${current}\n`;
    depth += (current.match(/\(/g)?.length ?? 0) - (current.match(/\)/g)?.length ?? 0);
    if (depth <= 0 && !current.trimEnd().endsWith('\\')) break;
  }
  return text;
}

/** Whether an F401 finding is about a `name as name` import. */
function isRedundantAlias(finding: Finding, lines: readonly string[]): boolean {
  const quoted = /^'([^']+)' imported but unused/.exec(finding.message)?.[1];
  if (quoted === undefined || quoted.includes(' as ')) return false;
  const name = quoted.split('.').at(-1) ?? '';
  if (name === '') return false;
  return new RegExp(`\\b${escape(name)}\\s+as\\s+${escape(name)}\\b`).test(statementFrom(lines, finding.line - 1));
}

/** Whether an E501 finding is on a line ruff would not count as too long. */
function fitsForRuff(finding: Finding, lines: readonly string[], maxLength: number): boolean {
  const text = lines[finding.line - 1] ?? '';
  const withoutPragma = text.replace(PRAGMA, '');
  if (withoutPragma !== text && [...withoutPragma.trimEnd()].length <= maxLength) return true;
  // One long word after the indentation (and an optional comment marker): a URL, a path.
  return /^\s*(?:#\s*)?\S+$/.test(text);
}

/**
 * `findings` without those ruff would not report.
 * @param findings flake8's findings, paths relative to `dir`.
 * @param dir The repository.
 * @param maxLength The line length in force.
 */
export async function withoutRuffExceptions(findings: Finding[], dir: string, maxLength: number): Promise<Finding[]> {
  const sources = new Map<string, Promise<string[]>>();
  const linesOf = (file: string) => {
    let lines = sources.get(file);
    if (lines === undefined) {
      lines = readTextInside(dir, path.join(dir, file)).then((text) => text.split(/\r?\n/), () => []);
      sources.set(file, lines);
    }
    return lines;
  };
  const keep = await Promise.all(
    findings.map(async (finding) => {
      if (finding.rule === 'F401') return !isRedundantAlias(finding, await linesOf(finding.path));
      if (finding.rule === 'E501') return !fitsForRuff(finding, await linesOf(finding.path), maxLength);
      return true;
    }),
  );
  return findings.filter((_, i) => keep[i]);
}

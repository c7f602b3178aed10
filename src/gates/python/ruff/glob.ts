/**
 * ruff's file patterns (`exclude`, `per-file-ignores`, `include`) as regular expressions. ruff compiles
 * them with the Rust `globset` crate's defaults, which differ from shell and picomatch globs: `*` and `?`
 * also match `/` (no `literal_separator`), `**` may stand for no folder at all, `{a,b}` alternates,
 * `[…]`/`[!…]` are classes and a backslash escapes the next character. Matching the same way keeps a
 * pattern such as `tests/*` covering `tests/unit/test_x.py`, as it does for the developer.
 * @module
 */

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** The class starting at `pattern[start]` (`[`), as a regular expression, and where it ends. */
function charClass(pattern: string, start: number): { source: string; end: number } | undefined {
  let i = start + 1;
  let negated = false;
  if (pattern[i] === '!' || pattern[i] === '^') {
    negated = true;
    i++;
  }
  let body = '';
  // A `]` right after the opening bracket is a literal, as in globset.
  if (pattern[i] === ']') {
    body += '\\]';
    i++;
  }
  for (; i < pattern.length; i++) {
    const char = pattern[i] ?? '';
    if (char === ']') return { source: `[${negated ? '^' : ''}${body}]`, end: i };
    body += char === '-' ? '-' : escapeRegExp(char);
  }
  return undefined;
}

/**
 * The regular expression of one globset pattern, anchored at both ends.
 * @throws Error on an unclosed class or alternation (ruff rejects those too).
 */
export function globToRegExp(pattern: string): RegExp {
  let source = '';
  let depth = 0;
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i] ?? '';
    if (char === '\\' && i + 1 < pattern.length) {
      source += escapeRegExp(pattern[++i] ?? '');
    } else if (char === '*') {
      const atStart = i === 0 || pattern[i - 1] === '/';
      if (pattern[i + 1] === '*' && atStart && pattern[i + 2] === '/') {
        source += '(?:.*/)?'; // `**/`: any folders, or none
        i += 2;
      } else {
        while (pattern[i + 1] === '*') i++;
        source += '.*';
      }
    } else if (char === '?') {
      source += '.';
    } else if (char === '[') {
      const cls = charClass(pattern, i);
      if (cls === undefined) throw new Error(`invalid glob ${JSON.stringify(pattern)}: unclosed character class`);
      source += cls.source;
      i = cls.end;
    } else if (char === '{') {
      if (depth > 0) throw new Error(`invalid glob ${JSON.stringify(pattern)}: nested alternation`);
      depth++;
      source += '(?:';
    } else if (char === '}' && depth > 0) {
      depth--;
      source += ')';
    } else if (char === ',' && depth > 0) {
      source += '|';
    } else {
      source += escapeRegExp(char);
    }
  }
  if (depth > 0) throw new Error(`invalid glob ${JSON.stringify(pattern)}: unclosed alternation`);
  return new RegExp(`^${source}$`, 'su');
}

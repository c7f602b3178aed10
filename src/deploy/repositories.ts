/**
 * Repository patterns as operators write them (`acme/site`, `acme/*`, `acme/{api,web}`), shared by the
 * app's deploy bindings and the deploy agent's list of the repositories it serves. Globs are
 * picomatch's; GitHub treats owner and name case-insensitively, and so does the match. `*` also
 * matches names that start with a dot (`acme/.github`).
 * @module
 */
import picomatch from 'picomatch';

/** Characters of a repository pattern: GitHub's owner and name characters plus glob syntax. */
const REPOSITORY_PATTERN = /^[A-Za-z0-9._\-*?!{}[\],]+\/[A-Za-z0-9._\-*?!{}[\],]+$/;

/** Tells whether an `owner/name` is one a list of patterns names. */
export type RepositoryMatcher = (repository: string) => boolean;

/**
 * `text` split at every separator character (`separators`, one per character) outside braces, so
 * that `acme/{api,web},acme/site` is two items; empty items are dropped and items trimmed.
 */
export function splitOutsideBraces(text: string, separators: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of text) {
    if (char === '{') depth += 1;
    if (char === '}') depth = Math.max(0, depth - 1);
    if (depth === 0 && separators.includes(char)) {
      items.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  items.push(current);
  return items.map((item) => item.trim()).filter((item) => item !== '');
}

/** What is wrong with `pattern` as a repository pattern, or undefined when it is one. */
export function repositoryPatternProblem(pattern: string): string | undefined {
  if (REPOSITORY_PATTERN.test(pattern)) return undefined;
  return `"${pattern}" is not a repository: write owner/name, with globs if needed (acme/site, acme/*, */*)`;
}

/** A matcher for `patterns` (each checked with {@link repositoryPatternProblem} first). */
export function repositoryMatcher(patterns: readonly string[]): RepositoryMatcher {
  const matchers = patterns.map((pattern) => picomatch(pattern, { nocase: true, dot: true }));
  return (repository) => matchers.some((matches) => matches(repository));
}

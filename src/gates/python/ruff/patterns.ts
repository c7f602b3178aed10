/**
 * ruff's file patterns as it applies them: `exclude`/`include` match a path absolute from the folder of
 * the file that set the pattern, or the file's name when the pattern has no `/`; `per-file-ignores` and
 * `per-file-target-version` match the absolute path or the name, and a leading `!` negates them.
 * @module
 */
import path from 'node:path';
import { globToRegExp } from './glob.js';
import { configError, isTable } from './toml.js';

/** A file pattern of ruff: matched against a file's absolute path, and against its name when it has no `/`. */
export interface PathMatcher {
  /** The pattern as written. */
  pattern: string;
  /** The pattern made absolute from the folder of the file that set it. */
  absolute: RegExp;
  /** The pattern matched against the file's name. */
  basename?: RegExp;
}

/** One entry of `per-file-ignores` or `per-file-target-version` (a leading `!` negates the pattern). */
export interface PerFileEntry<T> {
  /** Which files: unlike `exclude`, the name is matched even when the pattern holds a `/`, as ruff does. */
  matcher: Required<PathMatcher>;
  /** Whether the entry applies to the files that do not match. */
  negated: boolean;
  /** Rule selectors to ignore, or the Python version. */
  value: T;
}

/** The matcher of `pattern` set in a file of folder `base`. */
export function pathMatcher(pattern: string, base: string, file = pattern): PathMatcher {
  try {
    const absolute = globToRegExp(path.resolve(base, pattern));
    return pattern.includes('/') ? { pattern, absolute } : { pattern, absolute, basename: globToRegExp(pattern) };
  } catch (error) {
    throw configError(file, (error as Error).message, error);
  }
}

/** Whether `matcher` matches the file or folder at absolute path `abs`. */
export function matchesPath(matcher: PathMatcher, abs: string): boolean {
  return matcher.absolute.test(abs) || (matcher.basename?.test(path.basename(abs)) ?? false);
}

/** Whether a per-file entry applies to the file at absolute path `abs`. */
export function entryApplies(entry: PerFileEntry<unknown>, abs: string): boolean {
  const hit = entry.matcher.absolute.test(abs) || entry.matcher.basename.test(path.basename(abs));
  return entry.negated ? !hit : hit;
}

/** The entries of a per-file table (`per-file-ignores`) set in a file of folder `base`. */
export function perFile<T>(table: unknown, base: string, file: string, key: string, value: (v: unknown) => T): PerFileEntry<T>[] {
  if (table === undefined) return [];
  if (!isTable(table)) throw configError(file, `\`${key}\` must be a table of file patterns`);
  return Object.entries(table).map(([raw, v]) => {
    const negated = raw.startsWith('!');
    const pattern = negated ? raw.slice(1) : raw;
    const matcher = pathMatcher(pattern, base, file);
    return { matcher: { ...matcher, basename: matcher.basename ?? globToRegExp(pattern) }, negated, value: value(v) };
  });
}

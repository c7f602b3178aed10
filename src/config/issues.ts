/**
 * Turns zod's validation issues into messages for someone editing YAML by hand: the closest known key
 * for a misspelt one, the allowed values for an enum, plain words for types and ranges.
 * @module
 */
import { closest, distance } from 'fastest-levenshtein';
import type { z } from 'zod';

/** A key path as zod gives it: object keys and array indexes. */
export type IssuePath = readonly PropertyKey[];

/** A zod issue turned into words, still anchored to its path; `onKey` when the key itself is wrong. */
export interface DescribedIssue {
  /** Path of the offending value (or, for an unknown key, of the key). */
  path: IssuePath;
  /** Whether the position to report is the key's rather than the value's. */
  onKey: boolean;
  /** The message, without file or key path. */
  message: string;
}

/** A suggestion is made only when the misspelling is this close, relative to the key's length (1 in 3 edits). */
const MAX_EDITS_PER_CHAR = 1 / 3;

/** YAML 1.1 booleans that YAML 1.2 (and so this parser) reads as strings. */
const YAML11_BOOLEANS = new Set(['yes', 'no', 'on', 'off', 'y', 'n']);

interface DefView {
  type: string;
  innerType?: z.core.$ZodType;
  shape?: Record<string, z.core.$ZodType>;
  element?: z.core.$ZodType;
  in?: z.core.$ZodType;
}

const def = (schema: z.core.$ZodType): DefView => schema._zod.def as unknown as DefView;

/** Strips optional/default/prefault wrappers to reach the schema that describes the value. */
function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
  let current = schema;
  for (;;) {
    const d = def(current);
    const next = d.innerType ?? (d.type === 'pipe' ? d.in : undefined);
    if (next === undefined) return current;
    current = next;
  }
}

/** The schema at `path` below `root`, or undefined when the path leaves the schema. */
export function schemaAt(root: z.core.$ZodType, path: IssuePath): z.core.$ZodType | undefined {
  let current: z.core.$ZodType | undefined = unwrap(root);
  for (const segment of path) {
    const d = def(current);
    if (d.shape !== undefined && typeof segment === 'string') current = d.shape[segment];
    else if (d.element !== undefined && typeof segment === 'number') current = d.element;
    else return undefined;
    if (current === undefined) return undefined;
    current = unwrap(current);
  }
  return current;
}

/** The keys an object schema at `path` accepts, in declaration order. */
export function knownKeysAt(root: z.core.$ZodType, path: IssuePath): string[] {
  const schema = schemaAt(root, path);
  const shape = schema === undefined ? undefined : def(schema).shape;
  return shape === undefined ? [] : Object.keys(shape);
}

/** The closest of `candidates` to `word`, when it is close enough to be a plausible typo. */
export function suggest(word: string, candidates: readonly string[]): string | undefined {
  if (candidates.length === 0) return undefined;
  const best = closest(word.toLowerCase(), [...candidates]);
  const edits = distance(word.toLowerCase(), best);
  return edits <= Math.max(1, Math.round(word.length * MAX_EDITS_PER_CHAR)) ? best : undefined;
}

/** The value at `path` in the input, to say what was written instead of what was expected. */
function valueAt(input: unknown, path: IssuePath): unknown {
  let current = input;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  return `the ${typeof value} ${String(value)}`;
}

const EXPECTED_WORDS: Record<string, string> = {
  number: 'a number',
  int: 'a whole number',
  string: 'a string',
  boolean: 'true or false',
  object: 'a mapping of keys',
  array: 'a list',
};

function typeHint(expected: string, value: unknown): string {
  if (typeof value !== 'string') return '';
  if (expected === 'boolean' && YAML11_BOOLEANS.has(value.toLowerCase())) return '; write `true` or `false`';
  if ((expected === 'number' || expected === 'int') && /^\s*\d+(\.\d+)?\s*%\s*$/.test(value)) {
    return '; write the number without `%`';
  }
  return '';
}

const code = (value: unknown): string => `\`${String(value)}\``;

function rangeMessage(issue: z.core.$ZodIssueTooBig | z.core.$ZodIssueTooSmall): string {
  const big = issue.code === 'too_big';
  const bound = big ? (issue as z.core.$ZodIssueTooBig).maximum : (issue as z.core.$ZodIssueTooSmall).minimum;
  if (issue.origin === 'string') return big ? `must be at most ${String(bound)} characters` : 'must not be empty';
  if (issue.origin === 'array') return big ? `must have at most ${String(bound)} items` : `must have at least ${String(bound)} items`;
  const inclusive = issue.inclusive !== false;
  const relation = big ? (inclusive ? 'at most' : 'less than') : inclusive ? 'at least' : 'more than';
  return `must be ${relation} ${String(bound)}`;
}

/**
 * Describes one zod issue. An unrecognized-keys issue becomes one entry per key, each anchored to
 * its key and carrying the closest known key at that level.
 */
export function describeIssue(issue: z.core.$ZodIssue, input: unknown, root: z.core.$ZodType): DescribedIssue[] {
  const value = valueAt(input, issue.path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = knownKeysAt(root, issue.path);
      return issue.keys.map((key) => {
        const guess = suggest(key, known);
        const message =
          guess === undefined
            ? `unknown key; known keys here: ${known.map(code).join(', ')}`
            : `unknown key; did you mean ${code(guess)}?`;
        return { path: [...issue.path, key], onKey: true, message };
      });
    }
    case 'invalid_type': {
      const expected = EXPECTED_WORDS[issue.expected] ?? issue.expected;
      const message = `expected ${expected}, got ${describeValue(value)}${typeHint(issue.expected, value)}`;
      return [{ path: issue.path, onKey: false, message }];
    }
    case 'invalid_value': {
      const allowed = issue.values.map(code).join(', ');
      const guess = typeof value === 'string' ? suggest(value, issue.values.map(String)) : undefined;
      const hint = guess === undefined ? '' : `; did you mean ${code(guess)}?`;
      return [{ path: issue.path, onKey: false, message: `must be one of ${allowed}, got ${describeValue(value)}${hint}` }];
    }
    case 'too_big':
    case 'too_small':
      return [{ path: issue.path, onKey: false, message: `${rangeMessage(issue)}, got ${describeValue(value)}` }];
    case 'invalid_format': {
      const pattern = 'pattern' in issue && typeof issue.pattern === 'string' ? ` ${issue.pattern}` : '';
      const what = pattern.includes('A-Z_') ? 'an environment variable name (capitals, digits, underscores)' : `a match for${pattern}`;
      return [{ path: issue.path, onKey: false, message: `must be ${what}, got ${describeValue(value)}` }];
    }
    default:
      return [{ path: issue.path, onKey: false, message: issue.message }];
  }
}

/** Formats a zod path as users write it: `deploy.dockerhub.source_type`, `docs.paths[1]`. */
export function formatKeyPath(path: IssuePath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${String(segment)}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out;
}

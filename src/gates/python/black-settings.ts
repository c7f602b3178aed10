/**
 * flake8 options that follow black when a repository formats with black but configures no linter.
 * Such a repository is formatted to 88 columns (or its own `line-length`) and writes slices as black
 * does (`x[a + 1 :]`); flake8's defaults (79 columns, E203) would fail nearly every file of it for what
 * its formatter produces. A repository with its own `[flake8]` section is left as it is, and one that
 * configures ruff is linted by ruff itself (`ruff/`).
 * @module
 */
import path from 'node:path';
import { parse } from 'smol-toml';
import { readTextInside } from '../../workspace/read-inside.js';
import { configuresFlake8 } from './linter-choice.js';

/** black's line length when the repository does not set one. */
export const BLACK_DEFAULT_LINE_LENGTH = 88;

/** What black documents for flake8 beside it: whitespace before `:` in slices, and one-line stubs. */
export const BLACK_EXTEND_IGNORE = ['E203', 'E701'];

/** The flake8 settings that follow black, and the line length they use. */
export interface BlackSettings {
  /** Extra flake8 arguments. */
  args: string[];
  /** The line length used. */
  lineLength: number;
}

function table(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/**
 * The settings to pass flake8 for the repository at `dir`, or undefined when it configures flake8
 * itself, does not configure black, or its `pyproject.toml` cannot be read (flake8's own defaults then
 * apply, as they would for the developer).
 */
export async function blackSettings(dir: string): Promise<BlackSettings | undefined> {
  if (await configuresFlake8(dir)) return undefined;
  let black: Record<string, unknown> | undefined;
  try {
    black = table(table(parse(await readTextInside(dir, path.join(dir, 'pyproject.toml'))).tool)?.black);
  } catch {
    return undefined;
  }
  if (black === undefined) return undefined;
  const value = black['line-length'];
  const length = typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : BLACK_DEFAULT_LINE_LENGTH;
  return { lineLength: length, args: [`--max-line-length=${String(length)}`, `--extend-ignore=${BLACK_EXTEND_IGNORE.join(',')}`] };
}

/**
 * flake8 options that follow the repository's formatter when it configures black or ruff but not
 * flake8. Such a repository is formatted to 88 columns (or its own `line-length`) and writes slices
 * as black does (`x[a + 1 :]`); flake8's defaults (79 columns, E203) would fail nearly every file of
 * it for what its formatter produces. A repository with its own `[flake8]` section is left as it is.
 * @module
 */
import path from 'node:path';
import { parse } from 'smol-toml';
import { pathExists } from '../../workspace/files.js';
import { readTextInside } from '../../workspace/read-inside.js';

/** black's and ruff's line length when the repository does not set one. */
export const FORMATTER_DEFAULT_LINE_LENGTH = 88;

/** What black documents for flake8 beside it: whitespace before `:` in slices, and one-line stubs. */
export const FORMATTER_EXTEND_IGNORE = ['E203', 'E701'];

/** The repository's settings for flake8 to follow, and where they came from. */
export interface FormatterSettings {
  /** Extra flake8 arguments. */
  args: string[];
  /** Which formatter's settings these are (`black` or `ruff`), for the check's summary. */
  formatter: 'black' | 'ruff';
  /** The line length used. */
  lineLength: number;
}

async function configuresFlake8(dir: string): Promise<boolean> {
  if (await pathExists(path.join(dir, '.flake8'))) return true;
  for (const file of ['setup.cfg', 'tox.ini']) {
    const text = await readTextInside(dir, path.join(dir, file)).catch(() => '');
    if (/^\s*\[flake8\]\s*$/m.test(text)) return true;
  }
  return false;
}

function table(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function lineLength(section: Record<string, unknown>): number {
  const value = section['line-length'];
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : FORMATTER_DEFAULT_LINE_LENGTH;
}

/**
 * The settings to pass flake8 for the repository at `dir`, or undefined when it configures flake8
 * itself, configures neither black nor ruff, or its `pyproject.toml` cannot be read (flake8's own
 * defaults then apply, as they would for the developer).
 */
export async function formatterSettings(dir: string): Promise<FormatterSettings | undefined> {
  if (await configuresFlake8(dir)) return undefined;
  let tool: Record<string, unknown> | undefined;
  try {
    tool = table(parse(await readTextInside(dir, path.join(dir, 'pyproject.toml'))).tool);
  } catch {
    return undefined;
  }
  const black = table(tool?.black);
  const ruff = table(tool?.ruff);
  const formatter = black ? 'black' : ruff ? 'ruff' : undefined;
  const section = black ?? ruff;
  if (formatter === undefined || section === undefined) return undefined;
  const length = lineLength(section);
  return { formatter, lineLength: length, args: [`--max-line-length=${String(length)}`, `--extend-ignore=${FORMATTER_EXTEND_IGNORE.join(',')}`] };
}

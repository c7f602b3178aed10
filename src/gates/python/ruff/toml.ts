/**
 * Reading ruff's configuration files: the ruff table of a `ruff.toml`, `.ruff.toml` or `pyproject.toml`,
 * and the checks every setting gets. A problem becomes a `config` ToolError that names the file, since
 * the repository's developers must fix it there.
 * @module
 */
import path from 'node:path';
import { parse } from 'smol-toml';
import { ToolError } from '../../types.js';
import { readTextInside } from '../../../workspace/read-inside.js';

/** A TOML table. */
export type Table = Record<string, unknown>;

/** Whether `value` is a TOML table (not a list, a date or a scalar). */
export function isTable(value: unknown): value is Table {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** The error for a configuration `file` (relative to the checkout) that cannot be used. */
export function configError(file: string, message: string, cause?: unknown): ToolError {
  return new ToolError(`ruff's configuration in ${file} cannot be used: ${message}. Fix it and push again.`, { reason: 'config', cause });
}

/** The setting `key` of `file` as a list of strings (empty when unset). */
export function strings(value: unknown, file: string, key: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) throw configError(file, `\`${key}\` must be a list of strings`);
  return value as string[];
}

/** Reads the ruff table of `file` (absolute), or undefined when a `pyproject.toml` has none. */
export async function readRuffTable(root: string, file: string): Promise<Table | undefined> {
  const rel = path.relative(root, file);
  let text: string;
  try {
    text = await readTextInside(root, file);
  } catch (error) {
    throw configError(rel, `it cannot be read inside the repository (${(error as Error).message})`, error);
  }
  let data: Table;
  try {
    data = parse(text);
  } catch (error) {
    throw configError(rel, `it is not valid TOML (${(error as Error).message.split('\n')[0] ?? ''})`, error);
  }
  if (path.basename(file) !== 'pyproject.toml') return data;
  const tool = data.tool;
  return isTable(tool) && isTable(tool.ruff) ? tool.ruff : undefined;
}

/**
 * Finding ruff's config file in a folder and reading it with everything it `extend`s: one layer per
 * file, base first, each holding its general settings, its lint settings (the deprecated top-level ones
 * moved under `lint`) and the folder its relative paths start from.
 * @module
 */
import path from 'node:path';
import { readTextInside } from '../../../workspace/read-inside.js';
import { configError, isTable, readRuffTable, type Table } from './toml.js';

/** Config file names ruff looks for in a folder, in its order of precedence. */
export const RUFF_CONFIG_FILES = ['.ruff.toml', 'ruff.toml', 'pyproject.toml'] as const;

/** Most `extend` links followed: a chain this long is a mistake, not a configuration. */
export const MAX_EXTEND_DEPTH = 16;

/**
 * Lint settings ruff still accepts at the top level of its configuration (deprecated there in favour
 * of the `lint` table, which wins when both set one).
 */
const TOP_LEVEL_LINT_KEYS = new Set([
  'allowed-confusables', 'dummy-variable-rgx', 'explicit-preview-rules', 'extend-fixable', 'extend-ignore', 'extend-per-file-ignores',
  'extend-safe-fixes', 'extend-select', 'extend-unfixable', 'extend-unsafe-fixes', 'external', 'fixable', 'ignore',
  'ignore-init-module-imports', 'logger-objects', 'per-file-ignores', 'select', 'task-tags', 'typing-modules', 'unfixable',
  'flake8-annotations', 'flake8-bandit', 'flake8-boolean-trap', 'flake8-bugbear', 'flake8-builtins', 'flake8-comprehensions',
  'flake8-copyright', 'flake8-errmsg', 'flake8-gettext', 'flake8-implicit-str-concat', 'flake8-import-conventions',
  'flake8-pytest-style', 'flake8-quotes', 'flake8-self', 'flake8-tidy-imports', 'flake8-type-checking', 'flake8-unused-arguments',
  'isort', 'mccabe', 'pep8-naming', 'pycodestyle', 'pydocstyle', 'pyflakes', 'pylint', 'pyupgrade',
]);

/** One config file, read: its ruff table and the folder its relative paths start from. */
export interface Layer {
  /** The file, relative to the checkout. */
  file: string;
  /** Its folder (absolute): relative paths in it start here. */
  dir: string;
  /** Settings outside `lint`. */
  top: Table;
  /** Lint settings. */
  lint: Table;
}

function toLayer(root: string, file: string, table: Table): Layer {
  const top: Table = {};
  const lint: Table = {};
  for (const [key, value] of Object.entries(table)) {
    if (key === 'lint') continue;
    if (TOP_LEVEL_LINT_KEYS.has(key)) lint[key] = value;
    else top[key] = value;
  }
  const own = table.lint;
  if (own !== undefined && !isTable(own)) throw configError(path.relative(root, file), '`lint` must be a table');
  // The `lint` table wins over the deprecated top-level keys; plugin tables (`isort` …) merge field by
  // field, as ruff combines them, while a per-file table replaces the other whole.
  for (const [key, value] of Object.entries(own ?? {})) {
    lint[key] = isTable(value) && isTable(lint[key]) && !key.endsWith('per-file-ignores') ? { ...lint[key], ...value } : value;
  }
  return { file: path.relative(root, file), dir: path.dirname(file), top, lint };
}

/** The folder's ruff config file (absolute path), in ruff's order of precedence, or undefined. */
export async function findRuffConfig(root: string, dir: string): Promise<string | undefined> {
  for (const name of RUFF_CONFIG_FILES) {
    const file = path.join(dir, name);
    if (name !== 'pyproject.toml') {
      if (await readTextInside(root, file).then(() => true, () => false)) return file;
      continue;
    }
    const table = await readRuffTable(root, file).catch(() => undefined);
    if (table !== undefined) return file;
  }
  return undefined;
}

/** `file` and everything it extends, base first. */
export async function readChain(root: string, file: string): Promise<Layer[]> {
  const chain: Layer[] = [];
  const seen = new Set<string>();
  for (let current: string | undefined = file; current !== undefined; ) {
    const rel = path.relative(root, current);
    if (seen.has(current)) throw configError(rel, '`extend` goes round in a circle');
    if (seen.size >= MAX_EXTEND_DEPTH) throw configError(rel, `more than ${String(MAX_EXTEND_DEPTH)} files extend one another`);
    seen.add(current);
    const table = await readRuffTable(root, current);
    if (table === undefined) throw configError(rel, 'it has no [tool.ruff] table to extend');
    const layer = toLayer(root, current, table);
    chain.unshift(layer);
    const extend = table.extend;
    if (extend === undefined) break;
    if (typeof extend !== 'string' || extend.startsWith('~') || extend.includes('$')) {
      throw configError(rel, '`extend` must be a path relative to the repository (no ~ or environment variables)');
    }
    current = path.resolve(layer.dir, extend);
  }
  return chain;
}

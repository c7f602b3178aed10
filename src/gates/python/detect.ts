/**
 * Whether a checkout is a Python project, from its files alone (no tool runs), so that detection stays
 * cheap and identical in the app and the CLI.
 * @module
 */
import { readdir } from 'node:fs/promises';
import type { Config } from '../../config/schema.js';

/** Files whose presence at the repository root marks a Python project (PEP 518/621, setuptools, pip, tox). */
export const PYTHON_MARKERS = ['pyproject.toml', 'setup.cfg', 'setup.py', 'tox.ini'] as const;

/** `requirements.txt`, `requirements-dev.txt`, `requirements_test.txt` … (pip's conventional names). */
export const REQUIREMENTS_PATTERN = /^requirements[\w.-]*\.txt$/;

/** Lists the root's file names; an unreadable or missing directory has none. */
async function rootFiles(dir: string): Promise<Set<string>> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return new Set(entries.filter((entry) => entry.isFile()).map((entry) => entry.name));
  } catch {
    return new Set();
  }
}

/**
 * Whether the Python toolchains apply: `language: python` or `both` forces them; `javascript` rules them
 * out; `auto` needs a Python marker file at the root and no `package.json` (a JS project that happens to
 * carry a `setup.cfg` is not treated as Python unless the config says `both`).
 */
export async function isPythonRepo(dir: string, config: Config): Promise<boolean> {
  if (config.language === 'python') return true;
  if (config.language === 'javascript') return false;
  const files = await rootFiles(dir);
  const hasMarker =
    PYTHON_MARKERS.some((name) => files.has(name)) || [...files].some((name) => REQUIREMENTS_PATTERN.test(name));
  if (!hasMarker) return false;
  return config.language === 'both' || !files.has('package.json');
}

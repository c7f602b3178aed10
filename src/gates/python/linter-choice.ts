/**
 * Which Python linter judges a repository: the one it configures. A repository that configures ruff
 * (`.ruff.toml`, `ruff.toml`, `[tool.ruff]` in `pyproject.toml`) and not flake8 is linted by ruff with
 * its configuration; one configured for flake8 (`.flake8`, `[flake8]` in `setup.cfg` or `tox.ini`), or
 * for neither, by flake8 (PEP 8 by default). Decided from files alone, so detection stays cheap.
 * @module
 */
import path from 'node:path';
import { pathExists } from '../../workspace/files.js';
import { readTextInside } from '../../workspace/read-inside.js';
import { findRuffConfig } from './ruff/layers.js';

/** Whether the repository at `dir` has a flake8 configuration flake8 would read from its root. */
export async function configuresFlake8(dir: string): Promise<boolean> {
  if (await pathExists(path.join(dir, '.flake8'))) return true;
  for (const file of ['setup.cfg', 'tox.ini']) {
    const text = await readTextInside(dir, path.join(dir, file)).catch(() => '');
    if (/^\s*\[flake8\]\s*$/m.test(text)) return true;
  }
  return false;
}

/** The linter the repository at `dir` is configured for: `ruff` only when it configures ruff and not flake8. */
export async function pythonLinter(dir: string): Promise<'ruff' | 'flake8'> {
  if (await configuresFlake8(dir)) return 'flake8';
  return (await findRuffConfig(dir, dir)) === undefined ? 'flake8' : 'ruff';
}

/**
 * What a Python linter (flake8, a native ruff) is pointed at in a checkout: the root's folders and
 * `.py` files, as `flake8 .` or `ruff check .` would walk them, less what the engine itself put there or
 * what is never the repository's own code. Each linter still applies the repository's excludes.
 * @module
 */
import { readdir } from 'node:fs/promises';
import { REPORT_DIR_NAME } from '../exec.js';

/**
 * Root entries never linted: the virtual environment the Python install creates in the checkout, the
 * npm dependencies a JS+Python repository gets there (node-gyp ships Python), the usual names of a
 * committed virtual environment, `build/` (where `pip install .` of a setup.py project copies the sources
 * to: every finding twice), and the engine's report folder. They are left out of the paths given to the
 * linter rather than passed as `--extend-exclude`, which for flake8 would replace the repository's own
 * `extend-exclude` instead of adding to it.
 */
export const SKIPPED_ROOT_ENTRIES: ReadonlySet<string> = new Set(['.venv', 'venv', 'node_modules', 'build', REPORT_DIR_NAME, '.git']);

/** The root's folders and `.py` files, minus {@link SKIPPED_ROOT_ENTRIES}, sorted. */
export async function lintTargets(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((entry) => !SKIPPED_ROOT_ENTRIES.has(entry.name))
    .filter((entry) => entry.isDirectory() || (entry.isFile() && entry.name.endsWith('.py')))
    .map((entry) => entry.name)
    .sort();
}

/**
 * Which files ruff would lint, and with which settings each: a walk of the checkout as ruff's own walk
 * goes (each folder's closest config file governs it; `exclude` prunes files and whole folders;
 * `include` picks the files), with `per-file-ignores` and `per-file-target-version` worked out per file.
 * The WebAssembly build lints one source string at a time and never sees a path, so these are decided
 * here and handed to it as settings.
 * @module
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { SKIPPED_ROOT_ENTRIES } from '../lint-targets.js';
import { resolveRuffConfig, type ResolvedRuffConfig } from './config.js';
import { findRuffConfig } from './layers.js';
import { entryApplies, matchesPath } from './patterns.js';

/** Folders deeper than this are not walked (a link farm or a generated tree, not sources). */
export const MAX_WALK_DEPTH = 64;

/** One file to lint and the settings that apply to it. */
export interface PlannedFile {
  /** Path relative to the checkout, with forward slashes. */
  path: string;
  /** Index of its configuration in {@link LintPlan.configs}. */
  config: number;
  /** Rule selectors `per-file-ignores` switch off for it, sorted, without repeats. */
  ignores: string[];
  /** Its Python version from `per-file-target-version`, when one applies. */
  targetVersion?: string;
}

/** The files to lint and the configurations they use. */
export interface LintPlan {
  /** Every configuration met: the root's first, then those of subfolders that bring their own. */
  configs: ResolvedRuffConfig[];
  /** Files to lint, in walk order (sorted by path within each folder). */
  files: PlannedFile[];
  /** Files ruff would include that are not `.py` (stubs, notebooks), relative paths. */
  otherFiles: string[];
}

function plannedFile(rel: string, abs: string, index: number, config: ResolvedRuffConfig): PlannedFile {
  const ignores = new Set<string>();
  for (const entry of config.perFileIgnores) if (entryApplies(entry, abs)) for (const selector of entry.value) ignores.add(selector);
  const planned: PlannedFile = { path: rel, config: index, ignores: [...ignores].sort() };
  const version = config.perFileTargetVersion.find((entry) => entryApplies(entry, abs));
  if (version !== undefined) planned.targetVersion = version.value;
  return planned;
}

/**
 * Walks `root` from its ruff config `rootConfig` (absolute path) and plans the lint.
 * @throws ToolError (`config`) when a config file met on the way cannot be used.
 */
export async function planLint(root: string, rootConfig: string): Promise<LintPlan> {
  const plan: LintPlan = { configs: [await resolveRuffConfig(root, rootConfig)], files: [], otherFiles: [] };
  const walk = async (dir: string, index: number, depth: number): Promise<void> => {
    const config = plan.configs[index];
    if (config === undefined || depth > MAX_WALK_DEPTH) return;
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const abs = path.join(dir, entry.name);
      if (depth === 0 && SKIPPED_ROOT_ENTRIES.has(entry.name)) continue;
      // Links are not followed, as ruff's walk does not follow them.
      if (entry.isSymbolicLink() || config.exclude.some((m) => matchesPath(m, abs))) continue;
      if (entry.isDirectory()) {
        const own = await findRuffConfig(root, abs);
        let next = index;
        if (own !== undefined) {
          plan.configs.push(await resolveRuffConfig(root, own));
          next = plan.configs.length - 1;
        }
        await walk(abs, next, depth + 1);
      } else if (entry.isFile() && config.include.some((m) => matchesPath(m, abs)) && !config.lintExclude.some((m) => matchesPath(m, abs))) {
        const rel = path.relative(root, abs).split(path.sep).join('/');
        if (entry.name.endsWith('.py')) plan.files.push(plannedFile(rel, abs, index, config));
        else if (entry.name !== 'pyproject.toml') plan.otherFiles.push(rel);
      }
    }
  };
  await walk(root, 0, 0);
  return plan;
}

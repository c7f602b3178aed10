/**
 * The repository's ruff configuration, resolved as ruff resolves it, for a ruff that cannot read files
 * itself: the WebAssembly build takes one settings object and lints a string without a path. So the
 * file is found here (`.ruff.toml`, then `ruff.toml`, then `pyproject.toml`'s `[tool.ruff]`), its
 * `extend` chain read and merged (`layers.ts`: a setting of the extending file wins; `extend-exclude` and
 * `extend-per-file-ignores` add up; rule selections are folded by `selection.ts`), and the settings that
 * depend on a file's path (`exclude`, `include`, `per-file-ignores`, `per-file-target-version`) are
 * compiled into matchers, each relative to the folder of the file that set it, as ruff does.
 * @module
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'smol-toml';
import { readTextInside } from '../../../workspace/read-inside.js';
import { readChain } from './layers.js';
import { pathMatcher, perFile, type PathMatcher, type PerFileEntry } from './patterns.js';
import { targetFromRequiresPython } from './requires-python.js';
import { applySelection, type Selection } from './selection.js';
import { isTable, strings, type Table } from './toml.js';

/** ruff's default `exclude` (its documentation's list); a repository's own `exclude` replaces it. */
export const DEFAULT_EXCLUDE = [
  '.bzr', '.direnv', '.eggs', '.git', '.git-rewrite', '.hg', '.ipynb_checkpoints', '.mypy_cache', '.nox', '.pants.d', '.pyenv',
  '.pytest_cache', '.pytype', '.ruff_cache', '.svn', '.tox', '.venv', '.vscode', '__pypackages__', '_build', 'buck-out', 'build',
  'dist', 'node_modules', 'site-packages', 'venv',
];

/** ruff's default `include`. */
export const DEFAULT_INCLUDE = ['*.py', '*.pyi', '*.ipynb', '**/pyproject.toml'];

/** Settings that name files or only matter to ruff's command line: applied here, never given to the WebAssembly build. */
const PATH_AND_CLI_KEYS = [
  'extend', 'exclude', 'extend-exclude', 'include', 'extend-include', 'force-exclude', 'respect-gitignore', 'cache-dir',
  'output-format', 'fix', 'unsafe-fixes', 'fix-only', 'show-fixes', 'required-version', 'namespace-packages', 'per-file-target-version', 'src',
];

/** ruff's `src` when the configuration sets none: the project root and its `src` folder. */
export const DEFAULT_SRC = ['.', 'src'];

const MODULE_NAME = /^[A-Za-z_]\w*$/;
const LINT_PATH_KEYS = ['per-file-ignores', 'extend-per-file-ignores', 'exclude', 'select', 'extend-select', 'ignore', 'extend-ignore'];

/** A resolved configuration: what the WebAssembly build gets, plus the path-based settings to apply per file. */
export interface ResolvedRuffConfig {
  /** The config files read, the one found first, then what it extends (paths relative to the checkout). */
  files: string[];
  /** Settings for the WebAssembly `Workspace`: everything but the path-based keys. */
  settings: Record<string, unknown>;
  /** Files and folders not linted (`exclude` or ruff's default, plus every `extend-exclude`). */
  exclude: PathMatcher[];
  /** Files not linted (`lint.exclude`), matched against the file alone. */
  lintExclude: PathMatcher[];
  /** Files linted when met in a folder walk. */
  include: PathMatcher[];
  /** Rules ignored per file. */
  perFileIgnores: PerFileEntry<string[]>[];
  /** Python version per file. */
  perFileTargetVersion: PerFileEntry<string>[];
}

function mergeTables(base: Table, over: Table): Table {
  const merged: Table = { ...base };
  for (const [key, value] of Object.entries(over)) merged[key] = isTable(value) && isTable(merged[key]) ? { ...merged[key], ...value } : value;
  return merged;
}

async function requiresPython(root: string, dir: string): Promise<unknown> {
  try {
    const data = parse(await readTextInside(root, path.join(dir, 'pyproject.toml')));
    return isTable(data.project) ? data.project['requires-python'] : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The modules ruff finds in the `src` folders (absolute paths): a folder or a `.py`/`.pyi` file there
 * makes an import of that name first-party for isort (`I001`). ruff looks on disk; the WebAssembly build
 * has no disk, so the names are handed to it as `known-first-party`.
 */
export async function srcModules(root: string, srcDirs: readonly string[]): Promise<string[]> {
  const names = new Set<string>();
  for (const dir of srcDirs) {
    if (path.relative(root, dir).startsWith('..')) continue;
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const module = entry.isFile() && /\.pyi?$/.test(entry.name) ? entry.name.replace(/\.pyi?$/, '') : undefined;
      const name = entry.isDirectory() ? entry.name : module;
      if (name !== undefined && MODULE_NAME.test(name)) names.add(name);
    }
  }
  return [...names].sort();
}

/**
 * Resolves the ruff config file `file` (absolute, inside `root`) with everything it extends.
 * @throws ToolError (`config`) when a file cannot be read or parsed, or `extend` leaves the repository.
 */
export async function resolveRuffConfig(root: string, file: string): Promise<ResolvedRuffConfig> {
  const chain = await readChain(root, file);
  let top: Table = {};
  let lint: Table = {};
  let selection: Selection = { extendSelect: [], ignore: [] };
  let exclude: PathMatcher[] | undefined;
  let include: PathMatcher[] | undefined;
  let lintExclude: PathMatcher[] = [];
  const extendExclude: PathMatcher[] = [];
  const extendInclude: PathMatcher[] = [];
  let perFileIgnores: PerFileEntry<string[]>[] = [];
  const extendPerFileIgnores: PerFileEntry<string[]>[] = [];
  let perFileTargetVersion: PerFileEntry<string>[] = [];
  let src = DEFAULT_SRC.map((dir) => path.resolve(path.dirname(file), dir));
  for (const layer of chain) {
    const matchers = (key: string, table: Table) => strings(table[key], layer.file, key).map((p) => pathMatcher(p, layer.dir, layer.file));
    if (layer.top.exclude !== undefined) exclude = matchers('exclude', layer.top);
    if (layer.top.include !== undefined) include = matchers('include', layer.top);
    if (layer.lint.exclude !== undefined) lintExclude = matchers('exclude', layer.lint);
    extendExclude.push(...matchers('extend-exclude', layer.top));
    extendInclude.push(...matchers('extend-include', layer.top));
    const selectors = (key: string) => (v: unknown) => strings(v, layer.file, key);
    if (layer.lint['per-file-ignores'] !== undefined) perFileIgnores = perFile(layer.lint['per-file-ignores'], layer.dir, layer.file, 'per-file-ignores', selectors('per-file-ignores'));
    extendPerFileIgnores.push(...perFile(layer.lint['extend-per-file-ignores'], layer.dir, layer.file, 'extend-per-file-ignores', selectors('extend-per-file-ignores')));
    if (layer.top['per-file-target-version'] !== undefined) {
      perFileTargetVersion = perFile(layer.top['per-file-target-version'], layer.dir, layer.file, 'per-file-target-version', (v) => String(v));
    }
    if (layer.top.src !== undefined) src = strings(layer.top.src, layer.file, 'src').map((dir) => path.resolve(layer.dir, dir));
    selection = applySelection(selection, layer);
    top = mergeTables(top, layer.top);
    lint = mergeTables(lint, layer.lint);
  }
  for (const key of PATH_AND_CLI_KEYS) Reflect.deleteProperty(top, key);
  for (const key of LINT_PATH_KEYS) Reflect.deleteProperty(lint, key);
  const leaf = chain.at(-1);
  if (top['target-version'] === undefined && leaf !== undefined) {
    const inferred = targetFromRequiresPython(await requiresPython(root, leaf.dir));
    if (inferred !== undefined) top['target-version'] = inferred;
  }
  const firstParty = await srcModules(root, src);
  const isort = isTable(lint.isort) ? lint.isort : {};
  if (firstParty.length > 0) lint.isort = { ...isort, 'known-first-party': [...strings(isort['known-first-party'], file, 'known-first-party'), ...firstParty] };
  const settings: Table = {
    ...top,
    lint: {
      ...lint,
      ...(selection.select ? { select: selection.select } : {}),
      'extend-select': selection.extendSelect,
      ignore: selection.ignore,
    },
  };
  return {
    files: chain.map((layer) => layer.file).reverse(),
    settings,
    exclude: [...(exclude ?? DEFAULT_EXCLUDE.map((p) => pathMatcher(p, root))), ...extendExclude],
    lintExclude,
    include: [...(include ?? DEFAULT_INCLUDE.map((p) => pathMatcher(p, root))), ...extendInclude],
    perFileIgnores: [...perFileIgnores, ...extendPerFileIgnores],
    perFileTargetVersion,
  };
}

/** Where a configuration came from, for summaries: `pyproject.toml [tool.ruff], extending ruff-base.toml`. */
export function describeConfig(config: Pick<ResolvedRuffConfig, 'files'>): string {
  const [leaf = '', ...bases] = config.files;
  const name = path.basename(leaf) === 'pyproject.toml' ? `${leaf} [tool.ruff]` : leaf;
  return bases.length > 0 ? `${name}, extending ${bases.join(', then ')}` : name;
}

/**
 * The repository's ruff configuration, resolved as ruff resolves it, for a ruff that cannot read files
 * itself: the WebAssembly build takes one settings object and lints a string without a path. So the
 * file is found here (`.ruff.toml`, then `ruff.toml`, then `pyproject.toml`'s `[tool.ruff]`), its
 * `extend` chain read and merged (a setting of the extending file wins; `extend-exclude` and
 * `extend-per-file-ignores` add up; rule selections are applied layer by layer), and the settings that
 * depend on a file's path (`exclude`, `include`, `per-file-ignores`, `per-file-target-version`) are
 * compiled into matchers, each relative to the folder of the file that set it, as ruff does.
 * @module
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'smol-toml';
import { ToolError } from '../../types.js';
import { readTextInside } from '../../../workspace/read-inside.js';
import { globToRegExp } from './glob.js';

/** Config file names ruff looks for in a folder, in its order of precedence. */
export const RUFF_CONFIG_FILES = ['.ruff.toml', 'ruff.toml', 'pyproject.toml'] as const;

/** ruff's default `exclude` (its documentation's list); a repository's own `exclude` replaces it. */
export const DEFAULT_EXCLUDE = [
  '.bzr', '.direnv', '.eggs', '.git', '.git-rewrite', '.hg', '.ipynb_checkpoints', '.mypy_cache', '.nox', '.pants.d', '.pyenv',
  '.pytest_cache', '.pytype', '.ruff_cache', '.svn', '.tox', '.venv', '.vscode', '__pypackages__', '_build', 'buck-out', 'build',
  'dist', 'node_modules', 'site-packages', 'venv',
];

/** ruff's default `include`. */
export const DEFAULT_INCLUDE = ['*.py', '*.pyi', '*.ipynb', '**/pyproject.toml'];

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

/** Settings that name files or only matter to ruff's command line: applied here, never given to the WebAssembly build. */
const PATH_AND_CLI_KEYS = [
  'extend', 'exclude', 'extend-exclude', 'include', 'extend-include', 'force-exclude', 'respect-gitignore', 'cache-dir',
  'output-format', 'fix', 'unsafe-fixes', 'fix-only', 'show-fixes', 'required-version', 'namespace-packages', 'per-file-target-version', 'src',
];

/** ruff's `src` when the configuration sets none: the project root and its `src` folder. */
export const DEFAULT_SRC = ['.', 'src'];

const MODULE_NAME = /^[A-Za-z_]\w*$/;
const LINT_PATH_KEYS = ['per-file-ignores', 'extend-per-file-ignores', 'exclude', 'select', 'extend-select', 'ignore', 'extend-ignore'];

/** A file pattern of ruff: matched against a file's absolute path, and against its name when it has no `/`. */
export interface PathMatcher {
  /** The pattern as written. */
  pattern: string;
  /** The pattern made absolute from the folder of the file that set it. */
  absolute: RegExp;
  /** The pattern matched against the file's name. */
  basename?: RegExp;
}

/** One entry of `per-file-ignores` or `per-file-target-version` (a leading `!` negates the pattern). */
export interface PerFileEntry<T> {
  /** Which files: unlike `exclude`, the name is matched even when the pattern holds a `/`, as ruff does. */
  matcher: Required<PathMatcher>;
  /** Whether the entry applies to the files that do not match. */
  negated: boolean;
  /** Rule selectors to ignore, or the Python version. */
  value: T;
}

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

type Table = Record<string, unknown>;

function isTable(value: unknown): value is Table {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function configError(file: string, message: string, cause?: unknown): ToolError {
  return new ToolError(`ruff's configuration in ${file} cannot be used: ${message}. Fix it and push again.`, { reason: 'config', cause });
}

function strings(value: unknown, file: string, key: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) throw configError(file, `\`${key}\` must be a list of strings`);
  return value as string[];
}

/** The matcher of `pattern` set in a file of folder `base`. */
export function pathMatcher(pattern: string, base: string, file = pattern): PathMatcher {
  try {
    const absolute = globToRegExp(path.resolve(base, pattern));
    return pattern.includes('/') ? { pattern, absolute } : { pattern, absolute, basename: globToRegExp(pattern) };
  } catch (error) {
    throw configError(file, (error as Error).message, error);
  }
}

/** Whether `matcher` matches the file or folder at absolute path `abs`. */
export function matchesPath(matcher: PathMatcher, abs: string): boolean {
  return matcher.absolute.test(abs) || (matcher.basename?.test(path.basename(abs)) ?? false);
}

/** Whether a per-file entry applies to the file at absolute path `abs`. */
export function entryApplies(entry: PerFileEntry<unknown>, abs: string): boolean {
  const hit = entry.matcher.absolute.test(abs) || entry.matcher.basename.test(path.basename(abs));
  return entry.negated ? !hit : hit;
}

function perFile<T>(table: unknown, base: string, file: string, key: string, value: (v: unknown) => T): PerFileEntry<T>[] {
  if (table === undefined) return [];
  if (!isTable(table)) throw configError(file, `\`${key}\` must be a table of file patterns`);
  return Object.entries(table).map(([raw, v]) => {
    const negated = raw.startsWith('!');
    const pattern = negated ? raw.slice(1) : raw;
    const matcher = pathMatcher(pattern, base, file);
    return { matcher: { ...matcher, basename: matcher.basename ?? globToRegExp(pattern) }, negated, value: value(v) };
  });
}

/** One config file, read: its ruff table and the folder its relative paths start from. */
interface Layer {
  file: string;
  dir: string;
  top: Table;
  lint: Table;
}

/** Reads the ruff table of `file` (absolute), or undefined when a `pyproject.toml` has none. */
async function readRuffTable(root: string, file: string): Promise<Table | undefined> {
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
  // The `lint` table wins over the deprecated top-level keys; plugin tables merge field by field.
  for (const [key, value] of Object.entries(own ?? {})) lint[key] = isTable(value) && isTable(lint[key]) ? { ...lint[key], ...value } : value;
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
async function readChain(root: string, file: string): Promise<Layer[]> {
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

/** Rule selection after every layer: a layer's `select` starts afresh, its `extend-select` and `ignore` adjust. */
interface Selection {
  select?: string[];
  extendSelect: string[];
  ignore: string[];
}

function applySelection(state: Selection, layer: Layer): Selection {
  const select = layer.lint.select === undefined ? undefined : strings(layer.lint.select, layer.file, 'select');
  const extendSelect = strings(layer.lint['extend-select'], layer.file, 'extend-select');
  const ignore = [...strings(layer.lint.ignore, layer.file, 'ignore'), ...strings(layer.lint['extend-ignore'], layer.file, 'extend-ignore')];
  if (select !== undefined) return { select, extendSelect, ignore };
  // Later layers win over earlier ones whatever the specificity: a rule this layer selects is no longer
  // ignored by an earlier one, and one it ignores is no longer selected by an earlier one.
  const covers = (wide: string) => (code: string) => code.startsWith(wide) || wide === 'ALL';
  let next: Selection = { ...state, extendSelect: [...state.extendSelect], ignore: [...state.ignore] };
  for (const selector of extendSelect) next = { ...next, ignore: next.ignore.filter((i) => !covers(selector)(i)), extendSelect: [...next.extendSelect, selector] };
  for (const selector of ignore) {
    next = {
      ignore: [...next.ignore, selector],
      extendSelect: next.extendSelect.filter((s) => !covers(selector)(s)),
      ...(next.select ? { select: next.select.filter((s) => !covers(selector)(s)) } : {}),
    };
  }
  return next;
}

function mergeTables(base: Table, over: Table): Table {
  const merged: Table = { ...base };
  for (const [key, value] of Object.entries(over)) merged[key] = isTable(value) && isTable(merged[key]) ? { ...merged[key], ...value } : value;
  return merged;
}

type Version = [number, number, number];

function compare(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/** Whether version `v` meets one PEP 440 clause (`>=3.9`, `==3.12.*`, `~=3.11`, `<4`). */
function meets(v: Version, op: string, parts: string[]): boolean {
  const wildcard = parts.at(-1) === '*';
  const nums = (wildcard ? parts.slice(0, -1) : parts).map(Number);
  const bound: Version = [nums[0] ?? 0, nums[1] ?? 0, nums[2] ?? 0];
  const prefix = () => nums.every((n, i) => v[i] === n);
  const c = compare(v, bound);
  if (op === '==') return wildcard ? prefix() : c === 0;
  if (op === '!=') return wildcard ? !prefix() : c !== 0;
  if (op === '>=') return c >= 0;
  if (op === '>') return c > 0;
  if (op === '<=') return c <= 0;
  if (op === '<') return c < 0;
  // `~=X.Y` means >= X.Y and == X.*; `~=X.Y.Z` means >= X.Y.Z and == X.Y.*.
  return c >= 0 && nums.slice(0, -1).every((n, i) => v[i] === n);
}

/**
 * The lowest `py3X` whose releases `requires-python` admits (its lower bound's minor version, as ruff
 * infers `target-version`), or undefined when it says nothing usable.
 */
export function targetFromRequiresPython(spec: unknown): string | undefined {
  if (typeof spec !== 'string' || spec.trim() === '') return undefined;
  const clauses = spec.split(',').map((c) => /^\s*(>=|<=|==|!=|~=|>|<)\s*(\d+(?:\.(?:\d+|\*))*)\s*$/.exec(c));
  if (clauses.some((c) => c === null)) return undefined;
  for (let minor = 7; minor <= 15; minor++) {
    for (let patch = 0; patch <= 50; patch++) {
      if (clauses.every((c) => meets([3, minor, patch], c?.[1] ?? '', (c?.[2] ?? '').split('.')))) return `py3${String(minor)}`;
    }
  }
  return undefined;
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

/**
 * Which source files hold a JS/TS package's public API: the `docs.paths` globs when set, else the
 * package's entry points mapped back to their sources (`dist/index.js` → `src/index.ts`; a JavaScript
 * entry with a hand-written declaration beside it → that declaration), with those of
 * every npm/yarn workspace in a monorepo, else the
 * sources under `src/` outside tests. Only reads files.
 * @module
 */
import path from 'node:path';
import { glob } from 'tinyglobby';
import type { Config } from '../../config/schema.js';
import { entryPointPaths, readPackageJson, workspaceGlobs, type PackageJson } from './package.js';
import { pathExists } from '../../workspace/files.js';

/** Source extensions the TypeScript compiler reads (with `allowJs`). */
const SOURCE_EXT = '{ts,tsx,mts,cts,js,jsx,mjs,cjs}';

/** Files never part of a public API: dependencies, builds, tests, declarations, tool configs. */
export const NOT_API = [
  '**/node_modules/**',
  '**/dist/**',
  '**/dist-*/**',
  '**/build/**',
  '**/coverage/**',
  '.quality-gates/**',
  '**/test/**',
  '**/tests/**',
  '**/__tests__/**',
  '**/*.{test,spec}.*',
  '**/test.*',
  '**/*.test-d.*',
  '**/*.d.{ts,mts,cts}',
  '**/*.config.*',
];

/** Output folders whose files are usually built from `src/`, with their variants (`dist-node`, `dist.browser`). */
export const BUILD_DIR = /^(?:dist|lib|build|out|esm|cjs)(?:[-_.][\w.-]+)?$/;

/** Source extensions tried for a built JS or declaration file, in order of preference. */
const SOURCE_FOR: Record<string, string[]> = {
  '.js': ['.ts', '.tsx', '.js', '.jsx'],
  // Bundlers (unbuild, tsup, rollup) build both .mjs and .cjs from one .ts source.
  '.mjs': ['.mts', '.mjs', '.ts'],
  '.cjs': ['.cts', '.cjs', '.ts'],
  '.d.ts': ['.ts', '.tsx'],
  '.d.mts': ['.mts'],
  '.d.cts': ['.cts'],
  '': ['.ts', '.js', '/index.ts', '/index.js'],
};

function splitExtension(file: string): [string, string] {
  const match = /(\.d\.[mc]?ts|\.[mc]?[jt]sx?)$/.exec(file);
  return match ? [file.slice(0, -match[0].length), match[0]] : [file, ''];
}

/** Candidate source files (relative) for one entry point, most likely first. */
export function sourceCandidates(entry: string): string[] {
  const clean = path.posix.normalize(entry.replace(/^\.\//, ''));
  const [base, ext] = splitExtension(clean);
  const exts = SOURCE_FOR[ext] ?? [ext];
  const bases = [base];
  const [top, ...rest] = base.split('/');
  if (top !== undefined && BUILD_DIR.test(top) && rest.length > 0) bases.unshift(['src', ...rest].join('/'));
  const candidates = bases.flatMap((b) => exts.map((e) => b + e));
  return candidates.filter((c) => !/\.d\.[mc]?ts$/.test(c));
}

async function resolveEntry(dir: string, entry: string): Promise<string | undefined> {
  for (const candidate of sourceCandidates(entry)) {
    const file = path.join(dir, candidate);
    if (!file.startsWith(dir + path.sep)) continue;
    if (await pathExists(file)) return file;
  }
  return undefined;
}

/** The declaration file TypeScript reads for a JavaScript file, by extension. */
const DECLARATION_FOR: Record<string, string[]> = { '.js': ['.d.ts'], '.jsx': ['.d.ts'], '.mjs': ['.d.mts', '.d.ts'], '.cjs': ['.d.cts', '.d.ts'] };

/**
 * A JavaScript entry point with a declaration file beside it (`index.js` and `index.d.ts`, as
 * hand-written packages ship them) is documented in that declaration: TypeScript users and editors
 * read it, and its doc comments are the package's API documentation.
 */
async function documentedIn(file: string): Promise<string> {
  const [base, ext] = splitExtension(file);
  for (const declaration of DECLARATION_FOR[ext] ?? []) {
    if (await pathExists(base + declaration)) return base + declaration;
  }
  return file;
}

async function packageEntryFiles(dir: string, pkg: PackageJson): Promise<string[]> {
  const resolved = await Promise.all(entryPointPaths(pkg).map((entry) => resolveEntry(dir, entry)));
  return Promise.all(resolved.filter((f): f is string => f !== undefined).map(documentedIn));
}

/** The folders of the workspaces a root `package.json` declares, inside the checkout. */
async function workspaceDirs(dir: string, pkg: PackageJson): Promise<string[]> {
  const globs = workspaceGlobs(pkg).map((g) => g.replace(/\/+$/, ''));
  if (globs.length === 0) return [];
  const found = await glob(globs, { cwd: dir, onlyDirectories: true, absolute: true, ignore: ['**/node_modules/**'] });
  return found.map((d) => d.replace(/\/+$/, '')).filter((d) => d.startsWith(dir + path.sep)).sort();
}

async function globFiles(dir: string, patterns: string[]): Promise<string[]> {
  const found = await glob(patterns, { cwd: dir, ignore: NOT_API, absolute: true, dot: false });
  return found.sort();
}

/** Absolute paths of the files whose exports are the public API (empty when the package has no source). */
export async function publicApiFiles(dir: string, config: Config): Promise<string[]> {
  if (config.docs.paths !== undefined && config.docs.paths.length > 0) {
    return glob(config.docs.paths, { cwd: dir, ignore: ['**/node_modules/**'], absolute: true }).then((f) => f.sort());
  }
  const pkg = await readPackageJson(dir);
  if (pkg) {
    const files = await packageEntryFiles(dir, pkg);
    // A monorepo's root usually publishes nothing: its API is the entry points of its workspaces.
    for (const workspace of await workspaceDirs(dir, pkg)) {
      const member = await readPackageJson(workspace);
      if (member) files.push(...(await packageEntryFiles(workspace, member)));
    }
    if (files.length > 0) return [...new Set(files)].sort();
  }
  const src = await globFiles(dir, [`src/**/*.${SOURCE_EXT}`]);
  if (src.length > 0) return src;
  return globFiles(dir, [`*.${SOURCE_EXT}`, `lib/**/*.${SOURCE_EXT}`]);
}

/**
 * Reading a repository's `package.json`: dependencies, scripts and entry points. Only reads files.
 * @module
 */
import path from 'node:path';
import { readTextInside } from '../../workspace/read-inside.js';

/** The fields of `package.json` the JS toolchains look at. */
export interface PackageJson {
  /** Package name. */
  name?: string;
  /** `npm run` scripts. */
  scripts?: Record<string, string>;
  /** Runtime dependencies. */
  dependencies?: Record<string, string>;
  /** Development dependencies. */
  devDependencies?: Record<string, string>;
  /** Optional dependencies. */
  optionalDependencies?: Record<string, string>;
  /** The package manager the project uses (`pnpm@9.15.9`). */
  packageManager?: unknown;
  /** CommonJS entry point. */
  main?: string;
  /** Bundler ESM entry point. */
  module?: string;
  /** Type declarations entry point. */
  types?: string;
  /** Older spelling of `types`. */
  typings?: string;
  /** Conditional exports map (any shape). */
  exports?: unknown;
  /** npm/yarn workspaces: folder globs, or `{ packages: [...] }` (yarn). */
  workspaces?: unknown;
}

/** The workspace folder globs of a monorepo's root `package.json` (empty for a single package). */
export function workspaceGlobs(pkg: PackageJson): string[] {
  const list = Array.isArray(pkg.workspaces) ? (pkg.workspaces as unknown[]) : (pkg.workspaces as { packages?: unknown } | undefined)?.packages;
  return Array.isArray(list) ? list.filter((item): item is string => typeof item === 'string') : [];
}

/** The repository's `package.json`, or undefined when it has none or it is not valid JSON. */
export async function readPackageJson(dir: string): Promise<PackageJson | undefined> {
  let text: string;
  try {
    text = await readTextInside(dir, path.join(dir, 'package.json'));
  } catch {
    return undefined;
  }
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as PackageJson) : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the package declares `name` in any of its dependency lists. */
export function hasDependency(pkg: PackageJson | undefined, name: string): boolean {
  if (!pkg) return false;
  return [pkg.dependencies, pkg.devDependencies, pkg.optionalDependencies].some(
    (deps) => deps !== undefined && Object.hasOwn(deps, name),
  );
}

/** Whether the package declares any dependency at all (otherwise there is nothing to install). */
export function hasAnyDependency(pkg: PackageJson | undefined): boolean {
  if (!pkg) return false;
  return [pkg.dependencies, pkg.devDependencies, pkg.optionalDependencies].some(
    (deps) => deps !== undefined && Object.keys(deps).length > 0,
  );
}

function collectStrings(value: unknown, out: string[]): void {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const item of value) collectStrings(item, out);
  else if (typeof value === 'object' && value !== null) for (const item of Object.values(value)) collectStrings(item, out);
}

/** Every file path the package names as an entry point (`exports`, `types`, `module`, `main`), deduplicated. */
export function entryPointPaths(pkg: PackageJson): string[] {
  const found: string[] = [];
  collectStrings(pkg.exports, found);
  for (const field of [pkg.types, pkg.typings, pkg.module, pkg.main]) if (field !== undefined) found.push(field);
  return [...new Set(found.filter((p) => p.startsWith('.') || !p.includes(':')).filter((p) => !p.includes('*')))];
}

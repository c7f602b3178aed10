/**
 * pnpm and Yarn: which one a repository uses, and the launcher its scripts find. The install phase —
 * the only one with network — installs the package manager the repository names (`packageManager` in
 * package.json, else the major its lockfile implies) from the npm registry, with npm's own integrity
 * checks, into `node_modules/.quality-gates-pm`; with that lockfile it then installs the dependencies
 * (`js-install-plan.ts`), without one npm does. A launcher in `node_modules/.bin`, which npm puts first
 * on the PATH of every script, lets a `test` script such as `pnpm run unit` or `yarn jest` run it
 * offline. Both are cached with the rest of `node_modules`.
 *
 * Corepack would be the usual way, but it fetches package managers itself and verifies registry
 * signatures with keys frozen into each Corepack release, which fails behind registry mirrors; npm is
 * already there and already trusted for the dependencies.
 * @module
 */
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { readTextInside } from './read-inside.js';

/** Where the package manager is installed, inside the checkout's `node_modules`. */
export const PM_DIR = '.quality-gates-pm';

/** A package manager the repository's scripts need. */
export interface PackageManagerNeed {
  /** The command. */
  name: 'pnpm' | 'yarn';
  /** The npm package that provides it. */
  pkg: string;
  /** The version or range to install. */
  version: string;
  /** Why: the `packageManager` field, a lockfile, or a script that calls it. */
  reason: string;
  /** Yarn 2 and later (Berry), published as `@yarnpkg/cli-dist`. */
  berry?: boolean;
  /** Named by `packageManager` in package.json (rather than implied by a lockfile or a script). */
  declared?: boolean;
  /**
   * The Yarn release the repository commits (`yarnPath` in `.yarnrc.yml`, relative to the checkout):
   * Yarn runs that file whatever `yarn` starts it, so it is run directly and nothing is fetched.
   */
  release?: string;
}

/** The npm package of Yarn Berry's command (the `yarn` package is Yarn 1). */
export const BERRY_PACKAGE = '@yarnpkg/cli-dist';

/** Yarn Berry's lockfile `__metadata.version` → the Yarn major that writes it (4: Yarn 2, 5–7: Yarn 3, 8: Yarn 4). */
function berryMajorOf(lockfile: string): string {
  const version = Number(/^__metadata:\s*\n\s+version:\s*(\d+)/m.exec(lockfile)?.[1] ?? '8');
  if (version >= 8) return '4';
  return version >= 5 ? '3' : '2';
}

/** Whether a yarn.lock was written by Yarn Berry (YAML with `__metadata`) rather than Yarn 1. */
export function isBerryLockfile(lockfile: string): boolean {
  return /^__metadata:/m.test(lockfile);
}

/** The checkout-relative `yarnPath` of `.yarnrc.yml` when that file is in the checkout. */
async function committedRelease(dir: string): Promise<string | undefined> {
  const rc = await readTextInside(dir, path.join(dir, '.yarnrc.yml')).catch(() => undefined);
  const yarnPath = rc === undefined ? undefined : /^yarnPath:\s*["']?([^"'\s#]+)/m.exec(rc)?.[1];
  if (yarnPath === undefined) return undefined;
  const release = path.posix.normalize(yarnPath);
  if (release.startsWith('..') || path.posix.isAbsolute(release)) return undefined;
  return (await readTextInside(dir, path.join(dir, release)).then(() => true, () => false)) ? release : undefined;
}

/**
 * Settings (as environment) under which Yarn Berry installs and runs here: a `node_modules` tree
 * instead of Plug'n'Play (the gates' tools and the cached, mounted `node_modules` need one), caches in
 * the sandbox's private /tmp, the install state inside `node_modules` so that it travels with the
 * cached tree (Yarn refuses to run scripts without it), no telemetry.
 * @param nodeModules Absolute path of the checkout's `node_modules` (a shell word: may be `$PWD/…`).
 */
export function berryEnvironment(nodeModules: string): Record<string, string> {
  return {
    YARN_NODE_LINKER: 'node-modules',
    YARN_INSTALL_STATE_PATH: `${nodeModules}/.yarn-install-state.gz`,
    YARN_ENABLE_GLOBAL_CACHE: 'false',
    YARN_CACHE_FOLDER: '/tmp/.yarn-cache',
    YARN_GLOBAL_FOLDER: '/tmp/.yarn-global',
    YARN_ENABLE_TELEMETRY: '0',
  };
}

/** What package.json says that matters here. */
export interface ManifestFields {
  /** `packageManager`, e.g. `pnpm@9.15.9+sha512.…`. */
  packageManager?: unknown;
  /** The scripts. */
  scripts?: Record<string, string>;
}

const PACKAGE_MANAGER = /^(pnpm|yarn|npm)@(\d+)(\.\d+\.\d+[^+\s]*)?(?:\+\S+)?$/;

/** pnpm's lockfile format → the pnpm major that writes it. */
function pnpmMajorOf(lockfile: string): string {
  const version = /^lockfileVersion:\s*'?(\d+)/m.exec(lockfile)?.[1];
  if (version === '5') return '7';
  if (version === '6') return '8';
  return '9';
}

function calls(scripts: Record<string, string> | undefined, command: string): boolean {
  return Object.values(scripts ?? {}).some((script) => new RegExp(`(?:^|[\\s;&|(])${command}(?:\\s|$)`).test(script));
}

/**
 * Which package manager the checkout in `dir` needs besides npm, if any.
 * @param dir The checkout.
 * @param manifest Its parsed package.json.
 */
export async function packageManagerNeeded(dir: string, manifest: ManifestFields): Promise<PackageManagerNeed | undefined> {
  const declared = typeof manifest.packageManager === 'string' ? PACKAGE_MANAGER.exec(manifest.packageManager.trim()) : null;
  if (declared) {
    const [, name, major, rest] = declared;
    // A major alone (`pnpm@9`) means that major's latest release.
    const version = rest ? `${major ?? ''}${rest}` : `^${major ?? ''}`;
    const reason = 'packageManager in package.json';
    if (name !== 'pnpm' && name !== 'yarn') return undefined;
    if (name === 'yarn' && Number(major) >= 2) return withRelease(dir, { name, pkg: BERRY_PACKAGE, version, reason, berry: true, declared: true });
    return { name, pkg: name, version, reason, declared: true };
  }
  const pnpmLock = await readTextInside(dir, path.join(dir, 'pnpm-lock.yaml')).catch(() => undefined);
  if (pnpmLock !== undefined) return { name: 'pnpm', pkg: 'pnpm', version: `^${pnpmMajorOf(pnpmLock)}`, reason: 'pnpm-lock.yaml' };
  const yarnLock = await readTextInside(dir, path.join(dir, 'yarn.lock')).catch(() => undefined);
  if (yarnLock !== undefined && isBerryLockfile(yarnLock)) {
    return withRelease(dir, { name: 'yarn', pkg: BERRY_PACKAGE, version: `^${berryMajorOf(yarnLock)}`, reason: 'yarn.lock (Yarn Berry)', berry: true });
  }
  if (calls(manifest.scripts, 'pnpm')) return { name: 'pnpm', pkg: 'pnpm', version: '^9', reason: 'a script calls pnpm' };
  if (yarnLock !== undefined) return { name: 'yarn', pkg: 'yarn', version: '^1', reason: 'yarn.lock' };
  if (calls(manifest.scripts, 'yarn')) return { name: 'yarn', pkg: 'yarn', version: '^1', reason: 'a script calls yarn' };
  return undefined;
}

async function withRelease(dir: string, need: PackageManagerNeed): Promise<PackageManagerNeed> {
  const release = await committedRelease(dir);
  return release === undefined ? need : { ...need, release };
}

/** The shell command (run in the install sandbox, with network) that installs the package manager. */
export function installCommand(need: PackageManagerNeed, npmFlags: string): string {
  return `npm install --no-save --no-package-lock ${npmFlags} --prefix node_modules/${PM_DIR} ${need.pkg}@${need.version}`;
}

/** The installed package's command, relative to `node_modules/.bin`. */
async function installedBin(dir: string, need: PackageManagerNeed): Promise<string> {
  const pkgDir = path.join(dir, 'node_modules', PM_DIR, 'node_modules', need.pkg);
  const pkg = JSON.parse(await readTextInside(dir, path.join(pkgDir, 'package.json'))) as { bin?: string | Record<string, string> };
  const bin = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin?.[need.name];
  if (bin === undefined) throw new Error(`${need.pkg} declares no \`${need.name}\` command`);
  return path.posix.join('..', PM_DIR, 'node_modules', need.pkg, bin);
}

/** Shell lines exporting {@link berryEnvironment} with `node_modules` found from the launcher's own path. */
function berryLauncherLines(): string[] {
  const env = berryEnvironment('$(cd "$(dirname "$0")/.." && pwd)');
  return Object.entries(env).flatMap(([key, value]) => [`${key}="${value}"`, `export ${key}`]);
}

/**
 * Writes `node_modules/.bin/<name>`, which runs the installed package manager with update checks off
 * (there is no network when the tests run).
 * @param dir The checkout, after {@link installCommand} succeeded.
 * @param need What was installed.
 */
export async function writeLauncher(dir: string, need: PackageManagerNeed): Promise<void> {
  const relative = need.release === undefined ? await installedBin(dir, need) : path.posix.join('..', '..', need.release);
  const binDir = path.join(dir, 'node_modules', '.bin');
  await mkdir(binDir, { recursive: true });
  const launcher = path.join(binDir, need.name);
  // $0 is the launcher's own path: npm puts node_modules/.bin on PATH as an absolute path.
  await writeFile(
    launcher,
    [
      '#!/bin/sh',
      '# Installed by quality-gates: the package manager this repository uses.',
      'npm_config_update_notifier=false',
      'export npm_config_update_notifier',
      ...(need.berry ? berryLauncherLines() : []),
      `exec node "$(dirname "$0")/${relative}" "$@"`,
      '',
    ].join('\n'),
  );
  await chmod(launcher, 0o755);
}

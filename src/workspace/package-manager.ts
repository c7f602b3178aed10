/**
 * pnpm and Yarn for repositories whose scripts call them. Dependencies are installed with npm (from the
 * npm lockfile when there is one, else from package.json); a `test` script such as `pnpm run unit` or
 * `yarn jest` then needs the command itself. The install phase — the only one with network — installs
 * the package manager the repository names (`packageManager` in package.json, else the major its
 * lockfile implies) from the npm registry, with npm's own integrity checks, into
 * `node_modules/.quality-gates-pm`, and puts a launcher in `node_modules/.bin`, which npm puts first on
 * the PATH of every script. Both are cached with the rest of `node_modules`.
 *
 * Corepack would be the usual way, but it fetches package managers itself and verifies registry
 * signatures with keys frozen into each Corepack release, which fails behind registry mirrors; npm is
 * already there and already trusted for the dependencies.
 * @module
 */
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathExists } from './files.js';
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
}

/** A package manager the repository asks for that quality-gates cannot provide, and why. */
export interface Unsupported {
  /** What was asked for. */
  unsupported: string;
  /** What to do instead. */
  advice: string;
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
export async function packageManagerNeeded(dir: string, manifest: ManifestFields): Promise<PackageManagerNeed | Unsupported | undefined> {
  const declared = typeof manifest.packageManager === 'string' ? PACKAGE_MANAGER.exec(manifest.packageManager.trim()) : null;
  if (declared) {
    const [, name, major, rest] = declared;
    const version = `${major ?? ''}${rest ?? ''}`;
    if (name !== 'pnpm' && name !== 'yarn') return undefined;
    if (name === 'yarn' && Number(major) >= 2) {
      return {
        unsupported: `yarn@${version} (Yarn Berry)`,
        advice: 'its scripts run only after a Yarn install, which quality-gates does not do: set `coverage.command` to a command that runs without yarn, or commit a package-lock.json',
      };
    }
    // A major alone (`pnpm@9`) means that major's latest release.
    return { name, pkg: name, version: rest ? version : `^${version}`, reason: 'packageManager in package.json' };
  }
  const pnpmLock = await readTextInside(dir, path.join(dir, 'pnpm-lock.yaml')).catch(() => undefined);
  if (pnpmLock !== undefined) return { name: 'pnpm', pkg: 'pnpm', version: `^${pnpmMajorOf(pnpmLock)}`, reason: 'pnpm-lock.yaml' };
  if (calls(manifest.scripts, 'pnpm')) return { name: 'pnpm', pkg: 'pnpm', version: '^9', reason: 'a script calls pnpm' };
  if (await pathExists(path.join(dir, 'yarn.lock'))) return { name: 'yarn', pkg: 'yarn', version: '^1', reason: 'yarn.lock' };
  if (calls(manifest.scripts, 'yarn')) return { name: 'yarn', pkg: 'yarn', version: '^1', reason: 'a script calls yarn' };
  return undefined;
}

/** The shell command (run in the install sandbox, with network) that installs the package manager. */
export function installCommand(need: PackageManagerNeed, npmFlags: string): string {
  return `npm install --no-save --no-package-lock ${npmFlags} --prefix node_modules/${PM_DIR} ${need.pkg}@${need.version}`;
}

/**
 * Writes `node_modules/.bin/<name>`, which runs the installed package manager with update checks off
 * (there is no network when the tests run).
 * @param dir The checkout, after {@link installCommand} succeeded.
 * @param need What was installed.
 */
export async function writeLauncher(dir: string, need: PackageManagerNeed): Promise<void> {
  const pkgDir = path.join(dir, 'node_modules', PM_DIR, 'node_modules', need.pkg);
  const pkg = JSON.parse(await readTextInside(dir, path.join(pkgDir, 'package.json'))) as { bin?: string | Record<string, string> };
  const bin = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin?.[need.name];
  if (bin === undefined) throw new Error(`${need.pkg} declares no \`${need.name}\` command`);
  const relative = path.posix.join('..', PM_DIR, 'node_modules', need.pkg, bin);
  const binDir = path.join(dir, 'node_modules', '.bin');
  await mkdir(binDir, { recursive: true });
  const launcher = path.join(binDir, need.name);
  // $0 is the launcher's own path: npm puts node_modules/.bin on PATH as an absolute path.
  await writeFile(
    launcher,
    ['#!/bin/sh', '# Installed by quality-gates: the package manager this repository uses.', 'npm_config_update_notifier=false', 'export npm_config_update_notifier', `exec node "$(dirname "$0")/${relative}" "$@"`, ''].join('\n'),
  );
  await chmod(launcher, 0o755);
}

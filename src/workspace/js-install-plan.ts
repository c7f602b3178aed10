/**
 * Which command installs a JavaScript repository's dependencies: its own package manager, from its
 * own lockfile, frozen — so that the gates judge the versions the repository pinned, in the layout its
 * scripts expect. npm for an npm lockfile or none; `pnpm install --frozen-lockfile` for
 * `pnpm-lock.yaml`; `yarn install --frozen-lockfile` for a Yarn 1 `yarn.lock`; `yarn install
 * --immutable` with the `node-modules` linker for Yarn Berry (a Plug'n'Play repository is installed
 * as a `node_modules` tree: the gates' tools and the cached, mounted dependencies need one). The
 * `packageManager` field decides when several lockfiles are present; without it npm's lockfile does. Every package manager gets the
 * registry the host's npm is configured with and keeps its store in the sandbox's private /tmp.
 * @module
 */
import path from 'node:path';
import { hostNpmRegistries, NPM_DEFAULT_REGISTRY } from '../sandbox/egress/registries.js';
import { berryEnvironment, PM_DIR, type PackageManagerNeed } from './package-manager.js';
import { readTextInside } from './read-inside.js';

/** npm's lockfiles, in the order npm itself prefers them. */
export const NPM_LOCKFILES = ['npm-shrinkwrap.json', 'package-lock.json'];

/** npm's public registry, when the host's npm names none. */
export const DEFAULT_REGISTRY = NPM_DEFAULT_REGISTRY;

/** Where the package manager is copied for the install command (the sandbox's private /tmp). */
const PM_TMP = '/tmp/.quality-gates-pm';

/** How one repository's dependencies are installed. */
export interface JsInstallPlan {
  /** The package manager that installs the dependencies. */
  tool: 'npm' | 'pnpm' | 'yarn';
  /** The lockfile it installs from, if any. */
  lockfile?: string;
  /** Its content (part of the cache key). */
  lock?: string;
  /** The command shown to the user and keyed in the cache. */
  command: string;
  /** The shell script that runs it (for pnpm and Yarn: with the package manager from node_modules on PATH). */
  script: string;
  /** Extra environment of the install. */
  env: Record<string, string>;
  /** Whether the install itself needs the package manager in `node_modules/.quality-gates-pm` first. */
  managerFirst: boolean;
}

/**
 * The npm registry every package manager is pointed at: `npm_config_registry`, else what the host's
 * npm is configured with, else npm's public registry.
 * @param env The app's environment.
 */
export async function hostRegistry(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  if (env.npm_config_registry) return env.npm_config_registry;
  // The same lookup the egress proxy's allowlist is built from: the install uses what the proxy allows.
  return (await hostNpmRegistries())[0] ?? DEFAULT_REGISTRY;
}

async function readOptional(dir: string, file: string): Promise<string | undefined> {
  return readTextInside(dir, path.join(dir, file)).catch(() => undefined);
}

/** Single-quotes a word for `sh`. */
function shellWord(word: string): string {
  return `'${word.replaceAll("'", "'\\''")}'`;
}

/**
 * The script around a pnpm or Yarn command: the package manager installed in the first step moves
 * out of `node_modules` while the command lays the tree out (a package manager may prune what it did
 * not put there), runs from /tmp, then comes back for the scripts' launcher.
 */
function managerScript(command: string): string {
  const kept = `node_modules/${PM_DIR}`;
  return [
    `rm -rf ${PM_TMP} && cp -R ${kept} ${PM_TMP} && rm -rf ${kept}`,
    `PATH=${PM_TMP}/node_modules/.bin:$PATH ${command}`,
    'status=$?',
    `mkdir -p node_modules && rm -rf ${kept} && cp -R ${PM_TMP} ${kept}`,
    'exit $status',
  ].join('\n');
}

/** The lockfile of `name` and its content, when the checkout has it. */
async function lockOf(dir: string, names: readonly string[]): Promise<{ lockfile: string; lock: string } | undefined> {
  for (const name of names) {
    const lock = await readOptional(dir, name);
    if (lock !== undefined) return { lockfile: name, lock };
  }
  return undefined;
}

/**
 * The install of the checkout in `dir`.
 * @param dir The checkout.
 * @param manager The package manager the repository names or implies (`packageManagerNeeded`).
 * @param registry The registry to install from ({@link hostRegistry}).
 * @param npmFlags Flags of every npm command.
 */
export async function planJsInstall(dir: string, manager: PackageManagerNeed | undefined, registry: string, npmFlags: string): Promise<JsInstallPlan> {
  const npmLock = await lockOf(dir, NPM_LOCKFILES);
  const own = manager?.name === 'pnpm' ? await lockOf(dir, ['pnpm-lock.yaml']) : manager?.name === 'yarn' ? await lockOf(dir, ['yarn.lock']) : undefined;
  // npm's lockfile is the pinned one beside a package manager named without its own lockfile, and
  // beside another lockfile when package.json names no package manager (a stray yarn.lock).
  if (manager === undefined || (npmLock !== undefined && (own === undefined || manager.declared !== true))) {
    const command = npmLock ? `npm ci ${npmFlags}` : `npm install ${npmFlags}`;
    return { tool: 'npm', ...npmLock, command, script: command, env: {}, managerFirst: false };
  }
  const frozen = own !== undefined;
  if (manager.name === 'pnpm') {
    const command = `pnpm install ${frozen ? '--frozen-lockfile' : '--no-frozen-lockfile'} --store-dir=/tmp/.pnpm-store --config.confirmModulesPurge=false --registry=${shellWord(registry)}`;
    return { tool: 'pnpm', ...own, command, script: managerScript(command), env: { npm_config_registry: registry }, managerFirst: true };
  }
  if (manager.berry) {
    const command = `yarn install ${frozen ? '--immutable' : '--no-immutable'}`;
    // The install state goes into node_modules, an absolute path: $PWD is the checkout.
    const env = { ...berryEnvironment('$PWD/node_modules'), YARN_NPM_REGISTRY_SERVER: registry, YARN_ENABLE_PROGRESS_BARS: 'false' };
    // Berry ignores HTTPS_PROXY; the install sandbox sets its own YARN_HTTPS_PROXY (src/sandbox/egress).
    const exports = Object.entries(env).map(([key, value]) => `${key}="${value}"; export ${key}`).join('\n');
    // A committed release runs as it is; else the one fetched into node_modules.
    const run = manager.release === undefined ? managerScript(command) : `node ${shellWord(manager.release)} ${command.replace(/^yarn /, '')}`;
    return { tool: 'yarn', ...own, command, script: `${exports}\n${run}`, env: {}, managerFirst: manager.release === undefined };
  }
  const command = `yarn install ${frozen ? '--frozen-lockfile ' : ''}--non-interactive --no-progress --registry ${shellWord(registry)}`;
  return { tool: 'yarn', ...own, command, script: managerScript(command), env: { YARN_CACHE_FOLDER: '/tmp/.yarn-cache' }, managerFirst: true };
}

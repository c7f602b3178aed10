/**
 * The install phase of a JavaScript repository, with its own package manager (`js-install-plan.ts`):
 * the only sandboxed step that reaches a network — the package registries, through the sandbox's
 * egress proxy — never with secrets.
 * Its `node_modules` is cached by the hash of what determines it (lockfile, package.json, Node version,
 * install command) and handed to every later command as a read-only mount.
 * @module
 */
import { existsSync } from 'node:fs';
import { cp, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../gates/types.js';
import { describeSandboxFailure } from '../sandbox/describe.js';
import { DEFAULT_LIMITS } from '../sandbox/index.js';
import type { Sandbox, SandboxLimits, SandboxMount, SandboxResult } from '../sandbox/types.js';
import type { DependencyCache } from './cache.js';
import { refusalAdvice, refusalsOf } from './egress-refusals.js';
import { pathExists } from './files.js';
import { hostRegistry, planJsInstall, type JsInstallPlan } from './js-install-plan.js';
import { installCommand, packageManagerNeeded, writeLauncher, type PackageManagerNeed } from './package-manager.js';
import { readTextInside } from './read-inside.js';

/**
 * Folders of a cached `node_modules` that the commands get as private writable scratch space: where
 * tools keep their caches by convention (`find-cache-dir`'s `.cache`: AVA, Babel, nyc, ESLint
 * loaders; Vite's and Vitest's `.vite` and `.vitest`). AVA, for one, stops with ENOENT when it cannot
 * create `node_modules/.cache/ava`.
 */
export const NODE_MODULES_SCRATCH: readonly string[] = ['.cache', '.vite', '.vitest'];

/** Root lifecycle scripts `npm ci`/`npm install` run: their output can depend on any file of the checkout. */
const ROOT_INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall', 'prepublish', 'preprepare', 'prepare', 'postprepare'];

/** Dependency specs whose content comes from the checkout rather than the registry. */
const LOCAL_SPEC = /^(file|link|workspace):/;

/** npm's peer-dependency conflict error code. */
const ERESOLVE = /\bERESOLVE\b/;

/** npm's switch to resolve peers as npm 6, pnpm and yarn do (conflicts are not fatal). */
const LEGACY_PEER_DEPS = '--legacy-peer-deps';

/** Flags that keep npm quiet and off services the sandbox has no business calling. */
const NPM_FLAGS = '--no-audit --no-fund --no-update-notifier';

/**
 * The app's extra TLS roots (`NODE_EXTRA_CA_CERTS`), for the install phase: behind a TLS-inspecting
 * proxy or a private registry npm must trust the same certificates as the app. A path to public
 * certificates, not a secret; proxy URLs are not passed on (they may carry credentials, and install
 * scripts of dependencies run in there).
 * @param env The app's environment.
 */
export function trustEnvironment(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return env.NODE_EXTRA_CA_CERTS ? { NODE_EXTRA_CA_CERTS: env.NODE_EXTRA_CA_CERTS } : {};
}

/**
 * Where node-gyp finds the running Node's headers: the install cannot download them (no route to
 * nodejs.org, and the host's npmrc with its `nodedir` is not visible inside), so a native module
 * compiles against the headers installed beside Node (`<prefix>/include/node`, as Debian's and the
 * npm-registry Node packages ship them).
 * @param execPath The running Node.
 */
export function nodeHeadersEnvironment(execPath = process.execPath): Record<string, string> {
  const prefix = path.dirname(path.dirname(execPath));
  return existsSync(path.join(prefix, 'include', 'node', 'node.h')) ? { npm_config_nodedir: prefix } : {};
}

/** Options of {@link installDependencies}. */
export interface InstallOptions {
  /** The checkout. */
  dir: string;
  /** Where the install runs (with network). */
  sandbox: Sandbox;
  /** Where installed dependencies are kept between runs. */
  cache: DependencyCache;
  /** `coverage.install` from the config; default `npm ci` with a lockfile, else `npm install`. */
  command?: string;
  /** Aborting kills the install. */
  signal?: AbortSignal;
  /** Limits of the install command (the repository's `sandbox:` config); unset ones take the sandbox's. */
  limits?: Partial<SandboxLimits>;
  /** Progress and cache decisions. */
  log?: Logger;
}

/** How the install phase went. */
export interface InstallResult {
  /** False when the install command failed; `output` says why. */
  ok: boolean;
  /** Whether the dependencies came from the cache. */
  cached: boolean;
  /** The package manager that installed the dependencies (`js-install-plan.ts`), or `none` when the repository declares none. */
  tool: JsInstallPlan['tool'] | 'none';
  /** Mounts to pass to every later command (the cached `node_modules`, read-only). */
  mounts: SandboxMount[];
  /** The install's output (capped) and, on failure, why it was stopped. */
  output: string;
  /** Wall-clock time of the phase. */
  durationMs: number;
  /** Connections the egress proxy refused during the install, as sentences. */
  refused: string[];
}

interface PackageJson {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  scripts?: Record<string, string>;
  workspaces?: unknown;
  packageManager?: unknown;
}

async function readOptional(dir: string, file: string): Promise<string | undefined> {
  return readTextInside(dir, file).catch(() => undefined);
}

/** Whether the installed tree is a function of the key alone (else a pull request could poison the cache). */
async function cacheable(dir: string, pkg: PackageJson): Promise<boolean> {
  if (ROOT_INSTALL_SCRIPTS.some((name) => pkg.scripts?.[name] !== undefined)) return false;
  // A workspace installs node_modules in every package, not only the root one the cache keeps.
  if (pkg.workspaces !== undefined || (await pathExists(path.join(dir, 'pnpm-workspace.yaml')))) return false;
  const specs = [pkg.dependencies, pkg.devDependencies, pkg.optionalDependencies].flatMap((deps) => Object.values(deps ?? {}));
  return !specs.some((spec) => LOCAL_SPEC.test(spec));
}

/** Installs an npm repository's dependencies, from the cache when its key is there. */
export async function installDependencies(options: InstallOptions): Promise<InstallResult> {
  const started = Date.now();
  const runs: SandboxResult[] = [];
  const done = (partial: Omit<InstallResult, 'durationMs' | 'refused'>): InstallResult => {
    const refused = refusalsOf(runs, options.log);
    const output = partial.ok ? partial.output : `${partial.output}${refusalAdvice(refused)}`;
    return { ...partial, output, refused, durationMs: Date.now() - started };
  };
  const manifest = await readOptional(options.dir, path.join(options.dir, 'package.json'));
  let pkg: PackageJson;
  try {
    pkg = manifest === undefined ? {} : (JSON.parse(manifest) as PackageJson);
  } catch (error) {
    return done({ ok: false, cached: false, tool: 'npm', mounts: [], output: `package.json is not valid JSON: ${(error as Error).message}` });
  }
  const declared = [pkg.dependencies, pkg.devDependencies, pkg.optionalDependencies].some((deps) => Object.keys(deps ?? {}).length > 0);
  const need = manifest === undefined ? undefined : await packageManagerNeeded(options.dir, pkg);
  // A configured install command runs even without declared dependencies (it may build or fetch them),
  // and so does one for a package manager the scripts call.
  if (options.command === undefined && need === undefined && (manifest === undefined || !declared)) {
    return done({ ok: true, cached: false, tool: 'none', mounts: [], output: '' });
  }

  const planned = await planJsInstall(options.dir, need, await hostRegistry(), NPM_FLAGS);
  // A configured command runs as it is; the package manager the scripts call is provided after it.
  const plan: JsInstallPlan = options.command === undefined ? planned : { ...planned, tool: 'npm', command: options.command, script: options.command, env: {}, managerFirst: false };
  const { tool, lockfile, lock, command } = plan;
  const key = options.cache.key([tool, lockfile ?? '-', lock ?? '', manifest ?? '', process.version, command, need === undefined ? '-' : `${need.pkg}@${need.version}:${need.release ?? ''}`]);
  const nodeModules = path.join(options.dir, 'node_modules');
  const mountOf = async (source: string): Promise<SandboxMount[]> => {
    // Their mount points must exist in the read-only tree; empty folders change nothing else in it.
    await Promise.all(NODE_MODULES_SCRATCH.map((dir) => mkdir(path.join(source, dir), { recursive: true })));
    return [{ source, target: nodeModules, readOnly: true, scratch: NODE_MODULES_SCRATCH }];
  };
  const useCache = await cacheable(options.dir, pkg);

  if (useCache && (await options.cache.has(key))) {
    options.log?.info({ key, tool }, 'dependency cache hit');
    const source = options.cache.path(key);
    // Without a sandbox there are no mounts: the unsafe mode gets a copy instead.
    if (options.sandbox.kind === 'none') await cp(source, nodeModules, { recursive: true, verbatimSymlinks: true });
    return done({ ok: true, cached: true, tool, mounts: options.sandbox.kind === 'none' ? [] : await mountOf(source), output: '' });
  }

  options.log?.info({ key, command, cacheable: useCache }, 'installing dependencies');
  const install = async (argv: string): Promise<SandboxResult> => {
    const result = await options.sandbox.run({
      argv: ['sh', '-c', argv],
      cwd: options.dir,
      workspace: options.dir,
      network: true,
      env: { npm_config_cache: '/tmp/.npm', NODE_ENV: 'development', ...plan.env, ...trustEnvironment(), ...nodeHeadersEnvironment() },
      signal: options.signal,
      limits: options.limits,
    });
    runs.push(result);
    return result;
  };
  let output = '';
  if (need !== undefined && plan.managerFirst) {
    // pnpm or Yarn installs the dependencies: it is fetched first, from the npm registry, with npm.
    const provided = await fetchPackageManager(need, install);
    output += provided.output;
    if (!provided.ok) return done({ ok: false, cached: false, tool, mounts: [], output });
  }
  let result = await install(plan.script);
  output += `${result.stdout}${result.stderr}`;
  if (result.exitCode !== 0 && tool === 'npm' && options.command === undefined && lockfile === undefined && ERESOLVE.test(output)) {
    // Without any lockfile npm resolves peers more strictly than pnpm or Yarn, which the repository
    // may have been developed with: accept the peer conflicts as those managers do.
    const lenient = `${command} ${LEGACY_PEER_DEPS}`;
    options.log?.info({ key, command: lenient }, 'npm found peer dependency conflicts; installing again without strict peers');
    result = await install(lenient);
    output = `${result.stdout}${result.stderr}`;
  }
  if (result.exitCode !== 0) {
    const why = describeSandboxFailure(result, { ...DEFAULT_LIMITS, ...options.limits }) ?? '';
    return done({ ok: false, cached: false, tool, mounts: [], output: `\`${command}\` failed (exit ${result.exitCode ?? result.signal}) ${why}\n${output}` });
  }
  if (need !== undefined) {
    // After the dependencies: a package manager may prune a launcher it did not write.
    const provided = plan.managerFirst || need.release !== undefined ? { ok: true, output: '' } : await fetchPackageManager(need, install);
    const launched = provided.ok ? await launchPackageManager(options.dir, need) : provided;
    output += provided.output + (provided.ok ? launched.output : '');
    if (!launched.ok) return done({ ok: false, cached: false, tool, mounts: [], output });
  }
  if (!useCache || !(await pathExists(nodeModules))) return done({ ok: true, cached: false, tool, mounts: [], output });
  try {
    const entry = await options.cache.commit(key, nodeModules);
    return done({ ok: true, cached: false, tool, mounts: options.sandbox.kind === 'none' ? [] : await mountOf(entry), output });
  } catch (error) {
    // The checkout still has its own node_modules: only later runs lose the cache.
    options.log?.warn({ key, err: error }, 'could not store dependencies in the cache');
    return done({ ok: true, cached: false, tool, mounts: [], output });
  }
}

/** Installs the package manager with npm into `node_modules/.quality-gates-pm` (see `package-manager.ts`). */
async function fetchPackageManager(need: PackageManagerNeed, install: (argv: string) => ReturnType<Sandbox['run']>): Promise<{ ok: boolean; output: string }> {
  const command = installCommand(need, NPM_FLAGS);
  const result = await install(command);
  if (result.exitCode !== 0) {
    return { ok: false, output: `\nquality-gates could not install ${need.name} (needed because of ${need.reason}): \`${command}\` failed (exit ${String(result.exitCode ?? result.signal)})\n${result.stdout}${result.stderr}` };
  }
  return { ok: true, output: '' };
}

/** Writes the launcher of the installed package manager, through which the scripts call it. */
async function launchPackageManager(dir: string, need: PackageManagerNeed): Promise<{ ok: boolean; output: string }> {
  try {
    await writeLauncher(dir, need);
  } catch (error) {
    return { ok: false, output: `\nquality-gates could not set up ${need.name}: ${(error as Error).message}\n` };
  }
  const what = need.release === undefined ? `${need.pkg}@${need.version} installed` : `the repository's own Yarn (${need.release}) set up`;
  return { ok: true, output: `\nquality-gates: ${what} for the repository's scripts (${need.reason}).\n` };
}

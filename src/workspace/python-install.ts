/**
 * The Python side of the dependency install: a virtual environment inside the checkout (`.venv`) that
 * sees Debian's system packages (`--system-site-packages`, so `python3-coverage` and `python3-pytest`
 * need no download), plus whatever the project declares. Network is granted only to the pip step, and
 * only when there is something to install: a project without third-party requirements never goes online.
 * An environment that needed an install is cached under the cache directory, keyed by a hash of the
 * declarations, and copied into the next checkout with the same key. (Kept apart from the npm cache:
 * a venv is copied, not mounted, because pip writes into it and its paths must live in the workspace.)
 * @module
 */
import { createHash } from 'node:crypto';
import { cp, mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ASSETS_DIR } from '../paths.js';
import type { GateContext } from '../gates/types.js';
import type { SandboxResult } from '../sandbox/types.js';
import { REQUIREMENTS_PATTERN } from '../gates/python/detect.js';
import { limitsFromConfig } from '../sandbox/index.js';
import { pathExists } from './files.js';
import { refusalAdvice, refusalsOf } from './egress-refusals.js';
import { readInside } from './read-inside.js';

/** The Debian interpreter: its site-packages hold the system's coverage and pytest. */
export const SYSTEM_PYTHON = '/usr/bin/python3';

/** The virtual environment's folder inside the checkout (excluded from lint, tests and coverage). */
export const VENV_DIR_NAME = '.venv';

/** Marker written into a finished environment, holding its key, so a half-built one is never reused. */
export const READY_MARKER = '.quality-gates-ready';

/** Seconds pip waits on a connection before giving up: a dead index fails the gate quickly. */
export const PIP_TIMEOUT_SECONDS = 15;

/** The helper that reads the project's declared requirements without running its code. */
export const REQUIREMENTS_SCRIPT = path.join(ASSETS_DIR, 'python', 'requirements.py');

/** What the project declares it needs (see `assets/python/requirements.py`). */
export interface PythonRequirements {
  /** Root `requirements*.txt` files with at least one requirement line. */
  requirementFiles: string[];
  /** PEP 621 / setup.cfg dependencies and test extras. */
  requirements: string[];
  /** `setup.py` mentions dependencies, so the project itself is installed (`pip install .`). */
  installProject: boolean;
}

/** A ready environment and how it was obtained. */
export interface PythonEnvironment {
  /** Absolute path of the environment's interpreter. */
  python: string;
  /** Absolute path of the environment. */
  venvDir: string;
  /** Variables that make commands use the environment and import the checkout's `src/` layout. */
  env: Record<string, string>;
  /** How it was obtained: nothing to install, copied from the cache, or installed now. */
  source: 'system' | 'cache' | 'installed';
  /** Connections pip (or the install command) tried that the egress proxy refused, as sentences. */
  refused: string[];
}

/** The install failed; `output` is pip's (or the custom command's) output for the check run. */
export class PythonInstallError extends Error {
  /** The failing command's output. */
  readonly output: string;

  /** @param message What failed and what to do. @param output The command's output. */
  constructor(message: string, output: string) {
    super(message);
    this.name = 'PythonInstallError';
    this.output = output;
  }
}

function outputOf(result: SandboxResult): string {
  return [result.stdout, result.stderr].filter((part) => part.length > 0).join('\n');
}

/** Variables that select the environment: its `bin` first on PATH, and `src/` importable when present. */
export async function venvEnv(dir: string): Promise<Record<string, string>> {
  const venvDir = path.join(dir, VENV_DIR_NAME);
  const env: Record<string, string> = {
    VIRTUAL_ENV: venvDir,
    PATH: `${path.join(venvDir, 'bin')}:/usr/local/bin:/usr/bin:/bin`,
    PIP_DISABLE_PIP_VERSION_CHECK: '1',
    PYTHONDONTWRITEBYTECODE: '1',
  };
  if (await pathExists(path.join(dir, 'src'))) env.PYTHONPATH = path.join(dir, 'src');
  return env;
}

/** Reads what the project declares, by running the helper script in the sandbox (no network). */
export async function readRequirements(ctx: GateContext): Promise<PythonRequirements> {
  const result = await ctx.sandbox.run({
    argv: [SYSTEM_PYTHON, REQUIREMENTS_SCRIPT, '.'],
    cwd: ctx.dir,
    workspace: ctx.dir,
    readOnlyPaths: [ASSETS_DIR],
    limits: limitsFromConfig(ctx.config.sandbox),
    signal: ctx.signal,
  });
  if (result.exitCode !== 0) {
    throw new PythonInstallError(
      'Reading the Python requirements failed: check that pyproject.toml and setup.cfg are valid.',
      outputOf(result),
    );
  }
  return JSON.parse(result.stdout) as PythonRequirements;
}

/** Cache key: the interpreter, the declarations and every requirements file's content. */
export async function requirementsKey(dir: string, requirements: PythonRequirements, install?: string): Promise<string> {
  const hash = createHash('sha256');
  hash.update(`${SYSTEM_PYTHON}\0${install ?? ''}\0${JSON.stringify(requirements)}\0`);
  const names = (await readdir(dir)).filter((name) => REQUIREMENTS_PATTERN.test(name)).sort();
  for (const name of names) hash.update(`${name}\0`).update(await readInside(dir, path.join(dir, name)));
  return hash.digest('hex').slice(0, 32);
}

/** The pip command for the declarations, or undefined when nothing needs installing. */
export function pipArgv(python: string, requirements: PythonRequirements): string[] | undefined {
  const { requirementFiles, requirements: declared, installProject } = requirements;
  if (requirementFiles.length === 0 && declared.length === 0 && !installProject) return undefined;
  return [
    python, '-m', 'pip', 'install', '--no-input', '--retries', '0', '--timeout', String(PIP_TIMEOUT_SECONDS),
    ...requirementFiles.flatMap((file) => ['-r', file]),
    ...declared,
    ...(installProject ? ['--no-build-isolation', '.'] : []),
  ];
}

/** Runs one step of the environment's set-up; returns the refusals of the egress proxy (network steps only). */
async function runChecked(ctx: GateContext, argv: string[], env: Record<string, string>, network: boolean, what: string): Promise<string[]> {
  const limits = limitsFromConfig(ctx.config.sandbox);
  const result = await ctx.sandbox.run({ argv, cwd: ctx.dir, workspace: ctx.dir, env, network, limits, signal: ctx.signal });
  const refused = refusalsOf([result], ctx.log, 'Python install');
  if (result.exitCode !== 0) {
    const why = result.timedOut ? 'timed out' : `failed (exit code ${String(result.exitCode)})`;
    throw new PythonInstallError(`${what} ${why}: ${network ? 'is the package index reachable and are the requirements right?' : 'is python3-venv installed?'}`, `${outputOf(result)}${refusalAdvice(refused)}`);
  }
  return refused;
}

/**
 * Makes `<dir>/.venv` ready for the tests and returns how to use it. Throws {@link PythonInstallError}
 * (with pip's output) when the install fails, e.g. because the package index is unreachable.
 */
export async function preparePythonEnvironment(ctx: GateContext): Promise<PythonEnvironment> {
  const venvDir = path.join(ctx.dir, VENV_DIR_NAME);
  const python = path.join(venvDir, 'bin', 'python');
  const env = await venvEnv(ctx.dir);
  const requirements = await readRequirements(ctx);
  const install = ctx.config.coverage.install;
  const key = await requirementsKey(ctx.dir, requirements, install);
  const marker = path.join(venvDir, READY_MARKER);
  if ((await readFile(marker, 'utf8').catch(() => '')) === key) return { python, venvDir, env, source: 'installed', refused: [] };

  const pip = install === undefined ? pipArgv(python, requirements) : ['/bin/sh', '-c', install];
  // Caching a venv holding the project itself would serve a stale copy of it: only pure dependencies are cached.
  const cacheable = pip !== undefined && !requirements.installProject;
  const cached = path.join(ctx.cacheDir, 'python-venvs', key);
  await rm(venvDir, { recursive: true, force: true });
  if (cacheable && (await pathExists(path.join(cached, READY_MARKER)))) {
    await cp(cached, venvDir, { recursive: true, verbatimSymlinks: true });
    ctx.log?.info({ key }, 'python environment restored from cache');
    return { python, venvDir, env, source: 'cache', refused: [] };
  }
  // The system's pip serves the default install; a custom install command gets the venv's own `pip`.
  const venvArgv = [SYSTEM_PYTHON, '-m', 'venv', '--system-site-packages', ...(install === undefined ? ['--without-pip'] : []), VENV_DIR_NAME];
  await runChecked(ctx, venvArgv, env, false, 'Creating the virtual environment');
  const refused = pip === undefined ? [] : await runChecked(ctx, pip, env, true, 'Installing the Python dependencies');
  await writeFile(marker, key);
  if (cacheable) await storeInCache(venvDir, cached);
  return { python, venvDir, env, source: pip === undefined ? 'system' : 'installed', refused };
}

/** Copies the environment into the cache under a temporary name and renames it, so readers never see half of it. */
async function storeInCache(venvDir: string, cached: string): Promise<void> {
  const staging = `${cached}.${String(process.pid)}.${String(Date.now())}.tmp`;
  await mkdir(path.dirname(cached), { recursive: true });
  await cp(venvDir, staging, { recursive: true, verbatimSymlinks: true });
  await rename(staging, cached).catch(async () => {
    // Another run stored the same key first: theirs is as good as ours.
    await rm(staging, { recursive: true, force: true });
  });
}

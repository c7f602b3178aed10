/**
 * `quality-gates run`: the same gates the app runs, on a local checkout, printed for a terminal or
 * as JSON. It enters the pipeline at the config step with a copy of the directory and prints what the
 * check runs would say.
 * @module
 */
import { access } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CONFIG_PATH } from '../config/schema.js';
import { loadConfigFile } from '../config/load.js';
import { gitDiffChangedLines } from '../gates/diff.js';
import { runGates } from '../gates/run.js';
import type { GateResult, Logger } from '../gates/types.js';
import { renderCliReport } from '../report/cli-text.js';
import { createSandbox, limitsFromConfig, sandboxIdentity } from '../sandbox/index.js';
import { copyCheckout } from '../workspace/local-copy.js';
import { cacheRoot } from '../paths.js';
import { createWorkspace } from '../workspace/workspace.js';
import type { RunOptions } from './args.js';

/** Exit codes of `run`, as documented in the README. */
export const EXIT = { passed: 0, failed: 1, usage: 2 } as const;

/** Where the CLI writes: injected so tests can read what a user would see. */
export interface CliIO {
  /** Standard output: the report. */
  stdout: (text: string) => void;
  /** Standard error: errors and progress. */
  stderr: (text: string) => void;
  /** Environment (QG_SANDBOX, QG_CACHE_DIR …). */
  env: NodeJS.ProcessEnv;
}

/**
 * The dependency cache shared between CLI runs: `$QG_CACHE_DIR`, else the user's cache folder. As
 * root the sandbox runs as an unprivileged user that cannot traverse `/root`, so the cache goes to
 * `/var/cache` instead.
 */
export function cliCacheDir(env: NodeJS.ProcessEnv, uid = process.getuid?.() ?? -1): string {
  const base = env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache');
  return cacheRoot(env, path.join(base, 'quality-gates'), uid);
}

/** Where the CLI's throwaway workspaces go: the system's temporary folder, reachable by the sandbox's user. */
export function cliWorkspaceRoot(uid = process.getuid?.() ?? -1): string {
  return path.join(os.tmpdir(), `quality-gates-${uid}`);
}

/** A logger that writes one line per event to stderr when verbose, and nothing otherwise. */
export function stderrLogger(io: CliIO, verbose: boolean): Logger {
  const write = (level: string) => (obj: object, msg?: string) => {
    if (!verbose) return;
    const extra = Object.keys(obj).length > 0 ? ` ${JSON.stringify(obj)}` : '';
    io.stderr(`[${level}] ${msg ?? ''}${extra}\n`);
  };
  return { info: write('info'), warn: write('warn'), debug: () => undefined };
}

/** Runs the gates on `options.dir` and returns the process exit code. */
export async function runCommand(options: RunOptions, io: CliIO): Promise<number> {
  const dir = path.resolve(options.dir);
  try {
    await access(dir);
  } catch {
    io.stderr(`quality-gates: no such directory: ${dir}\n`);
    return EXIT.usage;
  }
  const configFile = options.configFile ? path.resolve(options.configFile) : path.join(dir, CONFIG_PATH);
  const loaded = await loadConfigFile(configFile);
  if (!loaded.ok) {
    io.stderr(`quality-gates: ${loaded.error.message}\n`);
    return EXIT.usage;
  }
  const config = loaded.config;
  const log = stderrLogger(io, options.verbose);
  let sandbox;
  try {
    sandbox = await createSandbox({ limits: limitsFromConfig(config.sandbox), env: io.env });
  } catch (error) {
    io.stderr(`quality-gates: ${(error as Error).message}\n`);
    return EXIT.usage;
  }
  const changedLines = options.base ? await gitDiffChangedLines(dir, options.base) : undefined;
  const cacheDir = cliCacheDir(io.env);
  const workspace = await createWorkspace(cliWorkspaceRoot());
  let results: GateResult[];
  try {
    const copied = await copyCheckout(dir, workspace.dir, sandboxIdentity());
    log.info({ files: copied, workspace: workspace.dir }, 'copied the checkout');
    results = await runGates({
      dir: workspace.dir,
      config,
      sandbox,
      cacheDir,
      changedLines,
      log,
      gates: options.gates,
    });
  } finally {
    await workspace.cleanup();
  }
  io.stdout(options.format === 'json' ? `${JSON.stringify(results, null, 2)}\n` : renderCliReport(results));
  return results.some((result) => result.conclusion === 'failure') ? EXIT.failed : EXIT.passed;
}

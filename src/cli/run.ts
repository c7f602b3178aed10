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
import { NO_PROGRESS, seconds, terminalProgress, type Progress } from './progress.js';

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
  /** Whether stderr is a terminal: then `run` shows its progress there (never with `--format json`). */
  stderrIsTTY?: boolean;
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

/**
 * A logger that writes one line per event to stderr when verbose, and nothing otherwise; the progress
 * display learns from it which package manager an install chose.
 */
export function stderrLogger(io: CliIO, verbose: boolean, progress: Progress = NO_PROGRESS): Logger {
  const write = (level: string) => (obj: object, msg?: string) => {
    if (level === 'info') followInstall(progress, obj, msg);
    if (!verbose) return;
    const extra = Object.keys(obj).length > 0 ? ` ${JSON.stringify(obj)}` : '';
    const line = `[${level}] ${msg ?? ''}${extra}\n`;
    if (progress === NO_PROGRESS) io.stderr(line);
    else progress.print(line);
  };
  return { info: write('info'), warn: write('warn'), debug: () => undefined };
}

/** Names the install step after the command the install phase chose (its fixed log messages). */
function followInstall(progress: Progress, obj: object, msg: string | undefined): void {
  const fields = obj as { command?: unknown; tool?: unknown };
  if (msg === 'installing dependencies' && typeof fields.command === 'string') {
    const tool = fields.command.split(/\s/, 1)[0] ?? 'npm';
    progress.update(`installing dependencies with ${tool} (${fields.command.split(' --')[0] ?? fields.command})`);
  } else if (msg === 'dependency cache hit' && typeof fields.tool === 'string') {
    progress.update(`installing dependencies with ${fields.tool}`);
  }
}

/** The progress display `run` uses: on a terminal, for text output only. */
export function progressFor(io: CliIO, options: RunOptions): Progress {
  return io.stderrIsTTY === true && options.format === 'text' ? terminalProgress({ write: io.stderr }) : NO_PROGRESS;
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
  const progress = progressFor(io, options);
  const log = stderrLogger(io, options.verbose, progress);
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
  const started = Date.now();
  try {
    progress.step(`copying ${dir}`);
    const copied = await copyCheckout(dir, workspace.dir, sandboxIdentity());
    progress.finish(`${String(copied)} files`);
    log.info({ files: copied, workspace: workspace.dir }, 'copied the checkout');
    results = await runGates({
      dir: workspace.dir,
      config,
      sandbox,
      cacheDir,
      changedLines,
      log,
      gates: options.gates,
      install: async (ctx, step) => {
        progress.step(step.key === 'npm' ? 'installing dependencies' : `installing dependencies (${step.key})`);
        const outcome = await step.run(ctx);
        const tool = outcome.tool ?? step.key;
        progress.finish(outcome.ok ? `${tool}${outcome.cached === true ? ', from the cache' : ''}` : `${tool} failed`, outcome.ok);
        return outcome;
      },
      onGateStart: (gate) => progress.step(`${gate} gate`),
      onGateResult: (result) => progress.finish(`${result.conclusion}, ${result.title}`, result.conclusion !== 'failure'),
    });
  } finally {
    progress.close();
    await workspace.cleanup();
  }
  if (progress !== NO_PROGRESS) io.stderr(`quality-gates: ran in ${seconds(Date.now() - started)}\n`);
  io.stdout(options.format === 'json' ? `${JSON.stringify(results, null, 2)}\n` : renderCliReport(results));
  return results.some((result) => result.conclusion === 'failure') ? EXIT.failed : EXIT.passed;
}

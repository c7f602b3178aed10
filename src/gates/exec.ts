/**
 * Running one tool of a toolchain in the sandbox, with the configured limits, the bundled tools visible
 * read-only, the dependency mounts, and a stopped run (timeout, abort, kill) turned into a
 * {@link ToolError} that says why.
 * @module
 */
import { chown, mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { APP_NODE_MODULES, ASSETS_DIR } from '../paths.js';
import { describeSandboxFailure, limitsFromConfig } from '../sandbox/index.js';
import type { SandboxResult } from '../sandbox/types.js';
import { ToolError, type GateContext } from './types.js';

/** Folder inside the checkout where toolchains write their reports (coverage JSON, ESLint JSON). */
export const REPORT_DIR_NAME = '.quality-gates';

/**
 * Creates (if needed) and returns the report folder inside the checkout, owned like the checkout itself
 * so that sandboxed tools, which run as the checkout's (unprivileged) owner, may write into it.
 */
export async function reportDir(dir: string): Promise<string> {
  const out = path.join(dir, REPORT_DIR_NAME);
  await mkdir(out, { recursive: true });
  const owner = await stat(dir);
  const mine = await stat(out);
  if (mine.uid !== owner.uid || mine.gid !== owner.gid) await chown(out, owner.uid, owner.gid);
  return out;
}

/** The reason word of a stopped command, or undefined when it ended by itself (its exit code is the tool's verdict). */
export function stopReason(result: SandboxResult): string | undefined {
  if (result.aborted) return 'cancelled';
  if (result.timedOut) return 'timeout';
  if (result.oomKilled === true) return 'oom';
  if (result.processLimitHit === true) return 'process-limit';
  if (result.signal !== null) return 'killed';
  return undefined;
}

/** Standard output and error of a result, joined for showing. */
export function combinedOutput(result: SandboxResult): string {
  return [result.stdout, result.stderr].filter((s) => s.length > 0).join('\n');
}

/** Options of {@link runTool}. */
export interface RunToolOptions {
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** What ran, capitalised, for error messages (`ESLint`, `The tests`). */
  what: string;
}

/**
 * Runs `argv` in the checkout inside the sandbox, without network. Resolves with the result whatever
 * the exit code; throws {@link ToolError} when the command was stopped (timeout, cancel, kill).
 */
export async function runTool(ctx: GateContext, argv: string[], options: RunToolOptions): Promise<SandboxResult> {
  const limits = limitsFromConfig(ctx.config.sandbox);
  const result = await ctx.sandbox.run({
    argv,
    cwd: ctx.dir,
    workspace: ctx.dir,
    // No NO_COLOR/FORCE_COLOR: colour libraries test what they print (kleur's own tests fail under
    // NO_COLOR), and a run must behave as the developer's and CI's do. Output is read without ANSI codes.
    env: { ...options.env },
    network: false,
    readOnlyPaths: [APP_NODE_MODULES, ASSETS_DIR],
    mounts: ctx.mounts ?? [],
    limits,
    signal: ctx.signal,
  });
  ctx.log?.debug({ argv, exitCode: result.exitCode, durationMs: result.durationMs }, 'tool finished');
  const reason = stopReason(result);
  if (reason !== undefined) {
    const why = describeSandboxFailure(result, limits) ?? `stopped (${reason})`;
    throw new ToolError(`${options.what} did not finish: ${why}.`, { output: combinedOutput(result), reason });
  }
  return result;
}

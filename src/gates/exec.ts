/**
 * Running one tool of a toolchain in the sandbox, with the configured limits, the bundled tools visible
 * read-only, and a stopped run (timeout, abort, kill) turned into a {@link ToolError} that says why.
 * @module
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config/schema.js';
import { APP_NODE_MODULES, ASSETS_DIR } from '../paths.js';
import type { SandboxLimits, SandboxResult } from '../sandbox/types.js';
import { ToolError, type GateContext } from './types.js';

/** Folder inside the checkout where toolchains write their reports (coverage JSON, ESLint JSON). */
export const REPORT_DIR_NAME = '.quality-gates';

/** Bytes per MiB, for the configured output cap. */
const MIB = 1024 * 1024;

/** The sandbox limits the configuration asks for. */
export function limitsFromConfig(config: Config): SandboxLimits {
  return {
    timeoutMs: config.sandbox.timeout * 1000,
    memoryMb: config.sandbox.memory_mb,
    maxProcesses: config.sandbox.max_processes,
    maxOutputBytes: Math.round(config.sandbox.max_output_mb * MIB),
  };
}

/** Creates (if needed) and returns the report folder inside the checkout, where sandboxed tools may write. */
export async function reportDir(dir: string): Promise<string> {
  const out = path.join(dir, REPORT_DIR_NAME);
  await mkdir(out, { recursive: true });
  return out;
}

/** Why a sandboxed command was stopped, in a sentence that tells the user what to change; undefined if it ended by itself. */
export function describeStop(result: SandboxResult, limits: SandboxLimits): { reason: string; message: string } | undefined {
  if (result.timedOut) {
    return {
      reason: 'timeout',
      message: `timed out after ${Math.round(limits.timeoutMs / 1000)} s and was killed (raise sandbox.timeout, or find the test that never ends)`,
    };
  }
  if (result.aborted) return { reason: 'cancelled', message: 'was cancelled because a newer commit superseded this run' };
  if (result.signal === 'SIGKILL' || result.signal === 'SIGSEGV' || result.signal === 'SIGABRT') {
    return {
      reason: 'killed',
      message: `was killed by ${result.signal} (likely over sandbox.memory_mb = ${limits.memoryMb} MiB or sandbox.max_processes = ${limits.maxProcesses})`,
    };
  }
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
  /** Tool name used in error messages (`ESLint`, `the tests`). */
  what: string;
}

/**
 * Runs `argv` in the checkout inside the sandbox. Resolves with the result whatever the exit code;
 * throws {@link ToolError} when the command was stopped (timeout, cancel, kill).
 */
export async function runTool(ctx: GateContext, argv: string[], options: RunToolOptions): Promise<SandboxResult> {
  const limits = limitsFromConfig(ctx.config);
  const result = await ctx.sandbox.run({
    argv,
    cwd: ctx.dir,
    workspace: ctx.dir,
    env: { NO_COLOR: '1', FORCE_COLOR: '0', ...options.env },
    network: false,
    readOnlyPaths: [APP_NODE_MODULES, ASSETS_DIR, ...(ctx.mounts ?? [])],
    limits,
    signal: ctx.signal,
  });
  ctx.log?.debug({ argv, exitCode: result.exitCode, durationMs: result.durationMs }, 'tool finished');
  const stop = describeStop(result, limits);
  if (stop) {
    throw new ToolError(`${options.what} ${stop.message}.`, { output: combinedOutput(result), reason: stop.reason });
  }
  return result;
}

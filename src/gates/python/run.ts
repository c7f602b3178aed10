/**
 * What every Python toolchain does around a sandboxed command: find the tool on the sandbox's PATH first
 * (so a missing Debian package is named, not reported as a crash), and turn a timed-out, killed or
 * aborted command into a {@link ToolError} that says why.
 * @module
 */
import { access, constants } from 'node:fs/promises';
import path from 'node:path';
import type { SandboxCommand, SandboxResult } from '../../sandbox/types.js';
import { ToolError, type GateContext } from '../types.js';

/**
 * The sandbox's PATH (see `baseEnvironment` in `src/sandbox/direct.ts`); the bubblewrap sandbox binds the
 * host's `/usr` read-only, so a program found here on the host is the one the sandbox runs.
 */
export const SANDBOX_PATH_DIRS = ['/usr/local/bin', '/usr/bin', '/bin'] as const;

/** Directory inside the workspace for the engine's own files (coverage data, reports); never the repo's. */
export const WORK_DIR_NAME = '.quality-gates';

/** Characters of output kept in a ToolError: enough for a traceback, small enough for a check run. */
export const MAX_ERROR_OUTPUT_CHARS = 8000;

/** Absolute path of `program` as the sandbox would resolve it, or undefined when it is not installed. */
export async function findProgram(program: string): Promise<string | undefined> {
  const candidates = path.isAbsolute(program) ? [program] : SANDBOX_PATH_DIRS.map((dir) => path.join(dir, program));
  for (const candidate of candidates) {
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here: try the next directory
    }
  }
  return undefined;
}

/** Throws a `missing` ToolError naming the Debian package when `program` is not installed. */
export async function requireProgram(program: string, tool: string, debianPackage: string): Promise<string> {
  const found = await findProgram(program);
  if (found === undefined) {
    throw new ToolError(
      `${tool} is not installed on the machine running the gates: install it with \`apt-get install -y ${debianPackage}\`.`,
      { reason: 'missing' },
    );
  }
  return found;
}

/** stdout and stderr together, trimmed to the last {@link MAX_ERROR_OUTPUT_CHARS} characters. */
export function combinedOutput(result: SandboxResult): string {
  const text = [result.stdout, result.stderr].filter((part) => part.length > 0).join('\n');
  return text.length > MAX_ERROR_OUTPUT_CHARS ? text.slice(-MAX_ERROR_OUTPUT_CHARS) : text;
}

/** Throws a ToolError when the command did not end by itself (timeout, abort, signal). */
export function assertFinished(result: SandboxResult, tool: string, timeoutSeconds: number): void {
  const output = combinedOutput(result);
  if (result.timedOut) {
    throw new ToolError(
      `${tool} did not finish within ${String(timeoutSeconds)} s and was stopped: make it faster or raise \`sandbox.timeout\`.`,
      { reason: 'timeout', output },
    );
  }
  if (result.aborted) {
    throw new ToolError(`${tool} was cancelled because a newer run superseded it.`, { reason: 'killed', output });
  }
  if (result.exitCode === null) {
    throw new ToolError(
      `${tool} was killed by ${result.signal ?? 'a signal'}: it may have exceeded \`sandbox.memory_mb\` or \`sandbox.max_processes\`.`,
      { reason: 'killed', output },
    );
  }
}

/** Runs a command in the checkout's root through the context's sandbox. */
export function runInWorkspace(
  ctx: GateContext,
  argv: string[],
  extra: Omit<SandboxCommand, 'argv' | 'cwd' | 'workspace'> = {},
): Promise<SandboxResult> {
  return ctx.sandbox.run({ argv, cwd: ctx.dir, workspace: ctx.dir, signal: ctx.signal, ...extra });
}

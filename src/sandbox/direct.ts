/**
 * The unsafe sandbox: runs commands directly on the host with the same environment clearing, limits
 * and output cap, but without isolation. Only used when the operator turned the sandbox off on purpose
 * (`QG_SANDBOX=off`), e.g. inside a throwaway CI container that is itself the isolation.
 * @module
 */
import { spawnCapped } from './spawn.js';
import type { Sandbox, SandboxCommand, SandboxLimits, SandboxResult } from './types.js';

/** Environment every sandboxed command gets; nothing of the host's environment is inherited. */
export function baseEnvironment(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: '/usr/local/bin:/usr/bin:/bin',
    HOME: '/tmp',
    LANG: 'C.UTF-8',
    CI: 'true',
    ...extra,
  };
}

/** Runs commands on the host without isolation (limits on time and output still apply). */
export class DirectSandbox implements Sandbox {
  /** Marks results as produced without isolation. */
  readonly kind = 'none' as const;

  /** @param defaults Limits for commands that do not set their own. */
  constructor(private readonly defaults: SandboxLimits) {}

  /** Runs the command with a cleared environment, the time limit and the output cap. */
  run(command: SandboxCommand): Promise<SandboxResult> {
    const limits = { ...this.defaults, ...command.limits };
    return spawnCapped(command.argv, {
      cwd: command.cwd,
      env: baseEnvironment(command.env),
      timeoutMs: limits.timeoutMs,
      maxOutputBytes: limits.maxOutputBytes,
      signal: command.signal,
    });
  }
}

/**
 * Turns how a sandboxed command ended into one sentence a maintainer can act on, naming the config key
 * that sets the limit it hit. Gates put this sentence in their failing result instead of a bare exit code.
 * @module
 */
import type { SandboxLimits, SandboxResult } from './types.js';

/** Exit code bubblewrap (and shells) report for a child killed by SIGKILL: 128 + 9. */
const EXIT_SIGKILL = 137;

/** What out-of-memory deaths print when no cgroup recorded them (V8, Python, libc). */
const OOM_TEXT = /JavaScript heap out of memory|Array buffer allocation failed|ERR_MEMORY_ALLOCATION_FAILED|Cannot allocate memory|MemoryError|ENOMEM/;

/** What a refused fork prints (sh, libuv, Python). */
const FORK_TEXT = /Cannot fork|fork: Resource temporarily unavailable|spawn EAGAIN|BlockingIOError|EAGAIN/;

function megabytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / (1024 * 1024))} MB` : `${bytes} bytes`;
}

/**
 * Why a command was stopped or cut, or undefined when it simply ran (its exit code is then the tool's
 * own verdict). Several causes are joined: a command can time out after its output was cut.
 */
export function describeSandboxFailure(result: SandboxResult, limits: SandboxLimits): string | undefined {
  const reasons: string[] = [];
  const output = `${result.stderr}\n${result.stdout}`;
  if (result.aborted) reasons.push('aborted: a newer run superseded this one');
  else if (result.timedOut) {
    reasons.push(`killed after the ${Math.round(limits.timeoutMs / 1000)} s time limit (sandbox.timeout)`);
  }
  if (result.oomKilled === true) {
    reasons.push(`killed: out of memory (sandbox.memory_mb = ${limits.memoryMb})`);
  } else if (!result.timedOut && !result.aborted && result.exitCode !== 0 && OOM_TEXT.test(output)) {
    reasons.push(`ran out of memory (sandbox.memory_mb = ${limits.memoryMb})`);
  }
  if (result.processLimitHit === true || (result.exitCode !== 0 && FORK_TEXT.test(output))) {
    reasons.push(`could not start more processes (sandbox.max_processes = ${limits.maxProcesses})`);
  }
  if (reasons.length === 0 && (result.signal !== null || result.exitCode === EXIT_SIGKILL)) {
    reasons.push(`killed by ${result.signal ?? 'SIGKILL'}`);
  }
  if (result.outputTruncated) {
    reasons.push(`output cut: ${megabytes(result.droppedBytes)} dropped (sandbox.max_output_mb)`);
  }
  return reasons.length === 0 ? undefined : reasons.join('; ');
}

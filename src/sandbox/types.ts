/**
 * The contract of the sandbox: run one command isolated, with limits, and say how it ended.
 * Gates know this interface only; `bubblewrap.ts` is the real implementation.
 * @module
 */
import type { EgressReport } from './egress/proxy.js';

/** Resource limits of one sandboxed command. */
export interface SandboxLimits {
  /** Wall-clock limit; the whole process tree is killed when it passes. */
  timeoutMs: number;
  /** Memory limit in MiB: per process (RLIMIT_DATA) and, where cgroups are writable, for the whole tree. */
  memoryMb: number;
  /** Most processes (and threads) the command may have at once. */
  maxProcesses: number;
  /** Bytes of stdout+stderr kept; beyond it the head and tail are kept and the middle dropped. */
  maxOutputBytes: number;
}

/** A host path made visible at another path inside the sandbox. */
export interface SandboxMount {
  /** Absolute host path. */
  source: string;
  /** Absolute path inside the sandbox (usually inside the workspace). */
  target: string;
  /** Whether the command may not write through the mount (true for anything cached). */
  readOnly: boolean;
  /**
   * Folders inside a read-only mount (relative to `target`, existing in `source`) that the command
   * gets as private, empty, writable scratch space: tools write their caches into `node_modules/.cache`
   * and fail on a read-only one, while the cached tree itself must stay untouched.
   */
  scratch?: readonly string[];
}

/** One command to run in the sandbox. */
export interface SandboxCommand {
  /** Program and arguments; the program is looked up on the sandbox's PATH. */
  argv: string[];
  /** Absolute working directory; must be inside `workspace`. */
  cwd: string;
  /** The only writable tree besides a private `/tmp`: the checkout. */
  workspace: string;
  /** Extra environment variables. The environment is otherwise cleared (PATH, HOME, LANG, CI only). */
  env?: Record<string, string>;
  /**
   * Whether the command may reach the package registries (the dependency-install phase): it then gets
   * the egress proxy as its only way out (`src/sandbox/egress/`). Every command has its own network
   * namespace either way.
   */
  network?: boolean;
  /** Host paths made visible read-only (bundled tools, the dependency cache). */
  readOnlyPaths?: string[];
  /** Host paths made visible read-write besides the workspace (the dependency cache while installing). */
  writablePaths?: string[];
  /** Host paths bound at another path, e.g. a cached `node_modules` bound read-only into the checkout. */
  mounts?: SandboxMount[];
  /** Limits; unspecified ones take the defaults. */
  limits?: Partial<SandboxLimits>;
  /** Aborting kills the command's whole process tree. */
  signal?: AbortSignal;
}

/** How a sandboxed command ended. */
export interface SandboxResult {
  /** The exit code, or null when killed by a signal. */
  exitCode: number | null;
  /** The signal that ended it, if any. */
  signal: string | null;
  /** Captured standard output (capped). */
  stdout: string;
  /** Captured standard error (capped). */
  stderr: string;
  /** Killed because the wall-clock limit passed. */
  timedOut: boolean;
  /** Killed because it was aborted (superseded job). */
  aborted: boolean;
  /** Some output was dropped to stay within `maxOutputBytes`. */
  outputTruncated: boolean;
  /** Bytes of output dropped. */
  droppedBytes: number;
  /** Wall-clock duration. */
  durationMs: number;
  /** The kernel's OOM killer stopped a process because the memory limit was reached (known only with cgroups). */
  oomKilled?: boolean;
  /** A fork failed because the process-count limit was reached (known only with cgroups). */
  processLimitHit?: boolean;
  /** What a command with `network` tried to reach through the egress proxy (refused connections first of all). */
  egress?: EgressReport;
}

/** Runs commands isolated from the host. */
export interface Sandbox {
  /** `bubblewrap` for the real sandbox; `none` only when the operator turned it off explicitly (unsafe). */
  readonly kind: 'bubblewrap' | 'none';
  /** Runs one command to completion (or to its limit) and never rejects for the command's own failure. */
  run(command: SandboxCommand): Promise<SandboxResult>;
}

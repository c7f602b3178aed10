/**
 * Choosing the sandbox: bubblewrap unless the operator explicitly turned it off, with a clear refusal
 * when bubblewrap cannot work here (never a silent fall-back to running repository code unisolated).
 * @module
 */
import { chown, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SandboxSchema, type Config } from '../config/schema.js';
import { BubblewrapSandbox } from './bubblewrap.js';
import { egressSourceFromEnv } from './egress/index.js';
import { DirectSandbox } from './direct.js';
import { sandboxIdentity } from './identity.js';
import type { Sandbox, SandboxLimits } from './types.js';
import { SandboxUnavailableError } from './unavailable.js';

export { BubblewrapSandbox } from './bubblewrap.js';
export { DirectSandbox, baseEnvironment } from './direct.js';
export { describeSandboxFailure } from './describe.js';
export { describeRefusals, type EgressRefusal, type EgressReport } from './egress/index.js';
export { sandboxIdentity, type SandboxIdentity } from './identity.js';
export type { Sandbox, SandboxCommand, SandboxLimits, SandboxMount, SandboxResult } from './types.js';
// The error names the cause it found and its fix (unavailable.ts).
export { SandboxUnavailableError, type SandboxFailureCause } from './unavailable.js';

/** Time the probe command may take: starting bubblewrap takes milliseconds, a hung probe means trouble. */
const PROBE_TIMEOUT_MS = 10_000;

/** Values of `QG_SANDBOX` that turn isolation off. */
const OFF_VALUES = new Set(['off', 'none', 'unsafe', 'false', '0']);

/** Which sandbox to use: `auto` and `bubblewrap` both require bubblewrap; `none` is the unsafe opt-out. */
export type SandboxMode = 'auto' | 'bubblewrap' | 'none';

/** Converts the `sandbox:` section of the config to limits. */
export function limitsFromConfig(sandboxConfig: Config['sandbox']): SandboxLimits {
  return {
    timeoutMs: sandboxConfig.timeout * 1000,
    memoryMb: sandboxConfig.memory_mb,
    maxProcesses: sandboxConfig.max_processes,
    maxOutputBytes: Math.round(sandboxConfig.max_output_mb * 1024 * 1024),
  };
}

/** Limits when nothing is configured: the schema's defaults, so there is one source for them. */
export const DEFAULT_LIMITS: Readonly<SandboxLimits> = Object.freeze(limitsFromConfig(SandboxSchema.parse({})));

/** Options of {@link createSandbox}. */
export interface CreateSandboxOptions {
  /** Overrides `QG_SANDBOX`. */
  mode?: SandboxMode;
  /** Defaults for every command (the repository's `sandbox:` config usually overrides them per command). */
  limits?: Partial<SandboxLimits>;
  /**
   * Environment to read `QG_SANDBOX`, `QG_BWRAP`, `QG_SANDBOX_UID`, `QG_SANDBOX_GID` and `QG_SANDBOX_CGROUPS`
   * (`off`: rlimits only, no per-command cgroups) from (default `process.env`).
   */
  env?: NodeJS.ProcessEnv;
}

/** The mode asked for by the options or the environment. */
export function resolveMode(options: CreateSandboxOptions): SandboxMode {
  if (options.mode) return options.mode;
  const value = (options.env ?? process.env).QG_SANDBOX?.trim().toLowerCase();
  if (value === undefined || value === '' || value === 'auto') return 'auto';
  if (OFF_VALUES.has(value)) return 'none';
  if (value === 'bubblewrap' || value === 'bwrap' || value === 'on') return 'bubblewrap';
  throw new Error(`QG_SANDBOX=${value} is not understood: use "bubblewrap" (default) or "off" (unsafe)`);
}

/** Runs `true` in a fresh sandbox; returns why it failed, or undefined when it worked. */
async function probe(sandbox: BubblewrapSandbox, uid: number | undefined): Promise<string | undefined> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'qg-sandbox-probe-'));
  try {
    if (uid !== undefined) await chown(dir, uid, uid);
    const result = await sandbox.run({ argv: ['true'], cwd: dir, workspace: dir, limits: { timeoutMs: PROBE_TIMEOUT_MS } });
    if (result.exitCode === 0) return undefined;
    return `\`bwrap … true\` ended with ${result.exitCode ?? result.signal}: ${result.stderr.trim() || '(no output)'}`;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The sandbox to run repository code in. Probes bubblewrap once (it can be installed yet unusable, e.g.
 * in a container without user namespaces) and throws {@link SandboxUnavailableError} when it fails.
 */
export async function createSandbox(options: CreateSandboxOptions = {}): Promise<Sandbox> {
  const defaults = { ...DEFAULT_LIMITS, ...options.limits };
  if (resolveMode(options) === 'none') return new DirectSandbox(defaults);
  const env = options.env ?? process.env;
  const identity = sandboxIdentity(env);
  const bwrap = env.QG_BWRAP ?? 'bwrap';
  const cgroups = !OFF_VALUES.has(env.QG_SANDBOX_CGROUPS?.trim().toLowerCase() ?? '');
  const egress = egressSourceFromEnv(env);
  let sandbox = await BubblewrapSandbox.create({ defaults, identity, disableUserns: true, bwrap, cgroups, egress });
  let failure = await probe(sandbox, identity?.uid);
  if (failure?.includes('disable-userns') === true) {
    // bubblewrap before 0.8 lacks the option; nested user namespaces are then merely not forbidden.
    sandbox = await BubblewrapSandbox.create({ defaults, identity, disableUserns: false, bwrap, cgroups, egress });
    failure = await probe(sandbox, identity?.uid);
  }
  if (failure !== undefined) throw new SandboxUnavailableError(failure);
  return sandbox;
}

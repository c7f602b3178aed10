/**
 * Why bubblewrap cannot run here, and the fix for that cause. The probe sees only the first step
 * bubblewrap could not take, while a container usually lacks several options at once (Docker's seccomp
 * profile refuses the user namespace before the masked `/proc` would refuse its mount), so the process's
 * own confinement is read as well and every missing `--security-opt` is named in one message.
 * @module
 */
import { readFileSync } from 'node:fs';

/** What kept bubblewrap from running. */
export type SandboxFailureCause = 'missing' | 'unreachable' | 'namespaces' | 'mounts' | 'unknown';

/** How this process is confined (what Docker's defaults do to a container). */
export interface Confinement {
  /** A seccomp filter is active (`Seccomp: 2` in /proc/self/status): Docker's default profile is one. */
  seccompFilter: boolean;
  /** The AppArmor profile enforced on this process, when one is (`docker-default` in Docker). */
  apparmorProfile?: string;
  /** Parts of /proc are masked by mounts over them (Docker's default): the kernel then refuses a fresh procfs. */
  maskedProc: boolean;
}

/** Paths Docker masks in a container's /proc unless `systempaths=unconfined`. */
const MASKED_PROC_PATHS = new Set(['/proc/kcore', '/proc/keys', '/proc/timer_list', '/proc/sched_debug', '/proc/acpi', '/proc/scsi']);

/** Reads the confinement from the texts of /proc/self/status, /proc/self/mountinfo and the AppArmor attribute. */
export function parseConfinement(status: string, mountinfo: string, apparmor: string): Confinement {
  const seccompFilter = /^Seccomp:\s*2$/m.test(status);
  // mountinfo: id parent major:minor root mount-point …
  const maskedProc = mountinfo.split('\n').some((line) => MASKED_PROC_PATHS.has(line.split(' ')[4] ?? ''));
  const profile = apparmor.replace(/\0/g, '').trim();
  const confined = profile !== '' && profile !== 'unconfined' && !profile.endsWith('(unconfined)');
  return { seccompFilter, maskedProc, ...(confined ? { apparmorProfile: profile } : {}) };
}

function readOrEmpty(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** This process's confinement (nothing found off Linux or where /proc says nothing). */
export function readConfinement(): Confinement {
  const apparmor = readOrEmpty('/proc/self/attr/apparmor/current') || readOrEmpty('/proc/self/attr/current');
  return parseConfinement(readOrEmpty('/proc/self/status'), readOrEmpty('/proc/self/mountinfo'), apparmor);
}

/** Classifies what the probe printed. */
export function failureCause(detail: string): SandboxFailureCause {
  if (/cannot start \S+: .*\b(ENOENT|EACCES)\b/.test(detail)) return 'missing';
  if (/Can't find source path .*: Permission denied/.test(detail)) return 'unreachable';
  if (/namespace|uid map|unshare|clone/i.test(detail)) return 'namespaces';
  if (/mount|slave|pivot_root|Permission denied|Operation not permitted/i.test(detail)) return 'mounts';
  return 'unknown';
}

/** The `--security-opt` values a container running this process lacks for bubblewrap, given the cause. */
export function missingSecurityOptions(cause: SandboxFailureCause, confinement: Confinement): string[] {
  if (cause !== 'namespaces' && cause !== 'mounts') return [];
  const options: string[] = [];
  // Namespaces were created when the failure came later: the seccomp filter then allows them.
  if (cause === 'namespaces' && confinement.seccompFilter) options.push('seccomp=unconfined');
  if (confinement.apparmorProfile !== undefined) options.push('apparmor=unconfined');
  if (confinement.maskedProc) options.push('systempaths=unconfined');
  return options;
}

/** The sentence that says what to do, for the cause found. */
export function sandboxFix(cause: SandboxFailureCause, options: string[]): string {
  const flags = options.map((option) => `--security-opt ${option}`).join(' ');
  if (cause === 'missing') {
    return 'bubblewrap is not installed (or QG_BWRAP names no program): install it (`apt-get install bubblewrap`; prlimit and setpriv come with util-linux).';
  }
  if (cause === 'unreachable') {
    return 'the unprivileged user the sandbox runs commands as (QG_SANDBOX_UID, default 65534, when the app runs as root) ' +
      'cannot reach the app\'s own folder: install or clone the app where every user can traverse the folders above it ' +
      '(not under /root, whose mode is 0700; e.g. /opt/quality-gates), or run it as a non-root user.';
  }
  if (options.length > 0) {
    return `this container refuses user namespaces or mounts: run it with ${flags} ` +
      '(Kubernetes: seccompProfile Unconfined, appArmorProfile Unconfined, procMount Unmasked; see docs/sandbox.md#bubblewrap-in-docker).';
  }
  if (cause === 'namespaces') {
    return 'the kernel refuses unprivileged user namespaces: allow them (`sysctl -w kernel.unprivileged_userns_clone=1` ' +
      'where it exists, `user.max_user_namespaces` > 0; on Ubuntu ≥ 23.10 `kernel.apparmor_restrict_unprivileged_userns=0` ' +
      'or an AppArmor profile allowing userns for bwrap), or, in a container, run it with `--security-opt seccomp=unconfined`.';
  }
  if (cause === 'mounts') {
    return 'a mount inside the sandbox was refused: in a container run it with `--security-opt apparmor=unconfined ' +
      '--security-opt systempaths=unconfined` (see docs/sandbox.md#bubblewrap-in-docker).';
  }
  return 'install bubblewrap (`apt-get install bubblewrap`), and in a container allow user namespaces and mounts ' +
    '(`--security-opt seccomp=unconfined --security-opt apparmor=unconfined --security-opt systempaths=unconfined`, see docs/sandbox.md).';
}

/** Thrown when bubblewrap is missing or cannot create its namespaces, with the cause found and what to do about it. */
export class SandboxUnavailableError extends Error {
  /** What kept bubblewrap from running. */
  readonly reason: SandboxFailureCause;
  /** The `--security-opt` values the container lacks (empty outside a container, or when bubblewrap is missing). */
  readonly missingOptions: string[];

  /**
   * @param detail What the probe saw.
   * @param confinement How this process is confined (read from /proc when not given).
   */
  constructor(detail: string, options?: ErrorOptions, confinement: Confinement = readConfinement()) {
    const reason = failureCause(detail);
    const missing = missingSecurityOptions(reason, confinement);
    super(
      `The bubblewrap sandbox cannot run here: ${detail}\n` +
        `Cause and fix: ${sandboxFix(reason, missing)} Only if the container itself is the isolation, ` +
        'set QG_SANDBOX=off to run repository code WITHOUT a sandbox (unsafe).',
      options,
    );
    this.name = 'SandboxUnavailableError';
    this.reason = reason;
    this.missingOptions = missing;
  }
}

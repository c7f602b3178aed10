/**
 * The command line that starts one sandboxed command: an optional cgroup join, rlimits, a real drop of
 * privileges when the app is root, then bubblewrap with a read-only system and the workspace. Kept a
 * pure function of its inputs so that every isolation choice can be read (and tested) in one place.
 * @module
 */
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import type { SandboxIdentity } from './identity.js';
import type { SandboxCommand, SandboxLimits } from './types.js';

/** Largest single file a sandboxed command may write (RLIMIT_FSIZE): stops one runaway log from filling the disk. */
export const MAX_FILE_BYTES = 1024 ** 3;

/**
 * RLIMIT_NPROC relative to `maxProcesses` when a pids cgroup enforces the limit: the cgroup must be what
 * stops a fork bomb, since only the cgroup records that it did (pids.events).
 */
export const NPROC_BACKSTOP_FACTOR = 2;

/** Exit code of the cgroup-join shell when it cannot join (127/126 are taken by the shell itself). */
export const CGROUP_JOIN_FAILED = 125;

/** The close-on-exec bit of `/proc/<pid>/fdinfo` flags (octal 02000000 on Linux). */
const O_CLOEXEC = 0o2000000;

/** Top-level system folders: bound read-only, or recreated as the same symlinks on merged-/usr systems. */
const SYSTEM_TOP_LEVEL = ['/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32'];

/**
 * The parts of /etc that programs need: TLS roots, `nsswitch.conf` and `hosts` (lookups of `localhost`),
 * Debian's alternatives symlinks. Never `resolv.conf`: no command resolves names itself, the install
 * phase's egress proxy does it on the host.
 */
const ETC_ALWAYS = ['/etc/ssl', '/etc/ca-certificates', '/etc/alternatives', '/etc/nsswitch.conf', '/etc/hosts', '/etc/localtime'];

/**
 * Minimal user and group databases: tools that look up their own uid find a name, nothing of the host's
 * accounts leaks. Passed to bubblewrap as file descriptors 3 (`passwd`) and 4 (`group`).
 */
export function etcFiles(uid: number, gid: number): [passwd: string, group: string] {
  return [
    `root:x:0:0:root:/root:/usr/sbin/nologin\nsandbox:x:${uid}:${gid}:sandbox:/tmp:/usr/sbin/nologin\n`,
    `root:x:0:\nsandbox:x:${gid}:\n`,
  ];
}

/** Smallest writable-and-executable anonymous mapping taken for a JIT code range rather than ordinary memory. */
const CODE_RANGE_MIN_BYTES = 64 * 1024 * 1024;

/**
 * Address space the running Node reserves writable at start for V8's code range (one `rwxp` anonymous
 * mapping: ≈ 509 MB on Node 24, none on Node 20). RLIMIT_DATA counts it although no memory backs it
 * until code is compiled, so without it in the limit Node 24 cannot even start under `memory_mb` of
 * 512 (measured: it needs `--data` ≥ 570 MB). The sandbox's `node` is this same binary.
 * @param maps The text of `/proc/self/maps`.
 */
export function codeRangeBytes(maps: string): number {
  let total = 0;
  for (const line of maps.split('\n')) {
    const [range, perms, , , inode, name] = line.trim().split(/\s+/);
    if (range === undefined || perms !== 'rwxp' || inode !== '0' || name !== undefined) continue;
    const [start, end] = range.split('-').map((hex) => Number.parseInt(hex, 16));
    if (start === undefined || end === undefined) continue;
    if (end - start >= CODE_RANGE_MIN_BYTES) total += end - start;
  }
  return total;
}

/** {@link codeRangeBytes} of this process (0 where /proc cannot be read). */
function ownCodeRangeBytes(): number {
  try {
    return codeRangeBytes(readFileSync('/proc/self/maps', 'utf8'));
  } catch {
    return 0;
  }
}

/** How the host's file system looks, found once per sandbox. */
export interface SystemLayout {
  /** `--symlink`/`--ro-bind` arguments for `/bin`, `/lib*`. */
  topLevel: string[];
  /** Folders bound read-only so the running Node (and npm beside it) exists inside. */
  nodeDirs: string[];
  /** PATH inside the sandbox. */
  path: string;
  /**
   * Added to RLIMIT_DATA on top of `memory_mb`: V8's code range reservation ({@link codeRangeBytes}).
   * Where a memory cgroup is used it, not RLIMIT_DATA, holds the tree to `memory_mb` exactly.
   */
  dataHeadroomBytes?: number;
}

/** Everything besides the command that shapes the command line. */
export interface BwrapPlan {
  /** The host layout. */
  layout: SystemLayout;
  /** Effective limits. */
  limits: SandboxLimits;
  /** Unprivileged user to switch to (root only). */
  identity?: SandboxIdentity;
  /** Cgroup folders to join before dropping privileges. */
  cgroupDirs: string[];
  /** Inherited descriptors to close before anything runs (see {@link inheritedFds}). */
  closeFds?: number[];
  /** Whether a pids cgroup enforces `maxProcesses` (RLIMIT_NPROC is then only a looser backstop). */
  pidsCgroup?: boolean;
  /** Whether bubblewrap supports `--disable-userns` (0.8+). */
  disableUserns: boolean;
  /** The bubblewrap program. */
  bwrap?: string;
  /** Host folders always visible read-only at `target` (the app's node_modules and assets; `source` is a mirror where the sandbox's user cannot reach them). */
  appReadOnly: { source: string; target: string }[];
  /** The environment inside, complete. */
  env: Record<string, string>;
}

/** Finds the `/bin`, `/lib*` layout and the Node installation of this host. */
export function detectLayout(execPath = process.execPath, basePath = '/usr/local/bin:/usr/bin:/bin'): SystemLayout {
  const topLevel: string[] = [];
  for (const dir of SYSTEM_TOP_LEVEL) {
    try {
      if (lstatSync(dir).isSymbolicLink()) topLevel.push('--symlink', readlinkSync(dir), dir);
      else topLevel.push('--ro-bind', dir, dir);
    } catch {
      // Absent on this host.
    }
  }
  const binDir = path.dirname(execPath);
  const nodeDirs: string[] = [];
  let searchPath = basePath;
  if (!binDir.startsWith('/usr/')) {
    // A Node outside /usr (nvm, /opt/node): its prefix holds npm in lib/node_modules.
    nodeDirs.push(path.basename(binDir) === 'bin' ? path.dirname(binDir) : binDir);
    searchPath = `${binDir}:${basePath}`;
  }
  return { topLevel, nodeDirs, path: searchPath, dataHeadroomBytes: ownCodeRangeBytes() };
}

/**
 * The wrapper that runs before anything of the command: closes file descriptors the app inherited from
 * its own parent (they would reach the sandbox: bubblewrap does not close them), and joins the cgroups
 * as root. Omitted when there is nothing to do. POSIX sh redirects only fds 0–9, so bash closes higher ones.
 */
function prelude(dirs: string[], closeFds: number[]): string[] {
  if (dirs.length === 0 && closeFds.length === 0) return [];
  const close = closeFds.map((fd) => `exec ${fd}>&-; `).join('');
  const join = `n=$1; shift; while [ "$n" -gt 0 ]; do echo $$ > "$1/cgroup.procs" || exit ${CGROUP_JOIN_FAILED}; shift; n=$((n - 1)); done; `;
  const shell = closeFds.some((fd) => fd > 9) ? '/bin/bash' : '/bin/sh';
  return [shell, '-c', `${close}${join}exec "$@"`, 'qg-sandbox-prelude', String(dirs.length), ...dirs];
}

/** First descriptor not handed to bubblewrap on purpose (0–2 are stdio, 3–4 the generated /etc files). */
const FIRST_FOREIGN_FD = 5;

/**
 * Descriptors of this process that a child would inherit (no close-on-exec): Node opens its own with
 * close-on-exec, so these came from whoever started the app, and must not reach repository code.
 */
export function inheritedFds(): number[] {
  const found: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc/self/fd');
  } catch {
    return found;
  }
  for (const entry of entries) {
    const fd = Number(entry);
    if (!Number.isInteger(fd) || fd < FIRST_FOREIGN_FD) continue;
    try {
      const flags = /^flags:\s*([0-7]+)$/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'))?.[1];
      if (flags !== undefined && (parseInt(flags, 8) & O_CLOEXEC) === 0) found.push(fd);
    } catch {
      // Closed meanwhile (the listing's own descriptor is one).
    }
  }
  return found;
}

/** The full argv: [prelude] prlimit [setpriv] bwrap … -- command. */
export function buildArgv(command: SandboxCommand, plan: BwrapPlan): string[] {
  const { layout, limits, identity } = plan;
  const argv = [...prelude(plan.cgroupDirs, plan.closeFds ?? [])];
  const dataBytes = limits.memoryMb * 1024 * 1024 + (layout.dataHeadroomBytes ?? 0);
  argv.push(
    'prlimit',
    `--nproc=${plan.pidsCgroup === true ? limits.maxProcesses * NPROC_BACKSTOP_FACTOR : limits.maxProcesses}`,
    `--data=${dataBytes}`,
    `--fsize=${MAX_FILE_BYTES}`,
    '--core=0',
    '--',
  );
  if (identity) {
    argv.push(
      'setpriv',
      `--reuid=${identity.uid}`,
      `--regid=${identity.gid}`,
      '--clear-groups',
      '--no-new-privs',
      '--bounding-set=-all',
      '--',
    );
  }
  argv.push(plan.bwrap ?? 'bwrap', '--unshare-all', '--unshare-user');
  if (plan.disableUserns) argv.push('--disable-userns');
  argv.push('--die-with-parent', '--new-session', '--cap-drop', 'ALL', '--hostname', 'sandbox');
  argv.push('--ro-bind', '/usr', '/usr', ...layout.topLevel);
  for (const dir of layout.nodeDirs) argv.push('--ro-bind', dir, dir);
  for (const file of ETC_ALWAYS) argv.push('--ro-bind-try', file, file);
  // Generated user and group databases arrive on file descriptors 3 and 4 (see etcFiles).
  argv.push('--ro-bind-data', '3', '/etc/passwd', '--ro-bind-data', '4', '/etc/group');
  argv.push('--proc', '/proc', '--dev', '/dev', '--tmpfs', '/tmp');
  // Binds come after the private /tmp so a workspace under the host's /tmp is mounted on top of it.
  for (const { source, target } of plan.appReadOnly) argv.push('--ro-bind-try', source, target);
  for (const dir of command.readOnlyPaths ?? []) argv.push('--ro-bind', dir, dir);
  argv.push('--bind', command.workspace, command.workspace);
  for (const dir of command.writablePaths ?? []) argv.push('--bind', dir, dir);
  for (const mount of command.mounts ?? []) {
    argv.push(mount.readOnly ? '--ro-bind' : '--bind', mount.source, mount.target);
    for (const dir of mount.scratch ?? []) argv.push('--perms', '0777', '--tmpfs', path.join(mount.target, dir));
  }
  argv.push('--chdir', command.cwd, '--clearenv');
  for (const [key, value] of Object.entries(plan.env)) argv.push('--setenv', key, value);
  argv.push('--', ...command.argv);
  return argv;
}

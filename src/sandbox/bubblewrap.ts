/**
 * The real sandbox: every command that touches repository code runs under bubblewrap with a read-only
 * system, only the workspace and a private `/tmp` writable, a network namespace of its own (the install
 * phase reaches the package registries through the egress proxy, nothing else),
 * a cleared environment, no capabilities, as an unprivileged uid, and limits on time, memory, processes
 * and output. See docs/sandbox.md for the model and its limits.
 * @module
 */
import os from 'node:os';
import path from 'node:path';
import { APP_NODE_MODULES, ASSETS_DIR, cacheRoot } from '../paths.js';
import { mirrorUnreachable } from './app-mirror.js';
import { buildArgv, detectLayout, etcFiles, inheritedFds, type SystemLayout } from './bwrap-args.js';
import { CommandCgroup, planCgroups, type CgroupPlan } from './cgroup.js';
import { baseEnvironment } from './direct.js';
import { egressSourceFromEnv, openEgressSession, type EgressSession, type EgressSource } from './egress/index.js';
import type { SandboxIdentity } from './identity.js';
import { spawnCapped } from './spawn.js';
import type { Sandbox, SandboxCommand, SandboxLimits, SandboxResult } from './types.js';

/** Settings of a {@link BubblewrapSandbox}, prepared once by {@link BubblewrapSandbox.create}. */
export interface BubblewrapSetup {
  /** Limits for commands that do not set their own. */
  defaults: SandboxLimits;
  /** The host layout (system folders, Node). */
  layout: SystemLayout;
  /** Unprivileged user to run as; set only when the app is root. */
  identity?: SandboxIdentity;
  /** Where per-command cgroups go; empty when cgroups are not writable. */
  cgroups: CgroupPlan;
  /** Whether bubblewrap supports `--disable-userns`. */
  disableUserns: boolean;
  /** The bubblewrap program. */
  bwrap: string;
  /** Descriptors inherited from the app's parent, closed before each command. */
  closeFds: number[];
  /** The install phase's allowlist and registries. */
  egress: EgressSource;
  /** Mirrors of the app's folders the sandbox's user cannot reach, by original path (see `app-mirror.ts`). */
  appMirrors: ReadonlyMap<string, string>;
}

/** Options of {@link BubblewrapSandbox.create}. */
export interface BubblewrapOptions {
  /** Limits for commands that do not set their own. */
  defaults: SandboxLimits;
  /** Unprivileged user to run as (root only). */
  identity?: SandboxIdentity;
  /** Use per-command cgroups when writable (default true). */
  cgroups?: boolean;
  /** Whether bubblewrap supports `--disable-userns` (probed by createSandbox). */
  disableUserns?: boolean;
  /** The bubblewrap program (default `bwrap` on PATH). */
  bwrap?: string;
  /** The install phase's allowlist (default: from `process.env` and the host's npm configuration). */
  egress?: EgressSource;
}

/** Runs commands under bubblewrap. */
export class BubblewrapSandbox implements Sandbox {
  /** Marks results as isolated. */
  readonly kind = 'bubblewrap' as const;

  /** @param setup Prepared settings; use {@link BubblewrapSandbox.create} to build them. */
  constructor(private readonly setup: BubblewrapSetup) {}

  /** Prepares the layout and the cgroup plan. */
  static async create(options: BubblewrapOptions): Promise<BubblewrapSandbox> {
    return new BubblewrapSandbox({
      defaults: options.defaults,
      layout: detectLayout(),
      identity: options.identity,
      cgroups: options.cgroups === false ? {} : await planCgroups(),
      disableUserns: options.disableUserns ?? true,
      bwrap: options.bwrap ?? 'bwrap',
      closeFds: inheritedFds(),
      egress: options.egress ?? egressSourceFromEnv(),
      appMirrors: options.identity ? await mirrorUnreachable(APP_READ_ONLY, cacheRoot(process.env, os.tmpdir()), options.identity.uid, options.identity.gid) : new Map(),
    });
  }

  /** Whether commands get a cgroup (tree-wide memory and process limits). */
  get usesCgroups(): boolean {
    return this.setup.cgroups.pids !== undefined || this.setup.cgroups.memory !== undefined;
  }

  /** Runs one command isolated; never rejects for the command's own failure. */
  async run(command: SandboxCommand): Promise<SandboxResult> {
    const relative = path.relative(command.workspace, command.cwd);
    if (relative.startsWith('..') || path.isAbsolute(relative)) {
      throw new Error(`sandbox: cwd ${command.cwd} is outside the workspace ${command.workspace}`);
    }
    const limits = { ...this.setup.defaults, ...command.limits };
    const egress = command.network === true ? await openEgressSession(this.setup.egress) : undefined;
    let cgroup: CommandCgroup | undefined;
    try {
      cgroup = await CommandCgroup.create(this.setup.cgroups, limits);
      const inner = withAppMirrors(egress === undefined ? command : withEgress(command, egress), this.setup.appMirrors);
      const argv = buildArgv(inner, {
        layout: this.setup.layout,
        limits,
        identity: this.setup.identity,
        cgroupDirs: cgroup?.dirs ?? [],
        pidsCgroup: cgroup?.limitsProcesses ?? false,
        disableUserns: this.setup.disableUserns,
        bwrap: this.setup.bwrap,
        closeFds: this.setup.closeFds,
        appReadOnly: APP_READ_ONLY.map((target) => ({ source: this.setup.appMirrors.get(target) ?? target, target })),
        env: { ...baseEnvironment(inner.env), PATH: inner.env?.PATH ?? this.setup.layout.path },
      });
      const result = await spawnCapped(argv, {
        cwd: '/',
        env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' },
        timeoutMs: limits.timeoutMs,
        maxOutputBytes: limits.maxOutputBytes,
        signal: command.signal,
        inputs: etcFiles(this.setup.identity?.uid ?? process.getuid?.() ?? 0, this.setup.identity?.gid ?? process.getgid?.() ?? 0),
      });
      // Read even after success: a shell that `wait`s exits 0 when the OOM killer took its children.
      if (cgroup) [result.oomKilled, result.processLimitHit] = await Promise.all([cgroup.oomKilled(), cgroup.processLimitHit()]);
      if (egress) result.egress = egress.report();
      return result;
    } finally {
      await cgroup?.remove();
      await egress?.close();
    }
  }
}

/** The app's folders every command sees read-only at their own paths. */
const APP_READ_ONLY = [APP_NODE_MODULES, ASSETS_DIR];

/** The command with the app's folders it asks for bound from their mirrors, where there are mirrors. */
function withAppMirrors(command: SandboxCommand, mirrors: ReadonlyMap<string, string>): SandboxCommand {
  if (mirrors.size === 0 || command.readOnlyPaths === undefined) return command;
  const mirrored = command.readOnlyPaths.filter((dir) => mirrors.has(dir));
  if (mirrored.length === 0) return command;
  return {
    ...command,
    readOnlyPaths: command.readOnlyPaths.filter((dir) => !mirrors.has(dir)),
    mounts: [...mirrored.map((dir) => ({ source: mirrors.get(dir) ?? dir, target: dir, readOnly: true })), ...(command.mounts ?? [])],
  };
}

/** The command behind the egress bridge, with the proxy's socket folder mounted and its variables set. */
function withEgress(command: SandboxCommand, egress: EgressSession): SandboxCommand {
  return {
    ...command,
    argv: egress.wrap(command.argv, process.execPath),
    mounts: [...(command.mounts ?? []), egress.mount],
    env: { ...command.env, ...egress.env },
  };
}

/**
 * Per-command cgroups (v1 `pids` and `memory` controllers): a limit on the whole process tree rather than
 * per process, a record of whether the limit was hit, and a reliable way to kill every process left.
 * Used only where the controllers are mounted and writable (running as root on a cgroup v1 host); the
 * per-process rlimits apply everywhere else.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, rmdirSync } from 'node:fs';
import { access, constants, mkdir, readdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Where cgroup v1 controllers are mounted. */
export const CGROUP_ROOT = '/sys/fs/cgroup';

/** Times {@link CommandCgroup.remove} retries while the kernel reaps the last processes. */
const REMOVE_ATTEMPTS = 12;
/** First pause between removal attempts; it doubles each time (about 4 s in all), since reaping usually takes a millisecond. */
const REMOVE_FIRST_PAUSE_MS = 1;

/** Prefix of every cgroup the sandbox creates; the creating process's pid follows, so leftovers can be told apart. */
const NAME_PREFIX = 'qg-sandbox-';

/** How long the exit hook waits, in all, for the kernel to reap killed processes before giving up. */
const EXIT_REMOVE_BUDGET_MS = 500;

/** The controller folders the sandbox uses, found once per sandbox. */
export interface CgroupPlan {
  /** Parent folder in the `pids` hierarchy (the app's own cgroup), or undefined when unusable. */
  pids?: string;
  /** Parent folder in the `memory` hierarchy, only when it accounts children hierarchically. */
  memory?: string;
}

/** The cgroup folder of this process in one v1 hierarchy, from `/proc/self/cgroup`. */
function ownCgroup(table: string, controller: string): string | undefined {
  for (const line of table.split('\n')) {
    const [, controllers, where] = line.split(':');
    if (controllers?.split(',').includes(controller) && where !== undefined) return where;
  }
  return undefined;
}

async function writable(dir: string): Promise<boolean> {
  try {
    await access(path.join(dir, 'cgroup.procs'), constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Finds the pids and memory hierarchies the sandbox may nest its cgroups in. Cgroups are created under
 * the app's OWN cgroup, so whatever limits the app runs under keep applying to the sandbox; a memory
 * parent without `use_hierarchy` would let children escape its accounting and is not used.
 */
export async function planCgroups(root = CGROUP_ROOT): Promise<CgroupPlan> {
  let table: string;
  try {
    table = await readFile('/proc/self/cgroup', 'utf8');
  } catch {
    return {};
  }
  const plan: CgroupPlan = {};
  const pidsOwn = ownCgroup(table, 'pids');
  if (pidsOwn !== undefined) {
    const dir = path.join(root, 'pids', pidsOwn);
    if (await writable(dir)) plan.pids = dir;
  }
  const memoryOwn = ownCgroup(table, 'memory');
  if (memoryOwn !== undefined) {
    const dir = path.join(root, 'memory', memoryOwn);
    const hierarchical = await readFile(path.join(dir, 'memory.use_hierarchy'), 'utf8').then(
      (text) => text.trim() === '1',
      () => false,
    );
    if (hierarchical && (await writable(dir))) plan.memory = dir;
  }
  for (const dir of [plan.pids, plan.memory]) if (dir !== undefined) await sweepStale(dir);
  return plan;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes cgroups left by a sandbox process that died before it could clean up (killed, crashed). */
async function sweepStale(parent: string): Promise<void> {
  const entries = await readdir(parent).catch(() => [] as string[]);
  for (const entry of entries) {
    const owner = new RegExp(`^${NAME_PREFIX}(\\d+)-`).exec(entry)?.[1];
    if (owner !== undefined && !alive(Number(owner))) await removeDir(path.join(parent, entry));
  }
}

/** The cgroups of one command. */
export class CommandCgroup {
  /** Removes the cgroups if the app exits while the command runs (an empty cgroup would outlive it). */
  private readonly onExit = () => {
    for (const dir of [this.pidsDir, this.memoryDir]) if (dir !== undefined) removeDirSync(dir);
  };

  private constructor(
    /** Folders to join (one per controller). */
    readonly dirs: string[],
    private readonly pidsDir: string | undefined,
    private readonly memoryDir: string | undefined,
  ) {
    process.once('exit', this.onExit);
  }

  /** Creates the command's cgroups with their limits; undefined when the plan has no controller. */
  static async create(plan: CgroupPlan, limits: { memoryMb: number; maxProcesses: number }): Promise<CommandCgroup | undefined> {
    const name = `${NAME_PREFIX}${process.pid}-${randomBytes(6).toString('hex')}`;
    const pidsDir = plan.pids === undefined ? undefined : path.join(plan.pids, name);
    const memoryDir = plan.memory === undefined ? undefined : path.join(plan.memory, name);
    const bytes = String(limits.memoryMb * 1024 * 1024);
    // Both controllers in parallel: creating a cgroup costs milliseconds, and it is on every command's path.
    const results = await Promise.allSettled([
      pidsDir !== undefined &&
        mkdir(pidsDir).then(() => writeFile(path.join(pidsDir, 'pids.max'), String(limits.maxProcesses))),
      memoryDir !== undefined &&
        mkdir(memoryDir)
          .then(() => writeFile(path.join(memoryDir, 'memory.limit_in_bytes'), bytes))
          // Without swap accounting the file is absent: the limit above still holds for resident memory.
          .then(() => writeFile(path.join(memoryDir, 'memory.memsw.limit_in_bytes'), bytes).catch(() => undefined)),
    ]);
    const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) {
      await new CommandCgroup([], pidsDir, memoryDir).remove();
      throw new Error(`cannot create the sandbox cgroup ${name}`, { cause: failed.reason });
    }
    const dirs = [pidsDir, memoryDir].filter((dir): dir is string => dir !== undefined);
    return dirs.length === 0 ? undefined : new CommandCgroup(dirs, pidsDir, memoryDir);
  }

  /** Whether this cgroup limits the number of processes. */
  get limitsProcesses(): boolean {
    return this.pidsDir !== undefined;
  }

  /** Whether the OOM killer struck inside this cgroup. */
  async oomKilled(): Promise<boolean> {
    if (this.memoryDir === undefined) return false;
    const text = await readFile(path.join(this.memoryDir, 'memory.oom_control'), 'utf8').catch(() => '');
    const match = /^oom_kill (\d+)$/m.exec(text);
    return match !== null && Number(match[1]) > 0;
  }

  /** Whether a fork was refused because `pids.max` was reached. */
  async processLimitHit(): Promise<boolean> {
    if (this.pidsDir === undefined) return false;
    const text = await readFile(path.join(this.pidsDir, 'pids.events'), 'utf8').catch(() => '');
    const match = /^max (\d+)$/m.exec(text);
    return match !== null && Number(match[1]) > 0;
  }

  /** Kills every process still inside and removes the folders (retrying while the kernel reaps them). */
  async remove(): Promise<void> {
    process.removeListener('exit', this.onExit);
    await Promise.all([this.pidsDir, this.memoryDir].map((dir) => (dir === undefined ? undefined : removeDir(dir))));
  }
}

async function removeDir(dir: string): Promise<void> {
  for (let attempt = 0; attempt < REMOVE_ATTEMPTS; attempt++) {
    await killAll(dir);
    try {
      await rmdir(dir);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      await new Promise((resolve) => setTimeout(resolve, REMOVE_FIRST_PAUSE_MS * 2 ** attempt));
    }
  }
}

/** The exit-time variant of {@link removeDir}: synchronous, with a short budget. */
function removeDirSync(dir: string): void {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let waited = 0; waited <= EXIT_REMOVE_BUDGET_MS; waited += 10) {
    const text = (() => {
      try {
        return readFileSync(path.join(dir, 'cgroup.procs'), 'utf8');
      } catch {
        return '';
      }
    })();
    for (const pid of text.split('\n').filter(Boolean)) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    try {
      rmdirSync(dir);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      Atomics.wait(pause, 0, 0, 10);
    }
  }
}

async function killAll(dir: string): Promise<void> {
  const text = await readFile(path.join(dir, 'cgroup.procs'), 'utf8').catch(() => '');
  for (const pid of text.split('\n').filter(Boolean)) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

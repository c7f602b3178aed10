import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { APP_ROOT } from '../../src/paths.js';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CommandCgroup, planCgroups } from '../../src/sandbox/cgroup.js';

/** This process's folder in a v1 hierarchy, as the kernel reports it. */
function own(controller: string): string {
  const line = readFileSync('/proc/self/cgroup', 'utf8')
    .split('\n')
    .find((text) => text.split(':')[1]?.split(',').includes(controller));
  return line?.split(':')[2] ?? '/';
}

const run = promisify(execFile);
let root: string;

beforeAll(async () => {
  // A fake cgroup tree mirroring this process's own place in it.
  root = await mkdtemp(path.join(os.tmpdir(), 'qg-cgroup-'));
  for (const controller of ['pids', 'memory']) {
    const dir = path.join(root, controller, own(controller));
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'cgroup.procs'), '');
  }
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('planCgroups', () => {
  it("nests under the app's own cgroups, but never under a memory cgroup without use_hierarchy", async () => {
    const memory = path.join(root, 'memory', own('memory'));
    await writeFile(path.join(memory, 'memory.use_hierarchy'), '0\n');
    expect(await planCgroups(root)).toEqual({ pids: path.join(root, 'pids', own('pids')) });
    await writeFile(path.join(memory, 'memory.use_hierarchy'), '1\n');
    expect(await planCgroups(root)).toEqual({ pids: path.join(root, 'pids', own('pids')), memory });
  });

  it('finds nothing where the hierarchies are absent', async () => {
    expect(await planCgroups(path.join(root, 'absent'))).toEqual({});
  });
});

describe('CommandCgroup', () => {
  it('writes the limits and reads what the kernel recorded', async () => {
    const plan = await planCgroups(root);
    const cgroup = await CommandCgroup.create(plan, { memoryMb: 64, maxProcesses: 10 });
    expect(cgroup?.dirs).toHaveLength(2);
    const [pidsDir, memoryDir] = cgroup?.dirs ?? [];
    expect(await readFile(path.join(pidsDir ?? '', 'pids.max'), 'utf8')).toBe('10');
    expect(await readFile(path.join(memoryDir ?? '', 'memory.limit_in_bytes'), 'utf8')).toBe(String(64 * 1024 * 1024));
    expect(cgroup?.limitsProcesses).toBe(true);
    await writeFile(path.join(memoryDir ?? '', 'memory.oom_control'), 'oom_kill_disable 0\nunder_oom 0\noom_kill 2\n');
    await writeFile(path.join(pidsDir ?? '', 'pids.events'), 'max 0\n');
    expect(await cgroup?.oomKilled()).toBe(true);
    expect(await cgroup?.processLimitHit()).toBe(false);
  });

  it('is not created when no controller is usable', async () => {
    expect(await CommandCgroup.create({}, { memoryMb: 64, maxProcesses: 10 })).toBeUndefined();
  });

  it('reports a cgroup it cannot create', async () => {
    await expect(CommandCgroup.create({ pids: path.join(root, 'no', 'such') }, { memoryMb: 64, maxProcesses: 10 })).rejects.toThrow(
      /cannot create the sandbox cgroup/,
    );
  });
});

describe('cgroups left behind', () => {
  it('are swept when their creating process is gone, and kept while it lives', async () => {
    const parent = path.join(root, 'pids', own('pids'));
    const stale = path.join(parent, 'qg-sandbox-999999999-abc');
    const live = path.join(parent, `qg-sandbox-${process.pid}-abc`);
    await mkdir(stale);
    await mkdir(live);
    await planCgroups(root);
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(live)).toBe(true);
    await rm(live, { recursive: true });
  });

  it('are removed when the app exits while a command runs (real cgroups only)', async () => {
    const plan = await planCgroups();
    if (plan.pids === undefined && plan.memory === undefined) return;
    const script = [
      "import { planCgroups, CommandCgroup } from './src/sandbox/cgroup.ts';",
      'const cgroup = await CommandCgroup.create(await planCgroups(), { memoryMb: 64, maxProcesses: 8 });',
      'console.log(JSON.stringify(cgroup.dirs));',
      'process.exit(0);',
    ].join('\n');
    const { stdout } = await run(process.execPath, ['--import', './bin/register.js', '--input-type=module', '-e', script], { cwd: APP_ROOT });
    const dirs = JSON.parse(stdout) as string[];
    expect(dirs.length).toBeGreaterThan(0);
    for (const dir of dirs) expect(existsSync(dir)).toBe(false);
  });
});

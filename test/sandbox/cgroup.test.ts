import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
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

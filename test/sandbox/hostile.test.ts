import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { APP_NODE_MODULES, APP_ROOT } from '../../src/paths.js';
import { BubblewrapSandbox, createSandbox, DEFAULT_LIMITS, describeSandboxFailure } from '../../src/sandbox/index.js';
import { KILL_GRACE_MS } from '../../src/sandbox/spawn.js';
import type { Sandbox, SandboxLimits } from '../../src/sandbox/types.js';
import type { Workspace } from '../../src/workspace/workspace.js';
import { attackOutput, fixtureWorkspace, processesIn } from './helpers.js';

const LIMITS: SandboxLimits = { ...DEFAULT_LIMITS, timeoutMs: 20_000, memoryMb: 512, maxProcesses: 64, maxOutputBytes: 1024 * 1024 };
const tag = randomBytes(4).toString('hex');

let sandbox: Sandbox;
let workspace: Workspace;
let root: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'qg-hostile-'));
  await chmod(root, 0o711);
  sandbox = await createSandbox({ mode: 'bubblewrap', limits: LIMITS });
  workspace = await fixtureWorkspace('hostile', path.join(root, 'workspaces'));
});

afterAll(async () => {
  await workspace.cleanup();
  await rm(root, { recursive: true, force: true });
});

function attack(args: string[], limits: Partial<SandboxLimits> = {}, env: Record<string, string> = {}) {
  return sandbox.run({
    argv: ['node', 'test/attack.test.js', ...args],
    cwd: workspace.dir,
    workspace: workspace.dir,
    limits,
    env,
  });
}

describe('a hostile repository in the bubblewrap sandbox', () => {
  it('cannot read secrets from the environment of the host', async () => {
    process.env.QG_TEST_SECRET = `secret-${tag}`;
    process.env.GITHUB_TOKEN = `ghs_${tag}`;
    try {
      const result = await attack(['env']);
      const seen = attackOutput(result.stdout);
      expect(seen.QG_TEST_SECRET).toBeNull();
      expect(seen.GITHUB_TOKEN).toBeNull();
      expect(seen.keys).toEqual(expect.not.arrayContaining(['QG_TEST_SECRET', 'GITHUB_TOKEN']));
      expect(result.stdout).not.toContain(tag);
    } finally {
      delete process.env.QG_TEST_SECRET;
      delete process.env.GITHUB_TOKEN;
    }
  });

  it("cannot read files outside the workspace, nor the app's own folder, but sees the bundled tools", async () => {
    const inTmp = path.join(os.tmpdir(), `qg-hostile-secret-${tag}`);
    const inRoot = path.join(os.homedir(), `.qg-hostile-secret-${tag}`);
    await writeFile(inTmp, `tmp-secret-${tag}`);
    await writeFile(inRoot, `home-secret-${tag}`);
    try {
      const appFile = path.join(APP_ROOT, 'package.json');
      const tool = path.join(APP_NODE_MODULES, 'tar', 'package.json');
      const result = await attack(['read', inTmp, inRoot, appFile, '/etc/shadow', tool]);
      const seen = attackOutput(result.stdout);
      expect(seen[inTmp]).toBe('ENOENT');
      expect(seen[inRoot]).toMatch(/^(ENOENT|EACCES)$/);
      expect(seen[appFile]).toBe('ENOENT');
      expect(seen['/etc/shadow']).toBe('ENOENT');
      expect(seen[tool]).toContain('"name": "tar"');
      expect(result.stdout).not.toContain(`tmp-secret-${tag}`);
      expect(result.stdout).not.toContain(`home-secret-${tag}`);
    } finally {
      await rm(inTmp, { force: true });
      await rm(inRoot, { force: true });
    }
  });

  it('cannot write outside the workspace, while writing inside it lands', async () => {
    const targets = [
      path.join(os.tmpdir(), `qg-hostile-written-${tag}`),
      path.join(APP_NODE_MODULES, `qg-hostile-written-${tag}`),
      `/usr/qg-hostile-written-${tag}`,
      path.join(os.homedir(), `qg-hostile-written-${tag}`),
    ];
    const inside = path.join(workspace.dir, `inside-${tag}.txt`);
    const result = await attack(['write', ...targets, inside]);
    const seen = attackOutput(result.stdout);
    expect(seen[APP_NODE_MODULES + `/qg-hostile-written-${tag}`]).toBe('EROFS');
    expect(seen[`/usr/qg-hostile-written-${tag}`]).toBe('EROFS');
    for (const target of targets) expect(existsSync(target)).toBe(false);
    expect(seen[inside]).toBe('written');
    expect(existsSync(inside)).toBe(true);
  });

  it('cannot connect to a listener on the host loopback', async () => {
    let connections = 0;
    const server = net.createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    try {
      const result = await attack(['connect', '127.0.0.1', String(port), '2000']);
      expect(attackOutput(result.stdout).outcome).toBe('ECONNREFUSED');
      expect(connections).toBe(0);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('cannot reach a public address: the network is unreachable', async () => {
    const result = await attack(['connect', '1.1.1.1', '443', '2000']);
    expect(attackOutput(result.stdout).outcome).toBe('ENETUNREACH');
  });

  it('inherits no file descriptor of the host besides stdio', async () => {
    const result = await sandbox.run({ argv: ['ls', '/proc/self/fd'], cwd: workspace.dir, workspace: workspace.dir });
    // 0–2 are stdio, the last one is ls's own listing of the folder.
    const fds = result.stdout.trim().split('\n').map(Number);
    expect(fds.filter((fd) => fd > 3)).toEqual([]);
  });

  it('runs as an unprivileged user without capabilities', async () => {
    const seen = attackOutput((await attack(['whoami'])).stdout);
    expect(seen.capEff).toBe('0000000000000000');
    if (process.getuid?.() === 0) {
      expect(String(seen.uid).split(/\s+/)).not.toContain('0');
      expect(seen.capBnd).toBe('0000000000000000');
      expect(seen.noNewPrivs).toBe('1');
    }
  });

  it('contains a fork bomb: the process limit holds, the time limit kills the tree, nothing survives', async () => {
    const timeoutMs = 3000;
    const result = await attack(['bomb', '60'], { timeoutMs, maxProcesses: 32 });
    expect(result.timedOut).toBe(true);
    expect(result.durationMs).toBeLessThan(timeoutMs + KILL_GRACE_MS + 5000);
    expect(await processesIn(workspace.dir)).toEqual([]);
    const message = describeSandboxFailure(result, { ...LIMITS, timeoutMs, maxProcesses: 32 });
    expect(message).toContain('killed after the 3 s time limit (sandbox.timeout)');
    if (sandbox instanceof BubblewrapSandbox && sandbox.usesCgroups) {
      expect(result.processLimitHit).toBe(true);
      expect(message).toContain('could not start more processes (sandbox.max_processes = 32)');
    }
    // The host still starts processes normally.
    const after = await sandbox.run({ argv: ['true'], cwd: workspace.dir, workspace: workspace.dir });
    expect(after.exitCode).toBe(0);
  });

  it('caps hundreds of MB of output, keeping the head and the tail', async () => {
    const result = await attack(['flood', '200']);
    expect(result.exitCode).toBe(0);
    expect(result.outputTruncated).toBe(true);
    expect(result.droppedBytes).toBeGreaterThan(190 * 1024 * 1024);
    expect(result.stdout.startsWith('FLOOD-START')).toBe(true);
    expect(result.stdout).toContain('FLOOD-END');
    expect(result.stdout.length).toBeLessThan(2 * 1024 * 1024);
    expect(describeSandboxFailure(result, LIMITS)).toMatch(/^output cut: \d+ MB dropped/);
  });

  it('reports a command that outlives its time limit and kills it', async () => {
    const result = await sandbox.run({ argv: ['sleep', '60'], cwd: workspace.dir, workspace: workspace.dir, limits: { timeoutMs: 1000 } });
    expect(result.timedOut).toBe(true);
    expect(describeSandboxFailure(result, { ...LIMITS, timeoutMs: 1000 })).toBe('killed after the 1 s time limit (sandbox.timeout)');
  });

  it('stops a command that allocates more than its memory limit', async () => {
    const script = 'const a = []; for (;;) a.push(Buffer.alloc(16 << 20, 1));';
    const result = await sandbox.run({ argv: ['node', '-e', script], cwd: workspace.dir, workspace: workspace.dir, limits: { memoryMb: 256 } });
    expect(result.exitCode).not.toBe(0);
    expect(describeSandboxFailure(result, { ...LIMITS, memoryMb: 256 })).toContain('(sandbox.memory_mb = 256)');
  });

  it('kills the whole tree when the run is aborted', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const result = await sandbox.run({
      argv: ['sh', '-c', 'sleep 60 & sleep 60'],
      cwd: workspace.dir,
      workspace: workspace.dir,
      signal: controller.signal,
    });
    expect(result.aborted).toBe(true);
    expect(describeSandboxFailure(result, LIMITS)).toContain('aborted');
    expect(await processesIn(workspace.dir)).toEqual([]);
  });

  it('keeps the workspace folder for a test run in a subfolder', async () => {
    const sub = path.join(workspace.dir, 'test');
    await mkdir(sub, { recursive: true });
    const result = await sandbox.run({ argv: ['pwd'], cwd: sub, workspace: workspace.dir });
    expect(result.stdout.trim()).toBe(sub);
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BubblewrapSandbox } from '../../src/sandbox/bubblewrap.js';
import { detectLayout } from '../../src/sandbox/bwrap-args.js';
import { DEFAULT_LIMITS, describeSandboxFailure } from '../../src/sandbox/index.js';
import { sandboxIdentity } from '../../src/sandbox/identity.js';
import type { Workspace } from '../../src/workspace/workspace.js';
import { createWorkspace } from '../../src/workspace/workspace.js';

let root: string;
let workspace: Workspace;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'qg-bwrap-'));
  await chmod(root, 0o711);
  workspace = await createWorkspace(path.join(root, 'ws'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function sandboxWith(options: { cgroups?: boolean } = {}) {
  return BubblewrapSandbox.create({ defaults: { ...DEFAULT_LIMITS, timeoutMs: 20_000 }, identity: sandboxIdentity(), ...options });
}

describe('BubblewrapSandbox', () => {
  it('refuses a working directory outside the workspace', async () => {
    const sandbox = await sandboxWith();
    await expect(sandbox.run({ argv: ['true'], cwd: '/usr', workspace: workspace.dir })).rejects.toThrow(/outside the workspace/);
  });

  it('binds a cached folder read-only at another path inside the workspace', async () => {
    const sandbox = await sandboxWith();
    const target = path.join(workspace.dir, 'node_modules');
    const result = await sandbox.run({
      argv: ['sh', '-c', `ls ${target}/tar/package.json && touch ${target}/x`],
      cwd: workspace.dir,
      workspace: workspace.dir,
      mounts: [{ source: path.resolve('node_modules'), target, readOnly: true }],
    });
    expect(result.stdout).toContain('tar/package.json');
    expect(result.stderr).toContain('Read-only file system');
    expect(result.exitCode).not.toBe(0);
  });

  it('gives the install phase the egress proxy as its only way out, and the others nothing', async () => {
    const sandbox = await sandboxWith();
    const script = "require('http').request({host:'127.0.0.1',port:3128,method:'CONNECT',path:'registry.npmjs.org:443'}).on('connect',(r,s)=>{console.log(r.statusCode);s.destroy()}).on('error',(e)=>console.log(e.code)).end()";
    const online = await sandbox.run({ argv: ['node', '-e', `console.log(process.env.HTTPS_PROXY);${script}`], cwd: workspace.dir, workspace: workspace.dir, network: true });
    expect(online.stdout.trim().split('\n')).toEqual(['http://127.0.0.1:3128', '200']);
    expect(online.egress).toEqual({ refused: [], refusedCount: 0, allowed: 1 });
    const offline = await sandbox.run({ argv: ['node', '-e', script], cwd: workspace.dir, workspace: workspace.dir });
    expect(offline.stdout.trim()).toBe('ECONNREFUSED');
    expect(offline.egress).toBeUndefined();
    const resolver = await sandbox.run({ argv: ['cat', '/etc/resolv.conf'], cwd: workspace.dir, workspace: workspace.dir, network: true });
    expect(resolver.exitCode).not.toBe(0);
  });

  it('passes on the exit code and the signal of the command behind the egress bridge', async () => {
    const sandbox = await sandboxWith();
    const exited = await sandbox.run({ argv: ['sh', '-c', 'exit 7'], cwd: workspace.dir, workspace: workspace.dir, network: true });
    expect(exited.exitCode).toBe(7);
    const killed = await sandbox.run({ argv: ['sh', '-c', 'kill -TERM $$'], cwd: workspace.dir, workspace: workspace.dir, network: true });
    expect(killed.exitCode === 143 || killed.signal === 'SIGTERM').toBe(true);
    const missing = await sandbox.run({ argv: ['no-such-program'], cwd: workspace.dir, workspace: workspace.dir, network: true });
    expect(missing.exitCode).toBe(127);
    expect(missing.stderr).toContain('no-such-program');
  });

  it('passes only the chosen environment variables', async () => {
    const sandbox = await sandboxWith();
    const result = await sandbox.run({ argv: ['env'], cwd: workspace.dir, workspace: workspace.dir, env: { FOO: 'bar' } });
    const keys = result.stdout.trim().split('\n').map((line) => line.split('=')[0]).sort();
    expect(keys).toEqual(['CI', 'FOO', 'HOME', 'LANG', 'PATH', 'PWD']);
  });

  it('runs without cgroups, with the per-process limits only', async () => {
    const sandbox = await sandboxWith({ cgroups: false });
    expect(sandbox.usesCgroups).toBe(false);
    const result = await sandbox.run({ argv: ['cat', '/proc/self/limits'], cwd: workspace.dir, workspace: workspace.dir });
    expect(result.stdout).toMatch(new RegExp(`Max processes\\s+${DEFAULT_LIMITS.maxProcesses}\\s`));
    // memory_mb plus the address space V8 reserves for its code range (none on Node 20, ≈ 509 MB on Node 24).
    const headroom = detectLayout().dataHeadroomBytes ?? 0;
    expect(result.stdout).toMatch(new RegExp(`Max data size\\s+${String(DEFAULT_LIMITS.memoryMb * 1024 * 1024 + headroom)}\\s`));
  });

  it('reports an out-of-memory kill of a process tree that exceeds the cgroup memory limit', async () => {
    const sandbox = await sandboxWith();
    if (!sandbox.usesCgroups) return; // Needs writable cgroups (root on a cgroup v1 host).
    const script = 'for i in 1 2 3 4; do node -e "b=Buffer.alloc(80<<20,1); setTimeout(()=>{},4000)" & done; wait';
    const result = await sandbox.run({ argv: ['sh', '-c', script], cwd: workspace.dir, workspace: workspace.dir, limits: { memoryMb: 200 } });
    expect(result.oomKilled).toBe(true);
    expect(describeSandboxFailure(result, { ...DEFAULT_LIMITS, memoryMb: 200 })).toContain('killed: out of memory (sandbox.memory_mb = 200)');
  });
});

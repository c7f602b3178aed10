/**
 * The install phase's egress proxy against the host's network: a cold `npm ci` (empty npm cache, no
 * dependency cache) of a repository with a few hundred packages, once in the sandbox through the proxy
 * (as every install now runs), once in the same sandbox sharing the host's network (as installs ran
 * before the proxy; the bench builds that command line itself, the app has no such mode), and once
 * directly on the host, in turn, in the same run. Target: proxy ≤ 1.1× the host network (medians).
 * Run: `npm run bench -- egress [rounds]` or `node --import ./bin/register.js bench/egress.ts [rounds]`.
 * @module
 */
import { execFile } from 'node:child_process';
import { chmod, cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { APP_NODE_MODULES, ASSETS_DIR } from '../src/paths.js';
import { buildArgv, detectLayout, etcFiles } from '../src/sandbox/bwrap-args.js';
import { baseEnvironment, createSandbox, DEFAULT_LIMITS, DirectSandbox, sandboxIdentity } from '../src/sandbox/index.js';
import { spawnCapped } from '../src/sandbox/spawn.js';
import type { Sandbox, SandboxCommand, SandboxResult } from '../src/sandbox/types.js';
import { handOver } from '../src/workspace/workspace.js';
import { median } from './stats.js';

const run = promisify(execFile);

/** Rounds per side. */
export const DEFAULT_ROUNDS = 7;

/** Largest acceptable ratio of the proxied install to the host-network install (issue 15 §6). */
export const TARGET_RATIO = 1.1;

/** A test stack of a few hundred packages (Jest alone brings ~270). */
const MANIFEST = { name: 'egress-bench', version: '1.0.0', private: true, devDependencies: { jest: '^30.0.0', eslint: '^9.0.0' } };

/** The sandbox as it was before the proxy: the same command line plus the host's network and resolver. */
function hostNetworkSandbox(): Sandbox {
  const layout = detectLayout();
  const identity = sandboxIdentity();
  return {
    kind: 'bubblewrap',
    run(command: SandboxCommand): Promise<SandboxResult> {
      const limits = { ...DEFAULT_LIMITS, ...command.limits };
      const argv = buildArgv({ ...command, network: false }, {
        layout, limits, identity, cgroupDirs: [], disableUserns: true, appReadOnly: [APP_NODE_MODULES, ASSETS_DIR].map((dir) => ({ source: dir, target: dir })),
        env: { ...baseEnvironment(command.env), PATH: layout.path },
      });
      const at = argv.indexOf('--unshare-all');
      argv.splice(at + 1, 0, '--share-net', '--ro-bind', '/etc/resolv.conf', '/etc/resolv.conf');
      return spawnCapped(argv, { cwd: '/', env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, timeoutMs: limits.timeoutMs, maxOutputBytes: limits.maxOutputBytes, inputs: etcFiles(identity?.uid ?? 0, identity?.gid ?? 0) });
    },
  };
}

/** One cold `npm ci` of the template in a fresh copy; returns seconds and the number of packages installed. */
async function coldInstall(sandbox: Sandbox, template: string, root: string): Promise<{ seconds: number; packages: number }> {
  const dir = await mkdtemp(path.join(root, 'ws-'));
  await cp(template, dir, { recursive: true });
  await handOver(dir);
  // A private npm cache per run: /tmp inside the sandbox is fresh anyway; on the host it must be made so.
  const cache = path.join(dir, '.npm-cache');
  const started = process.hrtime.bigint();
  const result = await sandbox.run({
    argv: ['sh', '-c', 'npm ci --no-audit --no-fund --no-update-notifier'],
    cwd: dir,
    workspace: dir,
    network: true,
    env: { npm_config_cache: sandbox.kind === 'none' ? cache : '/tmp/.npm', npm_config_registry: 'https://registry.npmjs.org/', ...(process.env.NODE_EXTRA_CA_CERTS ? { NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS } : {}) },
    limits: { timeoutMs: 600_000, memoryMb: 4096 },
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.exitCode !== 0) throw new Error(`npm ci failed (${sandbox.kind}): ${result.stderr.slice(-2000)}`);
  const packages = (await readdir(path.join(dir, 'node_modules'))).length;
  await rm(dir, { recursive: true, force: true });
  return { seconds, packages };
}

/** Prints the table and whether the ratio meets the target. */
export async function main(rounds = Number(process.argv[2] ?? DEFAULT_ROUNDS)): Promise<void> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'qg-bench-egress-'));
  await chmod(root, 0o711);
  try {
    const template = path.join(root, 'template');
    await mkdir(template);
    await writeFile(path.join(template, 'package.json'), JSON.stringify(MANIFEST, null, 2));
    await run('npm', ['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: template });
    const lock = JSON.parse(await readFile(path.join(template, 'package-lock.json'), 'utf8')) as { packages: Record<string, unknown> };
    // Both sandboxes without per-command cgroups, so they differ in the network alone.
    const proxied = await createSandbox({ mode: 'bubblewrap', env: { ...process.env, QG_SANDBOX_CGROUPS: 'off' } });
    const sides = { proxy: proxied, shared: hostNetworkSandbox(), host: new DirectSandbox(DEFAULT_LIMITS) };
    const times = { proxy: [] as number[], shared: [] as number[], host: [] as number[] };
    let packages = 0;
    for (let round = 0; round < rounds; round += 1) {
      // Rotate which goes first, so a registry's warm edge cache or a slow minute favours no side.
      const all = ['proxy', 'shared', 'host'] as const;
      const order = [...all.slice(round % 3), ...all.slice(0, round % 3)];
      for (const side of order) {
        const { seconds, packages: count } = await coldInstall(sides[side], template, root);
        times[side].push(seconds);
        packages = count;
        process.stderr.write(`round ${String(round + 1)} ${side}: ${seconds.toFixed(1)} s\n`);
      }
    }
    // Paired by round: the registry's speed drifts over minutes (the same side took 5.6 and 11.1 s), so
    // each round's proxy run is compared with the same round's host-network run, and the median taken.
    const paired = times.proxy.map((t, i) => t / (times.shared[i] ?? t));
    const ratio = median(paired);
    process.stdout.write(`Cold npm ci, ${String(Object.keys(lock.packages).length - 1)} packages in the lockfile (${String(packages)} top-level folders), ${String(rounds)} rounds each\n\n`);
    process.stdout.write('| install | runs (s) | median (s) |\n| --- | --- | --- |\n');
    process.stdout.write(`| sandbox, through the egress proxy | ${times.proxy.map((t) => t.toFixed(1)).join(', ')} | ${median(times.proxy).toFixed(1)} |\n`);
    process.stdout.write(`| sandbox, host network (before) | ${times.shared.map((t) => t.toFixed(1)).join(', ')} | ${median(times.shared).toFixed(1)} |\n`);
    process.stdout.write(`| host network, no sandbox | ${times.host.map((t) => t.toFixed(1)).join(', ')} | ${median(times.host).toFixed(1)} |\n\n`);
    process.stdout.write(`proxy / host network in the same sandbox, per round: ${paired.map((r) => r.toFixed(2)).join(', ')}\n`);
    process.stdout.write(`median of the per-round ratios ${ratio.toFixed(2)}× (target ≤ ${String(TARGET_RATIO)}×): ${ratio <= TARGET_RATIO ? 'met' : 'MISSED'}; ratio of the medians ${(median(times.proxy) / median(times.shared)).toFixed(2)}×; `);
    process.stdout.write(`proxy / no sandbox: ${(median(times.proxy) / median(times.host)).toFixed(2)}×\n`);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await main();
}

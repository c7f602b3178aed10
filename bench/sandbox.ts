/**
 * Sandbox start overhead per command: `true` and `node -e 0` run directly (with the same capped spawn)
 * and through bubblewrap, n runs each, p50/p99 in ms. Target: ≤ 30 ms overhead per command.
 * Run: `node --import ./bin/register.js bench/sandbox.ts [runs]`.
 * @module
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BubblewrapSandbox, createSandbox, DEFAULT_LIMITS, sandboxIdentity } from '../src/sandbox/index.js';
import { spawnCapped } from '../src/sandbox/spawn.js';
import { createWorkspace } from '../src/workspace/workspace.js';
import { percentile } from './stats.js';

/** Runs per measured command (the n). */
export const DEFAULT_RUNS = 50;

/** Largest acceptable p50 overhead of the sandbox per command, from issue 2 §7. */
export const TARGET_OVERHEAD_MS = 30;

/** One measured row. */
export interface BenchRow {
  /** The command measured. */
  command: string;
  /** Median direct run, ms. */
  directP50: number;
  /** 99th percentile direct run, ms. */
  directP99: number;
  /** Median sandboxed run, ms. */
  sandboxP50: number;
  /** 99th percentile sandboxed run, ms. */
  sandboxP99: number;
  /** Median sandboxed run without per-command cgroups (rlimits only), ms. */
  plainP50: number;
  /** 99th percentile of the same, ms. */
  plainP99: number;
}

async function time(runs: number, once: () => Promise<unknown>): Promise<number[]> {
  await once(); // Warm the page cache.
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    await once();
    samples.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return samples;
}

/** Measures every command and returns the rows (printing nothing). */
export async function measure(runs = DEFAULT_RUNS): Promise<BenchRow[]> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'qg-bench-sandbox-'));
  await chmod(root, 0o711);
  try {
    const sandbox = await createSandbox({ mode: 'bubblewrap' });
    const plain = await BubblewrapSandbox.create({ defaults: DEFAULT_LIMITS, identity: sandboxIdentity(), cgroups: false });
    const workspace = await createWorkspace(path.join(root, 'ws'));
    const rows: BenchRow[] = [];
    for (const argv of [['true'], [process.execPath, '-e', '0']]) {
      const direct = await time(runs, () =>
        spawnCapped(argv, { cwd: workspace.dir, env: { PATH: '/usr/bin:/bin' }, timeoutMs: 60_000, maxOutputBytes: DEFAULT_LIMITS.maxOutputBytes }),
      );
      const boxed = await time(runs, () => sandbox.run({ argv, cwd: workspace.dir, workspace: workspace.dir }));
      const rlimitsOnly = await time(runs, () => plain.run({ argv, cwd: workspace.dir, workspace: workspace.dir }));
      rows.push({
        command: argv.map((arg) => (arg === process.execPath ? 'node' : arg)).join(' '),
        directP50: percentile(direct, 50),
        directP99: percentile(direct, 99),
        sandboxP50: percentile(boxed, 50),
        sandboxP99: percentile(boxed, 99),
        plainP50: percentile(rlimitsOnly, 50),
        plainP99: percentile(rlimitsOnly, 99),
      });
    }
    return rows;
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/** Renders rows as a Markdown table. */
export function formatTable(rows: BenchRow[], runs: number): string {
  const ms = (value: number) => value.toFixed(1);
  const lines = [
    `| command (n=${runs}) | run as | p50 | p99 | overhead p50 | overhead p99 |`,
    '| --- | --- | ---: | ---: | ---: | ---: |',
  ];
  for (const row of rows) {
    const line = (label: string, p50: number, p99: number) =>
      `| \`${row.command}\` | ${label} | ${ms(p50)} | ${ms(p99)} | ${ms(p50 - row.directP50)} | ${ms(p99 - row.directP99)} |`;
    lines.push(
      line('direct', row.directP50, row.directP99),
      line('bubblewrap + cgroups (default)', row.sandboxP50, row.sandboxP99),
      line('bubblewrap, rlimits only', row.plainP50, row.plainP99),
    );
  }
  return lines.join('\n');
}

/** Prints the table and whether the overhead meets the target. */
export async function main(runs = Number(process.argv[2] ?? DEFAULT_RUNS)): Promise<BenchRow[]> {
  const rows = await measure(runs);
  const worst = Math.max(...rows.map((row) => row.sandboxP50 - row.directP50));
  process.stdout.write(`Sandbox start overhead (ms)\n\n${formatTable(rows, runs)}\n\n`);
  process.stdout.write(`worst p50 overhead ${worst.toFixed(1)} ms (target ≤ ${TARGET_OVERHEAD_MS} ms): ${worst <= TARGET_OVERHEAD_MS ? 'met' : 'MISSED'}\n`);
  return rows;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  await main();
}

/**
 * Python lint benchmark (issue 19): the lint gate on a generated pure-Python package of ~20,000 lines,
 * linted by ruff (the package configures it: ruff's WebAssembly build, as the gate runs it when the
 * repository's install brings no ruff) and by flake8 (the same sources without `[tool.ruff]`), in the
 * same run, alternating so that the machine's load touches both alike. Also the two tools run directly,
 * without the engine and the sandbox. Prints a table of medians.
 * Run: `npm run bench -- lint-python` (BENCH_RUNS, BENCH_PY_MODULES to change the size).
 * @module
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseConfig } from '../src/config/load.js';
import { FLAKE8_FORMAT } from '../src/gates/python/flake8.js';
import { planLint } from '../src/gates/python/ruff/files.js';
import { RUFF_WASM_NODE_FLAGS, RUFF_WASM_RUNNER, wasmJob } from '../src/gates/python/ruff/wasm.js';
import { runGates } from '../src/gates/run.js';
import type { GateResult } from '../src/gates/types.js';
import { APP_NODE_MODULES } from '../src/paths.js';
import { baseEnvironment, createSandbox, limitsFromConfig } from '../src/sandbox/index.js';
import { copyCheckout } from '../src/workspace/local-copy.js';
import { createWorkspace } from '../src/workspace/workspace.js';
import { generatePythonPackage } from './generate-python-package.js';
import { median } from './stats.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
/** 120 modules of ≈ 170 lines: ≈ 20,000 lines. */
const MODULES = Number(process.env.BENCH_PY_MODULES ?? 120);

function timedSync(argv: string[], cwd: string): number {
  const [program, ...args] = argv as [string, ...string[]];
  const started = process.hrtime.bigint();
  const result = spawnSync(program, args, { cwd, stdio: 'ignore', env: baseEnvironment() });
  if (result.error) throw result.error;
  return Number(process.hrtime.bigint() - started) / 1e6;
}

async function lintGate(source: string): Promise<{ ms: number; result: GateResult }> {
  const config = parseConfig('docs:\n  build: none\n');
  if (!config.ok) throw config.error;
  const sandbox = await createSandbox({ limits: limitsFromConfig(config.config.sandbox) });
  const workspace = await createWorkspace(path.join(os.tmpdir(), 'qg-bench-pylint-ws'));
  const cacheDir = await mkdtemp(path.join(os.tmpdir(), 'qg-bench-pylint-cache-'));
  try {
    await copyCheckout(source, workspace.dir);
    const started = process.hrtime.bigint();
    const [result] = await runGates({ dir: workspace.dir, config: config.config, sandbox, cacheDir, gates: ['lint'] });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (result === undefined || result.metrics.error !== undefined) throw new Error(`the lint gate could not run: ${JSON.stringify(result)}`);
    return { ms, result };
  } finally {
    await workspace.cleanup();
    await rm(cacheDir, { recursive: true, force: true });
  }
}

/** Runs the benchmark and prints the table. */
export async function main(): Promise<void> {
  const ruffRepo = await mkdtemp(path.join(os.tmpdir(), 'qg-bench-py-ruff-'));
  const flake8Repo = await mkdtemp(path.join(os.tmpdir(), 'qg-bench-py-flake8-'));
  try {
    const lines = await generatePythonPackage(ruffRepo, MODULES, true);
    await generatePythonPackage(flake8Repo, MODULES, false);
    // The job the gate hands the WebAssembly runner, for the direct run.
    const jobFile = path.join(ruffRepo, 'ruff-job.json');
    await writeFile(jobFile, JSON.stringify(wasmJob(await planLint(ruffRepo, path.join(ruffRepo, 'pyproject.toml')))));
    const samples = { ruff: [] as number[], flake8: [] as number[], ruffDirect: [] as number[], flake8Direct: [] as number[] };
    let ruff: GateResult | undefined;
    let flake8: GateResult | undefined;
    for (let i = 0; i < RUNS; i++) {
      const r = await lintGate(ruffRepo);
      const f = await lintGate(flake8Repo);
      samples.ruff.push(r.ms);
      samples.flake8.push(f.ms);
      ruff = r.result;
      flake8 = f.result;
      samples.ruffDirect.push(timedSync([process.execPath, ...RUFF_WASM_NODE_FLAGS, RUFF_WASM_RUNNER, APP_NODE_MODULES, jobFile, path.join(ruffRepo, 'out.json')], ruffRepo));
      samples.flake8Direct.push(timedSync(['flake8', `--format=${FLAKE8_FORMAT}`, '--', 'src', 'tests'], flake8Repo));
    }
    const base = median(samples.flake8);
    const row = (name: string, ms: number, result?: GateResult) =>
      `| ${name} | ${result ? String(result.metrics.files_checked) : ''} | ${result ? String(result.metrics.errors) : ''} | ${ms.toFixed(0)} | ${(ms / base).toFixed(2)}× |`;
    process.stdout.write(`Python lint on a generated package: ${String(MODULES + 2)} files, ${String(lines)} lines; median of ${String(RUNS)} runs\n\n`);
    process.stdout.write('| run | files | errors | ms | vs flake8 gate |\n| --- | ---: | ---: | ---: | ---: |\n');
    process.stdout.write(`${row('lint gate, ruff (WebAssembly build, sandbox)', median(samples.ruff), ruff)}\n`);
    process.stdout.write(`${row('lint gate, flake8 (sandbox)', base, flake8)}\n`);
    process.stdout.write(`${row('ruff WebAssembly runner directly', median(samples.ruffDirect))}\n`);
    process.stdout.write(`${row('flake8 directly', median(samples.flake8Direct))}\n`);
  } finally {
    await rm(ruffRepo, { recursive: true, force: true });
    await rm(flake8Repo, { recursive: true, force: true });
  }
}

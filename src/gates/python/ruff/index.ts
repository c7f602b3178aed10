/**
 * The ruff lint toolchain, for Python repositories configured for ruff and not flake8
 * (`linter-choice.ts`). It runs the repository's own ruff when the install put one into the virtual
 * environment, and ruff's WebAssembly build otherwise, both in the sandbox; the summary says which ruff
 * ran and which configuration it used. Every finding is an error: ruff has no severities, and the
 * repository's ruff fails on each of them.
 * @module
 */
import path from 'node:path';
import type { Config } from '../../../config/schema.js';
import type { GateContext, LintMeasurement, Toolchain } from '../../types.js';
import { isPythonRepo } from '../detect.js';
import { pythonLinter } from '../linter-choice.js';
import { describeConfig } from './config.js';
import { findRuffConfig } from './layers.js';
import { planLint } from './files.js';
import { installedRuff, runNativeRuff } from './native.js';
import { RUFF_WASM_PACKAGE, runRuffWasm, wasmPackageVersion } from './wasm.js';

/** Options of {@link createRuffToolchain}. */
export interface RuffOptions {
  /** Use the WebAssembly build even when the install brought a ruff (benchmarks, tests). */
  wasmOnly?: boolean;
}

async function rootConfig(dir: string): Promise<string> {
  const file = await findRuffConfig(dir, dir);
  // detect() found it; a checkout changed since is a programmer error, not the repository's.
  if (file === undefined) throw new Error(`no ruff configuration at the root of ${dir}`);
  return file;
}

/** The ruff lint toolchain. */
export function createRuffToolchain(options: RuffOptions = {}): Toolchain<'lint'> {
  return {
    id: 'ruff',
    gate: 'lint',
    language: 'python',
    detect: async (dir: string, config: Config) => (await isPythonRepo(dir, config)) && (await pythonLinter(dir)) === 'ruff',
    async measure(ctx: GateContext): Promise<LintMeasurement> {
      const configFile = path.relative(ctx.dir, await rootConfig(ctx.dir));
      const native = options.wasmOnly === true ? undefined : await installedRuff(ctx);
      if (native !== undefined) {
        const { findings, filesChecked, version } = await runNativeRuff(ctx, native);
        const source = path.basename(configFile) === 'pyproject.toml' ? `${configFile} [tool.ruff]` : configFile;
        return { findings, filesChecked, notes: [`ruff ${version} (the repository's own, installed in .venv) read its configuration from ${source}.`] };
      }
      const plan = await planLint(ctx.dir, path.join(ctx.dir, configFile));
      const { findings, version } = plan.files.length > 0 ? await runRuffWasm(ctx, plan) : { findings: [], version: await wasmPackageVersion() };
      const configs = plan.configs.map(describeConfig);
      const notes = [`ruff ${version} (WebAssembly build, ${RUFF_WASM_PACKAGE}) with the configuration of ${configs.join('; in subfolders ')}.`];
      if (plan.otherFiles.length > 0) {
        notes.push(`Not linted: ${String(plan.otherFiles.length)} stub or notebook file(s) (${plan.otherFiles.slice(0, 3).join(', ')}${plan.otherFiles.length > 3 ? ', …' : ''}); the WebAssembly build lints .py sources only.`);
      }
      return { findings, filesChecked: plan.files.length, notes };
    },
  };
}

/** The registered instance. */
export const ruffToolchain = createRuffToolchain();

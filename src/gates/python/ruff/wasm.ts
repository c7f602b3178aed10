/**
 * ruff's official WebAssembly build (`@astral-sh/ruff-wasm-nodejs`, an app dependency) run inside the
 * sandbox by `assets/ruff/check.mjs`, for repositories whose install did not bring a ruff of their own.
 * The engine plans the files and their settings (`files.ts`); each distinct settings object becomes one
 * ruff `Workspace`. A file's `per-file-ignores` reach ruff as its own `per-file-ignores` under the
 * name the build gives every source (`<filename>`), so ruff resolves the selectors itself.
 * @module
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { APP_NODE_MODULES, ASSETS_DIR } from '../../../paths.js';
import { combinedOutput, runTool } from '../../exec.js';
import { ToolError, type Finding, type GateContext } from '../../types.js';
import { readTextInside } from '../../../workspace/read-inside.js';
import { writableReportDir } from '../run.js';
import { describeConfig } from './config.js';
import type { LintPlan } from './files.js';

/** The runner script. */
export const RUFF_WASM_RUNNER = path.join(ASSETS_DIR, 'ruff', 'check.mjs');

/**
 * V8 flags of the runner. Baseline (Liftoff) code only: optimising ruff's 10 MB module took 10–18 s
 * in the sandbox on a loaded 2-core machine, while the Liftoff code lints a 17,600-line package in
 * about 1 s all told (bench/lint-python.ts).
 */
export const RUFF_WASM_NODE_FLAGS = ['--liftoff-only'];

/** The npm package of the build. */
export const RUFF_WASM_PACKAGE = '@astral-sh/ruff-wasm-nodejs';

/** The path the WebAssembly build lints every source under (it is given no path of its own). */
export const WASM_SOURCE_NAME = '<filename>';

/** The version of the bundled build, from its package (what the runner reports when it runs). */
export async function wasmPackageVersion(): Promise<string> {
  const manifest = path.join(APP_NODE_MODULES, ...RUFF_WASM_PACKAGE.split('/'), 'package.json');
  const { version } = JSON.parse(await readFile(manifest, 'utf8')) as { version?: unknown };
  return typeof version === 'string' ? version : 'unknown version';
}

/** What the runner handed to ruff: settings objects and the files each one lints. */
export interface WasmJob {
  /** One settings object per distinct (configuration, per-file ignores, per-file Python version). */
  workspaces: Record<string, unknown>[];
  /** Files, each with the index of its settings. */
  files: { path: string; workspace: number }[];
}

/** One diagnostic as the runner writes it (1-based rows, columns in characters). */
export interface WasmDiagnostic {
  /** File, relative to the checkout. */
  path: string;
  /** ruff's code (`F401`), or `invalid-syntax`. */
  code: string;
  /** ruff's message. */
  message: string;
  /** Start line. */
  row: number;
  /** Start column. */
  column: number;
  /** End line. */
  endRow: number;
  /** End column. */
  endColumn: number;
}

/** The runner's result file. */
interface WasmResult {
  version: string;
  diagnostics?: WasmDiagnostic[];
  settingsError?: { workspace: number; message: string };
}

/** The job for `plan`: each file's settings are its configuration's, plus its own ignores and Python version. */
export function wasmJob(plan: LintPlan): WasmJob {
  const keys = new Map<string, number>();
  const job: WasmJob = { workspaces: [], files: [] };
  for (const file of plan.files) {
    const key = JSON.stringify([file.config, file.ignores, file.targetVersion ?? null]);
    let index = keys.get(key);
    if (index === undefined) {
      const settings = structuredClone(plan.configs[file.config]?.settings ?? {});
      if (file.targetVersion !== undefined) settings['target-version'] = file.targetVersion;
      if (file.ignores.length > 0) {
        settings.lint = { ...(settings.lint as Record<string, unknown>), 'per-file-ignores': { [WASM_SOURCE_NAME]: file.ignores } };
      }
      index = job.workspaces.push(settings) - 1;
      keys.set(key, index);
    }
    job.files.push({ path: file.path, workspace: index });
  }
  return job;
}

/** The findings of the runner's diagnostics: every one is an error (ruff fails on each). */
export function wasmFindings(diagnostics: readonly WasmDiagnostic[]): Finding[] {
  return diagnostics.map((d) => {
    const finding: Finding = { path: d.path, line: d.row, column: d.column, level: 'failure', message: d.message, rule: d.code };
    if (d.endRow !== d.row) finding.endLine = d.endRow;
    return finding;
  });
}

/**
 * Lints `plan` with the WebAssembly build in the sandbox.
 * @returns The findings and the build's ruff version.
 * @throws ToolError when the runner fails, or ruff rejects a configuration (`config`).
 */
export async function runRuffWasm(ctx: GateContext, plan: LintPlan): Promise<{ findings: Finding[]; version: string }> {
  const out = await writableReportDir(ctx.dir);
  const jobFile = path.join(out, 'ruff-job.json');
  const resultFile = path.join(out, 'ruff-result.json');
  const job = wasmJob(plan);
  await writeFile(jobFile, JSON.stringify(job));
  const result = await runTool(ctx, [process.execPath, ...RUFF_WASM_NODE_FLAGS, RUFF_WASM_RUNNER, APP_NODE_MODULES, jobFile, resultFile], { what: 'ruff' });
  let parsed: WasmResult;
  try {
    if (result.exitCode !== 0) throw new Error(`exit code ${String(result.exitCode)}`);
    parsed = JSON.parse(await readTextInside(ctx.dir, resultFile)) as WasmResult;
  } catch (error) {
    throw new ToolError(`ruff (WebAssembly build) failed (${(error as Error).message}): see its output.`, { output: combinedOutput(result), cause: error });
  }
  if (parsed.settingsError !== undefined) {
    const first = job.files.find((f) => f.workspace === parsed.settingsError?.workspace);
    const config = plan.configs[plan.files.find((f) => f.path === first?.path)?.config ?? 0];
    throw new ToolError(
      `ruff rejects the configuration in ${config ? describeConfig(config) : 'the repository'}: ${parsed.settingsError.message}. Fix it and push again.`,
      { reason: 'config', output: parsed.settingsError.message },
    );
  }
  return { findings: wasmFindings(parsed.diagnostics ?? []), version: parsed.version };
}

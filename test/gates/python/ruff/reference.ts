/**
 * Test helper: ruff's WebAssembly build run directly in the test process, as the reference the gate's
 * answers are compared with. The settings are written out in each test the way ruff's documentation
 * resolves the fixture's configuration, so the gate's own resolution is checked, not repeated.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Finding } from '../../../../src/gates/types.js';

interface WasmDiagnostic {
  code: string | null;
  start_location: { row: number; column: number };
}

interface RuffWasm {
  Workspace: (new (settings: unknown, encoding: number) => { check(source: string): WasmDiagnostic[] }) & { version(): string };
  PositionEncoding: { Utf32: number };
}

const ruff = createRequire(import.meta.url)('@astral-sh/ruff-wasm-nodejs') as RuffWasm;

/** The build's ruff version. */
export const wasmVersion = (): string => ruff.Workspace.version();

/** One file the reference lints, and the codes a per-file ignore of the fixture removes from it. */
export interface ReferenceFile {
  path: string;
  drop?: string[];
}

/** `path:line:column:code` of every diagnostic ruff gives `files` of `dir` with `settings`, sorted. */
export async function referenceFindings(dir: string, settings: Record<string, unknown>, files: ReferenceFile[]): Promise<string[]> {
  const workspace = new ruff.Workspace(settings, ruff.PositionEncoding.Utf32);
  const out: string[] = [];
  for (const file of files) {
    const source = await readFile(path.join(dir, file.path), 'utf8');
    for (const d of workspace.check(source)) {
      const code = d.code ?? 'invalid-syntax';
      if (!(file.drop ?? []).includes(code)) out.push(`${file.path}:${String(d.start_location.row)}:${String(d.start_location.column)}:${code}`);
    }
  }
  return out.sort();
}

/** The same shape for the gate's findings. */
export function keys(findings: readonly Finding[]): string[] {
  return findings.map((f) => `${f.path}:${String(f.line)}:${String(f.column)}:${f.rule ?? ''}`).sort();
}

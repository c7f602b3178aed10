/**
 * The optional Sphinx build (`docs.build: sphinx`): it must finish without a warning (`-W`, with
 * `--keep-going` so every warning is reported, not only the first). Each warning is a finding.
 * @module
 */
import { pathExists } from '../../workspace/files.js';
import path from 'node:path';
import type { Config } from '../../config/schema.js';
import { combinedOutput, runTool } from '../exec.js';
import { ToolError, type DocsMeasurement, type Finding, type GateContext, type Toolchain } from '../types.js';
import { isPythonRepo } from './detect.js';
import { requireProgram, writableReportDir } from './run.js';

/** Where Sphinx projects conventionally keep `conf.py`, in the order they are tried. */
export const SPHINX_SOURCE_DIRS = ['docs', 'doc', 'docs/source', 'doc/source'];

const MESSAGE = /^(.+?):(?:(\d+):)? (WARNING|ERROR|CRITICAL|SEVERE): (.*)$/;

/** Parses Sphinx's `path:line: WARNING: text` lines; docstring locations are mapped to their file. */
export function parseSphinx(output: string, dir: string): Finding[] {
  const findings: Finding[] = [];
  for (const line of output.split('\n')) {
    const match = MESSAGE.exec(line.trim());
    if (!match) continue;
    const [, where = '', row, severity = '', text = ''] = match;
    const file = where.split(':docstring of ')[0] ?? where;
    findings.push({
      path: path.relative(dir, path.resolve(dir, file)).split(path.sep).join('/'),
      line: row === undefined ? 1 : Number(row),
      level: severity === 'WARNING' ? 'warning' : 'failure',
      message: text,
      rule: `sphinx-${severity.toLowerCase()}`,
    });
  }
  return findings;
}

/** The first conventional folder holding a `conf.py`, or undefined. */
export async function sphinxSourceDir(dir: string): Promise<string | undefined> {
  for (const candidate of SPHINX_SOURCE_DIRS) {
    if (await pathExists(path.join(dir, candidate, 'conf.py'))) return candidate;
  }
  return undefined;
}

/** Options of {@link createSphinxToolchain}. */
export interface SphinxOptions {
  /** The sphinx-build program. Default `sphinx-build` (Debian package `python3-sphinx`). */
  program?: string;
}

/** The Sphinx docs-build toolchain; applies only when `docs.build` is `sphinx`. */
export function createSphinxToolchain(options: SphinxOptions = {}): Toolchain<'docs'> {
  const program = options.program ?? 'sphinx-build';
  return {
    id: 'sphinx',
    gate: 'docs',
    language: 'python',
    detect: async (dir: string, config: Config) => config.docs.build === 'sphinx' && (await isPythonRepo(dir, config)),
    async measure(ctx: GateContext): Promise<DocsMeasurement> {
      const executable = await requireProgram(program, 'Sphinx', 'python3-sphinx');
      const source = await sphinxSourceDir(ctx.dir);
      if (source === undefined) {
        throw new ToolError(
          `docs.build is sphinx but no conf.py was found in ${SPHINX_SOURCE_DIRS.join(', ')}: add one or set docs.build: none.`,
          { reason: 'config' },
        );
      }
      const out = path.join(await writableReportDir(ctx.dir), 'sphinx');
      const argv = [executable, '-W', '--keep-going', '-q', '-b', 'html', source, out];
      const result = await runTool(ctx, argv, { what: 'Sphinx' });
      const output = combinedOutput(result);
      const buildFindings = parseSphinx(output, ctx.dir);
      if (result.exitCode !== 0 && buildFindings.length === 0) {
        throw new ToolError(`Sphinx failed (exit code ${String(result.exitCode)}): see the output.`, { reason: 'crash', output });
      }
      return { items: [], buildFindings, build: { tool: 'sphinx', ok: result.exitCode === 0, output } };
    },
  };
}

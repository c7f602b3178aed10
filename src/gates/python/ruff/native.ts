/**
 * The repository's own ruff, when its install put one into the virtual environment (`.venv/bin/ruff`,
 * from a pinned dev or test dependency): it reads the configuration itself, so nothing is emulated, and
 * its version is the one the developers run. Its JSON report gives codes and positions as it prints them.
 * @module
 */
import path from 'node:path';
import { pathExists } from '../../../workspace/files.js';
import { VENV_DIR_NAME } from '../../../workspace/python-install.js';
import { combinedOutput, runTool } from '../../exec.js';
import { hostPath } from '../../host-path.js';
import { ToolError, type Finding, type GateContext } from '../../types.js';
import { lintTargets } from '../lint-targets.js';

/** The repository's ruff as the sandbox sees it, or undefined when its install did not bring one. */
export async function installedRuff(ctx: Pick<GateContext, 'dir' | 'mounts'>): Promise<string | undefined> {
  const relative = path.join(VENV_DIR_NAME, 'bin', 'ruff');
  return (await pathExists(hostPath(ctx, relative).file)) ? path.join(ctx.dir, relative) : undefined;
}

interface RuffJsonMessage {
  code: string | null;
  message: string;
  filename: string;
  location: { row: number; column: number };
  end_location?: { row: number; column: number };
}

/** Findings from `ruff check --output-format=json` (paths relative to `dir`; a syntax error has no code). */
export function parseRuffJson(json: string, dir: string): Finding[] {
  const messages = JSON.parse(json) as RuffJsonMessage[];
  if (!Array.isArray(messages)) throw new Error('not a list of messages');
  return messages.map((m) => {
    const finding: Finding = {
      path: path.relative(dir, path.resolve(dir, m.filename)).split(path.sep).join('/'),
      line: m.location.row,
      column: m.location.column,
      level: 'failure',
      message: m.message,
      rule: m.code ?? 'invalid-syntax',
    };
    if (m.end_location !== undefined && m.end_location.row !== m.location.row) finding.endLine = m.end_location.row;
    return finding;
  });
}

/**
 * Runs the installed ruff at `program` on the checkout.
 * @returns Its findings, the number of files it checked and its version.
 * @throws ToolError when it fails (a configuration it rejects, a crash).
 */
export async function runNativeRuff(ctx: GateContext, program: string): Promise<{ findings: Finding[]; filesChecked: number; version: string }> {
  const targets = await lintTargets(ctx.dir);
  // `--exit-zero`: findings exit 0, so any other code is ruff failing (a configuration it rejects).
  const common = ['--no-cache', '--force-exclude', '--', ...targets];
  const versionRun = await runTool(ctx, [program, '--version'], { what: 'ruff' });
  const version = /(\d+\.\d+\.\d+\S*)/.exec(versionRun.stdout)?.[1] ?? 'unknown version';
  const files = await runTool(ctx, [program, 'check', '--show-files', ...common], { what: 'ruff' });
  // `--no-fix`: a configuration with `fix = true` (click has one) would otherwise rewrite the checkout
  // and report only what it could not fix.
  const check = await runTool(ctx, [program, 'check', '--output-format=json', '--exit-zero', '--no-fix', ...common], { what: 'ruff' });
  for (const run of [files, check]) {
    if (run.exitCode !== 0) {
      throw new ToolError(`ruff ${version} (${program}) failed (exit code ${String(run.exitCode)}): check the repository's ruff configuration.`, {
        output: combinedOutput(run),
      });
    }
  }
  try {
    const filesChecked = files.stdout.split('\n').filter((line) => line.trim().length > 0).length;
    return { findings: parseRuffJson(check.stdout, ctx.dir), filesChecked, version };
  } catch (error) {
    throw new ToolError(`ruff ${version} ran but its JSON report is unreadable: ${(error as Error).message}.`, { output: combinedOutput(check), cause: error });
  }
}

/**
 * PEP 8 lint with flake8 (pycodestyle + pyflakes + mccabe). flake8 is run from the repository root so it
 * reads the repository's own `[flake8]` section (`setup.cfg`, `tox.ini`, `.flake8`) by itself: its
 * `max-line-length`, `ignore`/`extend-ignore`, `select` and `exclude` apply unchanged. A repository
 * without one that formats with black gets black's line length and documented flake8 settings instead
 * of flake8's 79 columns (`black-settings.ts`). A repository configured for ruff is not flake8's: the
 * ruff toolchain lints it (`linter-choice.ts`).
 * @module
 */
import type { Config } from '../../config/schema.js';
import { ToolError, type Finding, type FindingLevel, type GateContext, type LintMeasurement, type Toolchain } from '../types.js';
import { isPythonRepo } from './detect.js';
import { combinedOutput, runTool } from '../exec.js';
import { requireProgram } from './run.js';
import { blackSettings } from './black-settings.js';
import { lintTargets } from './lint-targets.js';
import { pythonLinter } from './linter-choice.js';

/** One finding per line, colon-separated; the path comes first so a greedy match keeps colons in paths. */
export const FLAKE8_FORMAT = '%(path)s:%(row)d:%(col)d:%(code)s:%(text)s';

const FINDING_LINE = /^(.+):(\d+):(\d+):([A-Z]+\d+):(.*)$/;
const FILES_LINE = /^(\d+)\s+total files processed/m;

/** flake8's exit code when it ran and reported findings (0: none; anything else: it failed). */
export const FLAKE8_FINDINGS_EXIT = 1;

/**
 * Level of a flake8 code: pyflakes (F), pycodestyle errors (E) and mccabe complexity (C9) are errors;
 * pycodestyle warnings (W) and any plugin's other codes are warnings.
 */
export function flake8Level(code: string): FindingLevel {
  return /^(E|F|C9)/.test(code) ? 'failure' : 'warning';
}

/** Parses flake8 output in {@link FLAKE8_FORMAT}; lines that do not match (benchmark, noise) are skipped. */
export function parseFlake8(output: string): Finding[] {
  const findings: Finding[] = [];
  for (const line of output.split('\n')) {
    const match = FINDING_LINE.exec(line.trimEnd());
    if (!match) continue;
    const [, file = '', row = '0', col = '0', code = '', text = ''] = match;
    findings.push({
      path: file.replace(/^\.\//, ''),
      line: Number(row),
      column: Number(col),
      level: flake8Level(code),
      message: text.trim(),
      rule: code,
    });
  }
  return findings;
}

/** Options of {@link createFlake8Toolchain}. */
export interface Flake8Options {
  /** The flake8 program, looked up on the sandbox's PATH. Default `flake8` (Debian package `flake8`). */
  program?: string;
}

/** The flake8 lint toolchain. */
export function createFlake8Toolchain(options: Flake8Options = {}): Toolchain<'lint'> {
  const program = options.program ?? 'flake8';
  return {
    id: 'flake8',
    gate: 'lint',
    language: 'python',
    detect: async (dir: string, config: Config) => (await isPythonRepo(dir, config)) && (await pythonLinter(dir)) === 'flake8',
    async measure(ctx: GateContext): Promise<LintMeasurement> {
      const executable = await requireProgram(program, 'flake8', 'flake8');
      const targets = await lintTargets(ctx.dir);
      if (targets.length === 0) return { findings: [], filesChecked: 0 };
      const black = await blackSettings(ctx.dir);
      const argv = [executable, `--format=${FLAKE8_FORMAT}`, '--benchmark', ...(black?.args ?? []), '--', ...targets];
      const result = await runTool(ctx, argv, { what: 'flake8' });
      const findings = parseFlake8(result.stdout);
      const crashed =
        result.exitCode !== 0 && (result.exitCode !== FLAKE8_FINDINGS_EXIT || findings.length === 0);
      if (crashed) {
        throw new ToolError(
          `flake8 failed (exit code ${String(result.exitCode)}) without reporting findings: check the repository's [flake8] configuration.`,
          { reason: 'crash', output: combinedOutput(result) },
        );
      }
      const files = FILES_LINE.exec(result.stdout);
      return { findings, filesChecked: files ? Number(files[1]) : 0 };
    },
  };
}

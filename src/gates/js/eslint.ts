/**
 * The lint toolchain for JavaScript/TypeScript: the repository's own ESLint with its own config when it
 * has both, else the bundled ESLint with a default config. Reports go to a file so the sandbox's
 * output cap can never cut the JSON in half.
 * @module
 */
import path from 'node:path';
import type { Config } from '../../config/schema.js';
import { APP_NODE_MODULES, ASSETS_DIR } from '../../paths.js';
import { combinedOutput, reportDir, runTool } from '../exec.js';
import { ToolError, type Finding, type GateContext, type LintMeasurement, type Toolchain } from '../types.js';
import { isJavaScriptRepo } from './detect.js';
import { npmInstall } from './install.js';
import { readPackageJson } from './package.js';
import { pathExists } from '../../workspace/files.js';
import { readTextInside } from '../../workspace/read-inside.js';

/** Flat config file names ESLint ≥ 9 looks up. */
export const FLAT_CONFIG_FILES = ['eslint.config.js', 'eslint.config.mjs', 'eslint.config.cjs', 'eslint.config.ts'];

/** Legacy (eslintrc) config file names. */
export const LEGACY_CONFIG_FILES = [
  '.eslintrc.js',
  '.eslintrc.cjs',
  '.eslintrc.yaml',
  '.eslintrc.yml',
  '.eslintrc.json',
  '.eslintrc',
];

/** The default config used when the repository has none. */
export const DEFAULT_ESLINT_CONFIG = path.join(ASSETS_DIR, 'eslint', 'default.config.js');

/** ESLint's exit code for a bad config or a crash (1 only means "problems found"). */
const ESLINT_FATAL_EXIT = 2;

/** Which config the repository brings: `flat`, `legacy` or none. */
export async function repoEslintConfig(dir: string): Promise<'flat' | 'legacy' | undefined> {
  for (const name of FLAT_CONFIG_FILES) if (await pathExists(path.join(dir, name))) return 'flat';
  for (const name of LEGACY_CONFIG_FILES) if (await pathExists(path.join(dir, name))) return 'legacy';
  const pkg = await readPackageJson(dir);
  return pkg !== undefined && 'eslintConfig' in pkg ? 'legacy' : undefined;
}

interface EslintMessage {
  ruleId: string | null;
  severity: number;
  fatal?: boolean;
  message: string;
  line?: number;
  column?: number;
  endLine?: number;
}

interface EslintFileResult {
  filePath: string;
  messages: EslintMessage[];
}

/** Turns ESLint's JSON formatter output into findings (paths relative to `dir`). */
export function parseEslintJson(json: string, dir: string): LintMeasurement {
  const results = JSON.parse(json) as EslintFileResult[];
  const findings: Finding[] = [];
  for (const file of results) {
    const rel = path.relative(dir, file.filePath).split(path.sep).join('/');
    for (const m of file.messages) {
      const finding: Finding = {
        path: rel,
        line: m.line ?? 1,
        level: m.fatal === true || m.severity === 2 ? 'failure' : 'warning',
        message: m.message,
      };
      if (m.column !== undefined) finding.column = m.column;
      if (m.endLine !== undefined && m.endLine !== finding.line) finding.endLine = m.endLine;
      if (m.ruleId) finding.rule = m.ruleId;
      else if (m.fatal === true) finding.rule = 'parse-error';
      findings.push(finding);
    }
  }
  return { findings, filesChecked: results.length };
}

/**
 * ESLint's complaint about a rule named in a comment (`// eslint-disable-next-line unicorn/x`) that the
 * config does not define: under the bundled config it is about the plugins the repository's own config
 * would have loaded, not about its code.
 */
const UNKNOWN_RULE = /^Definition for rule '[^']+' was not found\.?$/;

/** Drops the findings that only say the bundled config lacks the repository's plugins. */
export function withoutUnknownRules(measurement: LintMeasurement): LintMeasurement {
  return { ...measurement, findings: measurement.findings.filter((f) => !UNKNOWN_RULE.test(f.message)) };
}

async function commandFor(ctx: GateContext, out: string): Promise<{ argv: string[]; env: Record<string, string>; bundled: boolean }> {
  const common = ['.', '--format', 'json', '--output-file', out, '--no-error-on-unmatched-pattern'];
  const kind = await repoEslintConfig(ctx.dir);
  const ownEslint = path.join(ctx.dir, 'node_modules', 'eslint', 'bin', 'eslint.js');
  if (kind !== undefined && (await pathExists(ownEslint))) {
    // ESLint 8 needs to be told to read eslintrc files; 9 still honours the switch.
    const env: Record<string, string> = kind === 'legacy' ? { ESLINT_USE_FLAT_CONFIG: 'false' } : {};
    return { argv: [process.execPath, ownEslint, ...common], env, bundled: false };
  }
  const bundled = path.join(APP_NODE_MODULES, 'eslint', 'bin', 'eslint.js');
  return { argv: [process.execPath, bundled, '--config', DEFAULT_ESLINT_CONFIG, ...common], env: {}, bundled: true };
}

/** ESLint, as the lint toolchain of JavaScript/TypeScript repositories. */
export const eslintToolchain: Toolchain<'lint'> = {
  id: 'eslint',
  gate: 'lint',
  language: 'javascript',
  // Only the repository's own ESLint needs its dependencies; the bundled one lints without them.
  install: {
    ...npmInstall,
    needed: async (dir: string, config: Config) => (await repoEslintConfig(dir)) !== undefined && npmInstall.needed(dir, config),
  },
  async detect(dir: string, config: Config): Promise<boolean> {
    return isJavaScriptRepo(dir, config);
  },
  async measure(ctx: GateContext): Promise<LintMeasurement> {
    const out = path.join(await reportDir(ctx.dir), 'eslint.json');
    const { argv, env, bundled } = await commandFor(ctx, out);
    const result = await runTool(ctx, argv, { what: 'ESLint', env });
    if (result.exitCode === ESLINT_FATAL_EXIT || (result.exitCode !== 0 && result.exitCode !== 1)) {
      throw new ToolError(`ESLint could not lint the repository (exit code ${String(result.exitCode)}): fix its configuration.`, {
        output: combinedOutput(result),
      });
    }
    let measurement: LintMeasurement;
    try {
      measurement = parseEslintJson(await readTextInside(ctx.dir, out), ctx.dir);
    } catch (error) {
      throw new ToolError('ESLint ran but its JSON report is missing or unreadable.', {
        output: combinedOutput(result),
        cause: error,
      });
    }
    return bundled ? withoutUnknownRules(measurement) : measurement;
  },
};


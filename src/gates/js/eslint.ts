/**
 * The lint toolchain for JavaScript/TypeScript: the repository's own ESLint with its own config when it
 * has both, its xo or standard when it lints with one of those, else the bundled ESLint with a default
 * config. Reports go to a file so the sandbox's output cap can never cut them in half.
 * @module
 */
import path from 'node:path';
import { glob } from 'tinyglobby';
import type { Config } from '../../config/schema.js';
import { APP_NODE_MODULES, ASSETS_DIR } from '../../paths.js';
import { combinedOutput, reportDir, runTool } from '../exec.js';
import { ToolError, type Finding, type GateContext, type LintMeasurement, type Toolchain } from '../types.js';
import { isJavaScriptRepo } from './detect.js';
import { npmInstall } from './install.js';
import { hasDependency, readPackageJson } from './package.js';
import { shellQuote } from './test-command.js';
import { pathExists } from '../../workspace/files.js';
import { readTextInside } from '../../workspace/read-inside.js';
import { hostPath } from '../host-path.js';

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

/** What standard lints by default (it skips these folders, minified files and dotfiles too). */
const STANDARD_FILES = ['**/*.{js,jsx,mjs,cjs}'];
const STANDARD_SKIPS = ['**/node_modules/**', '**/coverage/**', '**/vendor/**', '**/*.min.js', '.quality-gates/**'];

/** One line of `standard`'s report: `  /abs/file.js:3:5: message (rule)`, ` (warning)` for a warning. */
const STANDARD_LINE = /^\s+(\/.*?):(\d+):(\d+): (.*?)(?: \(([\w@/-]+)\))?( \(warning\))?$/;

/**
 * Turns the report of [standard](https://standardjs.com) — ESLint with its own config, text only — into
 * findings (paths relative to `dir`). A line without a rule is a parsing error.
 */
export function parseStandardOutput(text: string, dir: string): LintMeasurement {
  const findings: Finding[] = [];
  const files = new Set<string>();
  for (const line of text.split('\n')) {
    const match = STANDARD_LINE.exec(line);
    if (!match) continue;
    const [, file = '', lineNo, column, message = '', rule, warning] = match;
    const rel = path.relative(dir, file).split(path.sep).join('/');
    files.add(rel);
    findings.push({ path: rel, line: Number(lineNo), column: Number(column), level: warning ? 'warning' : 'failure', message, rule: rule ?? 'parse-error' });
  }
  return { findings, filesChecked: files.size };
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

/** Extensions an eslintrc-mode ESLint is told to lint: by default it lints `*.js` only. */
const LEGACY_JS_EXTENSIONS = ['.js', '.jsx', '.cjs', '.mjs'];
const LEGACY_TS_EXTENSIONS = ['.ts', '.tsx', '.cts', '.mts'];

/** `[major, minor]` of the repository's installed ESLint, or undefined when unreadable. */
async function installedEslintVersion(ctx: GateContext): Promise<[number, number] | undefined> {
  const manifest = hostPath(ctx, 'node_modules/eslint/package.json');
  try {
    const { version } = JSON.parse(await readTextInside(manifest.root, manifest.file)) as { version?: unknown };
    const match = typeof version === 'string' ? /^(\d+)\.(\d+)\./.exec(version) : null;
    return match ? [Number(match[1]), Number(match[2])] : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The `--ext` of an eslintrc config: JavaScript, and TypeScript too when the config mentions it
 * (`@typescript-eslint/parser`, `plugin:@typescript-eslint/…`, a `…-typescript` shared config).
 * Without it ESLint < 9 lints `*.js` only and a TypeScript repository would pass unlinted.
 */
export async function legacyExtensions(dir: string): Promise<string[]> {
  const texts: string[] = [];
  for (const name of LEGACY_CONFIG_FILES) {
    const text = await readTextInside(dir, path.join(dir, name)).catch(() => undefined);
    if (text !== undefined) texts.push(text);
  }
  const pkg = await readPackageJson(dir);
  if (pkg !== undefined && 'eslintConfig' in pkg) texts.push(JSON.stringify(pkg.eslintConfig));
  return texts.some((text) => /typescript/i.test(text)) ? [...LEGACY_JS_EXTENSIONS, ...LEGACY_TS_EXTENSIONS] : LEGACY_JS_EXTENSIONS;
}

/** How the lint command was run: which report it writes, and whether it is the bundled config. */
interface LintCommand {
  argv: string[];
  env: Record<string, string>;
  bundled: boolean;
  /** ESLint's JSON formatter, or standard's text report. */
  report: 'json' | 'standard';
}

async function commandFor(ctx: GateContext, out: string): Promise<LintCommand> {
  const common = ['.', '--format', 'json', '--output-file', out];
  const kind = await repoEslintConfig(ctx.dir);
  // Run at its path in the sandbox; looked for where it is on this host (a cached node_modules is
  // mounted into the checkout only inside the sandbox).
  const ownEslint = path.join(ctx.dir, 'node_modules', 'eslint', 'bin', 'eslint.js');
  if (kind !== undefined && (await pathExists(hostPath(ctx, 'node_modules/eslint/bin/eslint.js').file))) {
    const version = await installedEslintVersion(ctx);
    // The switch arrived in ESLint 6.8; older ones refuse to start when given it.
    const unmatched = version === undefined || version[0] > 6 || (version[0] === 6 && version[1] >= 8) ? ['--no-error-on-unmatched-pattern'] : [];
    if (kind === 'flat') return { argv: [process.execPath, ownEslint, ...common, ...unmatched], env: {}, bundled: false, report: 'json' };
    // ESLint 8 needs to be told to read eslintrc files; 9 still honours the switch.
    const ext = ['--ext', (await legacyExtensions(ctx.dir)).join(',')];
    return { argv: [process.execPath, ownEslint, ...common, ...unmatched, ...ext], env: { ESLINT_USE_FLAT_CONFIG: 'false' }, bundled: false, report: 'json' };
  }
  if (kind === undefined) {
    const pkg = await readPackageJson(ctx.dir);
    for (const linter of OWN_LINTERS) {
      const bin = hasDependency(pkg, linter.name) ? await installedBin(ctx, linter.name) : undefined;
      if (bin === undefined) continue;
      // Neither has --output-file: the shell writes the report to the file.
      const command = ['exec', process.execPath, path.join(ctx.dir, 'node_modules', linter.name, bin), ...linter.args].map(shellQuote).join(' ');
      return { argv: ['sh', '-c', `${command} > ${shellQuote(out)}`], env: {}, bundled: false, report: linter.report };
    }
  }
  const bundled = path.join(APP_NODE_MODULES, 'eslint', 'bin', 'eslint.js');
  return { argv: [process.execPath, bundled, '--config', DEFAULT_ESLINT_CONFIG, ...common, '--no-error-on-unmatched-pattern'], env: {}, bundled: true, report: 'json' };
}

/**
 * Linters that are ESLint with rules of their own, used when the repository has no ESLint config:
 * their findings are the repository's, the bundled config's would not be.
 */
const OWN_LINTERS = [
  { name: 'xo', args: ['--reporter=json'], report: 'json' },
  { name: 'standard', args: [], report: 'standard' },
] as const;

/** The installed package's program (its `bin`, relative to the package), found through the mounts. */
async function installedBin(ctx: GateContext, name: string): Promise<string | undefined> {
  const manifest = hostPath(ctx, `node_modules/${name}/package.json`);
  try {
    const { bin } = JSON.parse(await readTextInside(manifest.root, manifest.file)) as { bin?: unknown };
    const program = typeof bin === 'string' ? bin : typeof bin === 'object' && bin !== null ? (bin as Record<string, unknown>)[name] : undefined;
    return typeof program === 'string' && !path.isAbsolute(program) && !program.split(/[\\/]/).includes('..') ? program : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the repository brings a linter of its own: an ESLint config, or one of {@link OWN_LINTERS}. */
async function hasOwnLinter(dir: string): Promise<boolean> {
  if ((await repoEslintConfig(dir)) !== undefined) return true;
  const pkg = await readPackageJson(dir);
  return OWN_LINTERS.some((linter) => hasDependency(pkg, linter.name));
}

/** ESLint, as the lint toolchain of JavaScript/TypeScript repositories. */
export const eslintToolchain: Toolchain<'lint'> = {
  id: 'eslint',
  gate: 'lint',
  language: 'javascript',
  // Only the repository's own linter needs its dependencies; the bundled one lints without them.
  install: {
    ...npmInstall,
    needed: async (dir: string, config: Config) => (await hasOwnLinter(dir)) && npmInstall.needed(dir, config),
  },
  async detect(dir: string, config: Config): Promise<boolean> {
    return isJavaScriptRepo(dir, config);
  },
  async measure(ctx: GateContext): Promise<LintMeasurement> {
    const out = path.join(await reportDir(ctx.dir), 'eslint.json');
    const { argv, env, bundled, report } = await commandFor(ctx, out);
    const result = await runTool(ctx, argv, { what: 'ESLint', env });
    if (result.exitCode === ESLINT_FATAL_EXIT || (result.exitCode !== 0 && result.exitCode !== 1)) {
      throw new ToolError(`ESLint could not lint the repository (exit code ${String(result.exitCode)}): fix its configuration.`, {
        output: combinedOutput(result),
      });
    }
    let measurement: LintMeasurement;
    try {
      const text = await readTextInside(ctx.dir, out);
      measurement = report === 'standard' ? parseStandardOutput(text, ctx.dir) : parseEslintJson(text, ctx.dir);
      if (report === 'standard') {
        // Its report names only files with problems: count what it looked at (less its .gitignore).
        const linted = await glob(STANDARD_FILES, { cwd: ctx.dir, ignore: STANDARD_SKIPS });
        measurement.filesChecked = Math.max(measurement.filesChecked, linted.length);
      }
    } catch (error) {
      throw new ToolError('ESLint ran but its JSON report is missing or unreadable.', {
        output: combinedOutput(result),
        cause: error,
      });
    }
    if (report === 'standard' && result.exitCode !== 0 && measurement.findings.length === 0) {
      // standard reports its own crashes (a bad option, a missing plugin) with the same exit code as problems.
      throw new ToolError('standard failed without reporting a problem: see its output.', { output: combinedOutput(result) });
    }
    return bundled ? withoutUnknownRules(measurement) : measurement;
  },
};


/**
 * The docs-build toolchain for JS/TS (`docs.build: typedoc`): the bundled TypeDoc converts the public
 * API without writing any page, and every warning it prints is a finding. It runs in the sandbox
 * because a repository's TypeDoc config may load plugins, which is repository code.
 * @module
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../../config/schema.js';
import { APP_NODE_MODULES } from '../../paths.js';
import { combinedOutput, reportDir, runTool } from '../exec.js';
import type { DocsMeasurement, Finding, GateContext, Toolchain } from '../types.js';
import { isJavaScriptRepo } from './detect.js';
import { publicApiFiles } from './entry-points.js';
import { pathExists } from '../../workspace/files.js';
import { stripAnsi } from '../ansi.js';

/** TypeDoc config files that make the repository's own options (entry points, plugins) apply. */
export const TYPEDOC_CONFIG_FILES = ['typedoc.json', 'typedoc.jsonc', 'typedoc.config.js', 'typedoc.config.cjs', 'typedoc.config.mjs'];


/** Maps TypeDoc's `defined in <package>/<path>` to a path of the checkout, dropping leading segments until a file exists. */
async function locate(dir: string, shown: string): Promise<string | undefined> {
  const parts = shown.split('/');
  for (let i = 0; i < parts.length; i++) {
    const rel = parts.slice(i).join('/');
    if (rel && (await pathExists(path.join(dir, rel)))) return rel;
  }
  return undefined;
}

/**
 * Findings from TypeDoc's console output: `[warning] …`/`[error] …` lines and compiler diagnostics
 * (`src/a.ts:3:7 - error TS2307: …`). A message without a location is anchored to `fallbackPath` line 1.
 */
export async function parseTypedocOutput(output: string, dir: string, fallbackPath: string): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const raw of stripAnsi(output).split(/\r?\n/)) {
    const line = raw.trim();
    const diagnostic = /^(.+?):(\d+):(\d+) - (error|warning) (?:(TS\d+): )?(.*)$/.exec(line);
    if (diagnostic) {
      const [, file = '', row = '1', column = '1', level, code, message = ''] = diagnostic;
      findings.push({
        path: (await locate(dir, file)) ?? fallbackPath,
        line: Number(row),
        column: Number(column),
        level: level === 'error' ? 'failure' : 'warning',
        message,
        rule: code ?? 'typedoc',
      });
      continue;
    }
    const logged = /^\[(warning|error)\] (.*)$/.exec(line);
    if (!logged || /^Found \d+ errors? and \d+ warnings?$/.test(logged[2] ?? '')) continue;
    const [, level, message = ''] = logged;
    const where = /defined in ([^\s,]+)/.exec(message)?.[1];
    findings.push({
      path: (where !== undefined ? await locate(dir, where) : undefined) ?? fallbackPath,
      line: 1,
      level: level === 'error' ? 'failure' : 'warning',
      message,
      rule: 'typedoc',
    });
  }
  return findings;
}

/** Declaration file of each JavaScript extension, in the order TypeScript prefers them. */
const DECLARATION_FOR: Record<string, string> = { '.js': '.d.ts', '.jsx': '.d.ts', '.mjs': '.d.mts', '.cjs': '.d.cts' };

/**
 * The file TypeDoc should read for an entry point: a hand-written declaration next to a JS entry
 * (`index.js` + `index.d.ts`) wins, since TypeScript drops the `.js` from the program when both match
 * the tsconfig, and TypeDoc then finds no entry point at all.
 */
export async function typedocEntry(file: string): Promise<string> {
  const ext = path.extname(file);
  const declaration = DECLARATION_FOR[ext];
  if (declaration === undefined) return file;
  const candidate = file.slice(0, -ext.length) + declaration;
  return (await pathExists(candidate)) ? candidate : file;
}

async function firstExisting(dir: string, names: string[]): Promise<string | undefined> {
  for (const name of names) if (await pathExists(path.join(dir, name))) return name;
  return undefined;
}

/**
 * TypeDoc's arguments: the repository's own TypeDoc config if any, else its entry points (with a
 * generated tsconfig when it has none); undefined when there is nothing to document.
 */
async function typedocArgs(ctx: GateContext): Promise<{ args: string[]; anchor: string } | undefined> {
  const common = ['--emit', 'none', '--skipErrorChecking', '--disableGit', '--sourceLinkTemplate', '{path}'];
  const own = await firstExisting(ctx.dir, TYPEDOC_CONFIG_FILES);
  if (own !== undefined) return { args: ['--options', own, ...common], anchor: own };
  const entries = [...new Set(await Promise.all((await publicApiFiles(ctx.dir, ctx.config)).map(typedocEntry)))];
  if (entries.length === 0) return undefined;
  const anchor = entries[0] !== undefined ? path.relative(ctx.dir, entries[0]).split(path.sep).join('/') : 'package.json';
  let tsconfig = 'tsconfig.json';
  if (!(await pathExists(path.join(ctx.dir, tsconfig)))) {
    tsconfig = path.join(await reportDir(ctx.dir), 'tsconfig.json');
    const compilerOptions = { allowJs: true, noEmit: true, skipLibCheck: true, target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', types: [] };
    await writeFile(tsconfig, JSON.stringify({ compilerOptions, files: entries }, null, 2));
  }
  return { args: ['--tsconfig', tsconfig, ...common, ...entries], anchor };
}

/** TypeDoc, as the docs-build toolchain of JS/TS repositories (only when `docs.build` is `typedoc`). */
export const typedocToolchain: Toolchain<'docs'> = {
  id: 'typedoc',
  gate: 'docs',
  language: 'javascript',
  async detect(dir: string, config: Config): Promise<boolean> {
    return config.docs.build === 'typedoc' && (await isJavaScriptRepo(dir, config));
  },
  async measure(ctx: GateContext): Promise<DocsMeasurement> {
    const plan = await typedocArgs(ctx);
    if (!plan) return { items: [], buildFindings: [], build: { tool: 'typedoc', ok: true, output: 'No entry point to document.' } };
    const { args, anchor } = plan;
    const bin = path.join(APP_NODE_MODULES, 'typedoc', 'bin', 'typedoc');
    const result = await runTool(ctx, [process.execPath, bin, ...args], { what: 'TypeDoc' });
    const output = combinedOutput(result);
    const buildFindings = await parseTypedocOutput(output, ctx.dir, anchor);
    if (result.exitCode !== 0 && !buildFindings.some((f) => f.level === 'failure')) {
      buildFindings.push({ path: anchor, line: 1, level: 'failure', message: `TypeDoc exited with code ${String(result.exitCode)}`, rule: 'typedoc' });
    }
    return { items: [], buildFindings, build: { tool: 'typedoc', ok: result.exitCode === 0 && buildFindings.length === 0, output } };
  },
};

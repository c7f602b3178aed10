/**
 * PEP 257 docstring coverage: which public modules, classes, functions and methods carry a docstring,
 * found by `assets/python/docstrings.py` with Python's own `ast` (the repository's code is parsed, never
 * imported). Tests, the venv and build output are not public API.
 * @module
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { glob } from 'tinyglobby';
import type { Config } from '../../config/schema.js';
import { ASSETS_DIR } from '../../paths.js';
import { SYSTEM_PYTHON } from '../../workspace/python-install.js';
import { combinedOutput, runTool } from '../exec.js';
import { ToolError, type DocItem, type DocsMeasurement, type Finding, type GateContext, type Toolchain } from '../types.js';
import { isPythonRepo } from './detect.js';
import { requireProgram, writableReportDir } from './run.js';

/** The helper script run in the sandbox. */
export const DOCSTRINGS_SCRIPT = path.join(ASSETS_DIR, 'python', 'docstrings.py');

/** Files examined when `docs.paths` is not set and the project has no `src/` layout. */
export const DEFAULT_DOC_PATHS = ['**/*.py'];

/**
 * Files examined in a `src/` layout (PEP 517 projects with their packages under `src/`): the
 * installable code is all there, and what sits beside it — benchmark and task scripts, examples —
 * is not the public API.
 */
export const SRC_LAYOUT_DOC_PATHS = ['src/**/*.py'];

/** Never public API: tests, virtual environments, build output, docs sources, setup scripts. */
export const DOC_IGNORE = [
  '**/.venv/**', '**/venv/**', '**/node_modules/**', '**/build/**', '**/dist/**', '**/.tox/**', '**/.nox/**',
  '**/tests/**', '**/test/**', '**/test_*.py', '**/*_test.py', '**/conftest.py', 'setup.py', 'docs/**', 'doc/**', 'documentation/**',
  'noxfile.py', 'examples/**', 'benchmarks/**',
];

/** One item with its pydocstyle-like code as `rule`, for the finding when it is undocumented. */
export interface DocstringItem extends DocItem {
  /** `D100` module, `D101` class, `D102` method, `D103` function, `D104` package. */
  rule: string;
}

interface ScriptOutput {
  items: (DocItem & { code: string })[];
  errors: { path: string; line: number; message: string }[];
}

/** The finding for a public definition without a docstring, with pydocstyle's code as its rule. */
export function missingDocstringFinding(item: DocstringItem): Finding {
  return {
    path: item.path,
    line: item.line,
    level: 'failure',
    message: `Missing docstring in public ${item.kind} \`${item.name}\` (PEP 257).`,
    rule: item.rule,
  };
}

/**
 * The items as Python binds them: a name defined twice in one scope is the last definition
 * (`@typing.overload` stubs, then the implementation), and a src-layout module is named without `src.`.
 */
export function asBound(items: DocstringItem[]): DocstringItem[] {
  const last = new Map<string, DocstringItem>();
  for (const item of items) {
    const name = item.rule === 'D100' || item.rule === 'D104' ? item.name.replace(/^src\./, '') : item.name;
    const key = `${item.path}\u0000${name}`;
    last.delete(key);
    last.set(key, { ...item, name });
  }
  return [...last.values()];
}

/** Whether the project keeps its code under `src/`: a package or a module directly in it. */
async function hasSrcLayout(dir: string): Promise<boolean> {
  const inSrc = await glob(['src/*/__init__.py', 'src/*.py'], { cwd: dir, onlyFiles: true, deep: 2 });
  return inSrc.length > 0;
}

/** The Python files whose definitions are public API: `docs.paths`, else the `src/` layout's, else all but {@link DOC_IGNORE}. */
export async function docstringFiles(dir: string, config: Config): Promise<string[]> {
  const paths = config.docs.paths ?? ((await hasSrcLayout(dir)) ? SRC_LAYOUT_DOC_PATHS : DEFAULT_DOC_PATHS);
  const files = await glob(paths, { cwd: dir, ignore: DOC_IGNORE, onlyFiles: true });
  return files.filter((file) => file.endsWith('.py')).sort();
}

/** The docstring-coverage toolchain for Python. */
export function createDocstringsToolchain(): Toolchain<'docs'> {
  return {
    id: 'docstrings',
    gate: 'docs',
    language: 'python',
    detect: (dir: string, config: Config) => isPythonRepo(dir, config),
    async measure(ctx: GateContext): Promise<DocsMeasurement> {
      await requireProgram(SYSTEM_PYTHON, 'python3', 'python3');
      const files = await docstringFiles(ctx.dir, ctx.config);
      const listFile = path.join(await writableReportDir(ctx.dir), 'docstring-files.txt');
      await writeFile(listFile, files.join('\n'));
      const result = await runTool(ctx, [SYSTEM_PYTHON, DOCSTRINGS_SCRIPT, listFile], { what: 'The docstring check' });
      if (result.exitCode !== 0) {
        throw new ToolError('The docstring check failed: see the output.', { reason: 'crash', output: combinedOutput(result) });
      }
      const parsed = JSON.parse(result.stdout) as ScriptOutput;
      const buildFindings: Finding[] = parsed.errors.map((error) => ({
        path: error.path,
        line: error.line,
        level: 'warning',
        message: `Not examined for docstrings: ${error.message}`,
        rule: 'syntax',
      }));
      const items = asBound(parsed.items.map(({ code, ...item }) => ({ ...item, rule: code })));
      return { items, buildFindings };
    },
  };
}

/**
 * Coverage of a Python project: its tests run under coverage.py in the checkout's virtual environment
 * (see `src/workspace/python-install.ts`), without network, then `coverage json` gives per-line data.
 * Test counts come from pytest's JUnit report, or the runner's summary line for other commands.
 * @module
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../../config/schema.js';
import { preparePythonEnvironment, PythonInstallError, SYSTEM_PYTHON } from '../../workspace/python-install.js';
import { ToolError, type CoverageMeasurement, type GateContext, type Toolchain } from '../types.js';
import { coverageTarget, DEFAULT_PYTHON_TEST_COMMAND, type CoverageTarget } from './command.js';
import { parseCoverageJson, STATEMENTS_SCRIPT, type StatementLines } from './coverage-json.js';
import { isPythonRepo } from './detect.js';
import { pythonInstall } from './install.js';
import { parseFailedIds, parseJUnit, parseSummary, type TestCounts } from './pytest-report.js';
import { combinedOutput, REPORT_DIR_NAME, runTool } from '../exec.js';
import { requireProgram, writableReportDir } from './run.js';
import { readTextInside } from '../../workspace/read-inside.js';

/**
 * Files not measured when the repository has no coverage.py configuration of its own: the tests
 * themselves, the venv and the engine's files (JavaScript coverage leaves test files out too).
 */
export const DEFAULT_OMIT = [
  '.venv/*', `${REPORT_DIR_NAME}/*`, 'tests/*', 'test/*', '*/test_*.py', '*/*_test.py', '*/conftest.py', 'setup.py', 'docs/*',
];

/** pytest's exit code when it collected no test: not a crash, just nothing measured. */
export const PYTEST_NO_TESTS_EXIT = 5;

/** Characters of test output kept for the summary: the end, where pytest prints failures and totals. */
export const MAX_OUTPUT_CHARS = 8000;

function tail(text: string): string {
  return text.length > MAX_OUTPUT_CHARS ? text.slice(-MAX_OUTPUT_CHARS) : text;
}

/** Whether the repository configures coverage.py's `[run]` itself (then its source/omit win). */
export async function hasCoverageConfig(dir: string): Promise<boolean> {
  const read = (name: string) => readTextInside(dir, path.join(dir, name)).catch(() => undefined);
  if ((await read('.coveragerc')) !== undefined) return true;
  const sections = [await read('setup.cfg'), await read('tox.ini')];
  if (sections.some((text) => text?.includes('[coverage:run]'))) return true;
  return (await read('pyproject.toml'))?.includes('[tool.coverage.run]') ?? false;
}

/** The command's coverage target; a non-Python command is refused unless JavaScript has its own toolchain. */
function resolveTarget(config: Config, ctx: GateContext): CoverageTarget {
  const command = config.coverage.command ?? DEFAULT_PYTHON_TEST_COMMAND;
  const target = coverageTarget(command) ?? (config.language === 'both' ? coverageTarget() : undefined);
  if (target === undefined) {
    throw new ToolError(
      `coverage.command \`${command}\` is not a Python command coverage.py can run: use \`pytest …\`, \`python -m MODULE …\`, \`python SCRIPT …\` or \`coverage run …\`.`,
      { reason: 'config' },
    );
  }
  if (config.coverage.command !== undefined && coverageTarget(command) === undefined) {
    ctx.log?.info({ command }, 'coverage.command is not a Python command: the Python tests run with pytest');
  }
  return target;
}

/** Throws a `missing` ToolError naming the Debian package when the interpreter reports that coverage or pytest is not importable. */
export function assertModulesPresent(output: string): void {
  const missing = /No module named '?(coverage|pytest)\b/.exec(output)?.[1];
  if (missing !== undefined) {
    throw new ToolError(
      `${missing} is not installed on the machine running the gates: install it with \`apt-get install -y python3-${missing}\`.`,
      { reason: 'missing', output },
    );
  }
}

async function testCounts(target: CoverageTarget, dir: string, junitFile: string, output: string): Promise<TestCounts> {
  const xml = target.pytest ? await readTextInside(dir, junitFile).catch(() => undefined) : undefined;
  if (xml === undefined) return parseSummary(output);
  const counts = parseJUnit(xml);
  const ids = parseFailedIds(output);
  return ids.length > 0 ? { ...counts, failedTests: ids } : counts;
}

/** The statement lines the report script listed; none when it could not (every executed line then counts). */
async function readStatements(dir: string, file: string): Promise<StatementLines> {
  const text = await readTextInside(dir, file).catch(() => undefined);
  if (text === undefined) return {};
  try {
    return JSON.parse(text) as StatementLines;
  } catch {
    return {};
  }
}

/** Exit code of the probe below when pytest-cov is not importable. */
const NOT_INSTALLED_EXIT = 3;

/**
 * Whether pytest-cov is importable in the environment the tests run in. A project that keeps
 * `--cov=…` in its pytest `addopts` would have pytest-cov start a second coverage measurement inside
 * ours, which takes the tracer from it: every file then reads 0 %. `--no-cov` keeps the plugin (its
 * options still parse) and turns its measuring off; without the plugin that flag would be an error.
 */
async function hasPytestCov(ctx: GateContext, venv: { python: string; env: Record<string, string> }): Promise<boolean> {
  const probe = `import importlib.util, sys; sys.exit(0 if importlib.util.find_spec("pytest_cov") else ${String(NOT_INSTALLED_EXIT)})`;
  const result = await runTool(ctx, [venv.python, '-c', probe], { env: venv.env, what: 'The pytest-cov check' });
  return result.exitCode === 0;
}

/** The coverage.py + pytest toolchain. */
export function createCoveragePyToolchain(): Toolchain<'coverage'> {
  return {
    id: 'coverage.py',
    gate: 'coverage',
    language: 'python',
    install: pythonInstall,
    detect: (dir: string, config: Config) => isPythonRepo(dir, config),
    async measure(ctx: GateContext): Promise<CoverageMeasurement> {
      const target = resolveTarget(ctx.config, ctx);
      await requireProgram(SYSTEM_PYTHON, 'python3', 'python3 python3-venv');
      const venv = await preparePythonEnvironment(ctx).catch((error: unknown) => {
        if (error instanceof PythonInstallError) throw new ToolError(error.message, { reason: 'install', output: error.output, cause: error });
        throw error;
      });
      const work = await writableReportDir(ctx.dir);
      const dataFile = path.join(work, 'coverage.data');
      const junitFile = path.join(work, 'pytest-junit.xml');
      const jsonFile = path.join(work, 'coverage.json');
      const statementsFile = path.join(work, 'coverage-statements.json');
      await Promise.all([dataFile, junitFile, jsonFile, statementsFile].map((file) => rm(file, { force: true })));

      const ownConfig = await hasCoverageConfig(ctx.dir);
      const userSource = target.coverageOptions.some((option) => option.startsWith('--source'));
      const defaults = ownConfig ? [] : [...(userSource ? [] : ['--source=.']), `--omit=${DEFAULT_OMIT.join(',')}`];
      const pytestArgs = target.pytest ? [`--junitxml=${junitFile}`, '-rfE', ...((await hasPytestCov(ctx, venv)) ? ['--no-cov'] : [])] : [];
      const argv = [venv.python, '-m', 'coverage', 'run', `--data-file=${dataFile}`, ...defaults, ...target.coverageOptions, ...target.target, ...pytestArgs];
      const result = await runTool(ctx, argv, { env: venv.env, what: 'The Python tests' });
      const output = tail(combinedOutput(result));
      assertModulesPresent(output);
      const counts = await testCounts(target, ctx.dir, junitFile, output);
      const noTests = target.pytest && result.exitCode === PYTEST_NO_TESTS_EXIT;
      if (result.exitCode !== 0 && counts.failed === 0 && !noTests) {
        throw new ToolError(
          `The Python tests failed to run (exit code ${String(result.exitCode)}) without a failing test: see the output for the error.`,
          { reason: 'crash', output },
        );
      }

      const report = await runTool(ctx, [venv.python, '-c', STATEMENTS_SCRIPT, dataFile, jsonFile, statementsFile], {
        env: venv.env,
        what: 'coverage json',
      });
      const json = await readTextInside(ctx.dir, jsonFile).catch(() => undefined);
      if (json === undefined && counts.failed === 0 && !/No data to report/.test(combinedOutput(report))) {
        throw new ToolError('coverage.py could not write its JSON report: see the output.', { reason: 'crash', output: combinedOutput(report) });
      }
      return {
        testsPassed: counts.passed,
        testsFailed: counts.failed,
        failedTests: counts.failedTests,
        files: json === undefined ? [] : parseCoverageJson(json, ctx.dir, await readStatements(ctx.dir, statementsFile)),
        output,
      };
    },
  };
}

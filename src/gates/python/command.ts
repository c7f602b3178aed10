/**
 * How `coverage.command` becomes a coverage.py run. coverage.py must start the interpreter itself, so
 * only Python commands can be measured: `pytest …` / `py.test …`, `python -m MODULE …`,
 * `python SCRIPT …` (also `python3`) and `coverage run …` (with its own options kept). Anything else
 * (`make test`, `tox`) cannot be wrapped and is refused with an explanation. Words are split on
 * whitespace: no shell syntax.
 * @module
 */

/** The test command used when `coverage.command` is not set. */
export const DEFAULT_PYTHON_TEST_COMMAND = 'pytest';

/** What follows `coverage run` for a command. */
export interface CoverageTarget {
  /** coverage.py's own options the user gave (`--branch`, `--source=pkg`). */
  coverageOptions: string[];
  /** `['-m', 'pytest', …]` or `['script.py', …]`. */
  target: string[];
  /** Whether the runner is pytest (then a JUnit report is requested). */
  pytest: boolean;
}

const PYTHONS = new Set(['python', 'python3']);

function fromPythonArgs(args: string[], coverageOptions: string[]): CoverageTarget | undefined {
  const [first, second] = args;
  if (first === undefined) return undefined;
  if (first === '-m') {
    if (second === undefined) return undefined;
    if (second === 'coverage' && args[2] === 'run') return fromCoverageRun(args.slice(3));
    return { coverageOptions, target: args, pytest: second === 'pytest' };
  }
  if (first.startsWith('-')) return undefined;
  return { coverageOptions, target: args, pytest: false };
}

function fromCoverageRun(args: string[]): CoverageTarget | undefined {
  const firstTarget = args.findIndex((arg) => !arg.startsWith('-') || arg === '-m');
  if (firstTarget < 0) return undefined;
  const options = args.slice(0, firstTarget).filter((arg) => !arg.startsWith('--data-file'));
  return fromPythonArgs(args.slice(firstTarget), options);
}

/** Turns a test command into what follows `coverage run`, or undefined when it is not a Python command. */
export function coverageTarget(command: string = DEFAULT_PYTHON_TEST_COMMAND): CoverageTarget | undefined {
  const words = command.trim().split(/\s+/).filter((word) => word.length > 0);
  const [program, ...rest] = words;
  if (program === undefined) return undefined;
  if (program === 'pytest' || program === 'py.test') {
    return { coverageOptions: [], target: ['-m', 'pytest', ...rest], pytest: true };
  }
  if (program === 'coverage' && rest[0] === 'run') return fromCoverageRun(rest.slice(1));
  if (PYTHONS.has(program)) return fromPythonArgs(rest, []);
  return undefined;
}

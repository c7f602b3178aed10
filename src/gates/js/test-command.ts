/**
 * The JS test command and the choice between the two coverage toolchains: Jest's own V8 coverage when
 * the repository tests with Jest, c8 around the command otherwise.
 * @module
 */
import type { Config } from '../../config/schema.js';
import { hasDependency, readPackageJson } from './package.js';
import { stripAnsi } from '../ansi.js';

/** The test command run when `coverage.command` is not set. */
export const DEFAULT_JS_TEST_COMMAND = 'npm test';

/** Characters of test output kept in a measurement (the end of a run holds the failures and the summary). */
export const OUTPUT_TAIL_CHARS = 8000;

/** Environment of every test run: npm must not look for updates (there is no network), and no colours. */
export const TEST_ENV: Record<string, string> = {
  NPM_CONFIG_UPDATE_NOTIFIER: 'false',
  NPM_CONFIG_FUND: 'false',
  NODE_ENV: 'test',
};

/** The configured test command, or `npm test`. */
export function testCommand(config: Config): string {
  return config.coverage.command ?? DEFAULT_JS_TEST_COMMAND;
}

/**
 * The command for `sh -c`, with the repository's `node_modules/.bin` first on PATH, as npm puts it for
 * scripts: `coverage.command: jest --ci`, or `pnpm test` with the launcher the install phase put
 * there, finds the repository's own programs.
 */
export function withLocalBin(command: string): string {
  return `PATH="$PWD/node_modules/.bin:$PATH"; ${command}`;
}

/** Quotes one word for `sh -c`. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The last {@link OUTPUT_TAIL_CHARS} characters of a run's output, without terminal colours (some
 * reporters colour even into a pipe, and a check run shows the escape codes as text).
 */
export function outputTail(output: string): string {
  const plain = stripAnsi(output);
  return plain.length <= OUTPUT_TAIL_CHARS ? plain : `…${plain.slice(-OUTPUT_TAIL_CHARS)}`;
}

/** What npm and Node print when a name does not resolve or a connection is refused. */
const NETWORK_FAILURE = /\b(?:EAI_AGAIN|ENOTFOUND|ENETUNREACH|ECONNREFUSED|getaddrinfo)\b/;

/**
 * The failure to list when every test passed but the command did not: with the reason when the output
 * shows a step that wanted the network, which tests never get (`posttest: npm audit`, a download).
 */
export function commandFailure(exitCode: number | null, output: string): string {
  const base = `the test command exited with code ${String(exitCode)} after the tests`;
  return NETWORK_FAILURE.test(output)
    ? `${base}: a step of it needed the network, which tests do not get (a posttest \`npm audit\`, a download); set coverage.command to run the tests alone`
    : base;
}

/** Whether a test command is npm's own `test` script (`npm test`, `npm t`, `npm run test`). */
export function isNpmTest(command: string): boolean {
  return /^\s*npm\s+(?:test|t|run\s+test|run-script\s+test)\s*$/.test(command);
}

/** Environment assignments, `cross-env` and `npx` in front of a runner: `NODE_OPTIONS=… npx jest`. */
const RUNNER_PREFIX = String.raw`(?:[A-Za-z_][A-Za-z0-9_]*=\S*\s+)*(?:cross-env\s+(?:[A-Za-z_][A-Za-z0-9_]*=\S*\s+)*)?(?:npx\s+)?`;

/** A `test` script that is a single Jest invocation, optionally after environment assignments (`NODE_OPTIONS=… jest`). */
export function isPlainJestScript(script: string): boolean {
  return new RegExp(`^\\s*${RUNNER_PREFIX}jest(?:\\s|$)`).test(script) && !/[;&|`]|\$\(/.test(script);
}

/**
 * The one step of a chained `test` script that runs `runner`, with its own arguments and environment:
 * `jest --config test/jest.config.js` out of `yarn lint && jest --config test/jest.config.js`. The
 * other steps (lint, type checks, a size check, a package manager the sandbox may not have) are not
 * the tests. Undefined when no step, or more than one, runs it, or the script is too clever to split
 * safely (a pipe, a substitution, a separator inside quotes).
 */
export function runnerStep(script: string, runner: string): string | undefined {
  const quoted = /"[^"]*"|'[^']*'/g;
  if ((script.match(quoted) ?? []).some((text) => /[;&|]/.test(text))) return undefined;
  // Left after the quoted words and the `&&`/`||` between steps: a pipe, a background `&`, a stray
  // quote, a backslash or a substitution make the script too clever to split.
  if (/["'`\\|&]|\$\(/.test(script.replace(quoted, '').replace(/&&|\|\|/g, ' '))) return undefined;
  const invokes = new RegExp(`^${RUNNER_PREFIX}${runner}(?:\\s|$)`);
  const steps = script.split(/&&|\|\||;/).map((step) => step.trim()).filter((step) => invokes.test(step));
  return steps.length === 1 ? steps[0] : undefined;
}

/**
 * Whether the coverage gate should use Jest's own coverage: Jest is a dependency, and the test command
 * (or the `test` script it runs) invokes Jest.
 */
export function usesJest(dir: string, config: Config): Promise<boolean> {
  return usesTestRunner(dir, config, 'jest');
}

/**
 * Whether `runner` (an npm package whose command has the same name) is a dependency and the test
 * command, or the `test` script it runs, invokes it.
 */
export async function usesTestRunner(dir: string, config: Config, runner: string): Promise<boolean> {
  const pkg = await readPackageJson(dir);
  if (!hasDependency(pkg, runner)) return false;
  const command = testCommand(config);
  const script = isNpmTest(command) ? (pkg?.scripts?.test ?? '') : command;
  return new RegExp(`\\b${runner}\\b`).test(script);
}

/**
 * Argument parsing of `quality-gates run`, kept apart from running so that every usage error is a
 * plain value a test can assert on.
 * @module
 */
import { parseArgs } from 'node:util';
import { GATE_NAMES, type GateName } from '../gates/types.js';

/** Output formats of `run`. */
export type OutputFormat = 'text' | 'json';

/** What `quality-gates run` was asked to do. */
export interface RunOptions {
  /** The checkout to check (default: the current directory). */
  dir: string;
  /** A config file to use instead of the checkout's `.github/quality-gates.yml`. */
  configFile?: string;
  /** A git ref to diff against: patch coverage and `lint.scope: changed` then apply. */
  base?: string;
  /** Text for people, JSON (an array of GateResult) for programs. */
  format: OutputFormat;
  /** Gates to run (default: all enabled ones). */
  gates?: GateName[];
  /** Progress lines on stderr. */
  verbose: boolean;
}

/** A command line that cannot be run; the CLI prints it with the usage and exits 2. */
export class UsageError extends Error {
  /** @param message What is wrong with the command line. */
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The help text of the command. */
export const USAGE = `Usage:
  quality-gates run [DIR] [--config FILE] [--base REF] [--format text|json] [--only GATE[,GATE]] [--verbose]
  quality-gates serve            run the GitHub App (webhooks, and workers unless QG_WORKERS=0)
  quality-gates worker           run job workers only (distributed mode, needs QG_REDIS_URL)
  quality-gates deploy-agent     run the deploy agent on the server that runs the site
  quality-gates --version | --help

run exits 0 when every gate passes, 1 when a gate fails, 2 for a usage or configuration error.`;

/** Parses the arguments that follow `run`. */
export function parseRunArgs(argv: string[], cwd: string): RunOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        config: { type: 'string', short: 'c' },
        base: { type: 'string', short: 'b' },
        format: { type: 'string', short: 'f', default: 'text' },
        only: { type: 'string' },
        verbose: { type: 'boolean', short: 'v', default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (positionals.length > 1) throw new UsageError(`expected at most one directory, got: ${positionals.join(' ')}`);
  const format = values.format;
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, not "${format}"`);
  let gates: GateName[] | undefined;
  if (values.only !== undefined) {
    gates = values.only.split(',').map((name) => {
      const gate = name.trim();
      if (!(GATE_NAMES as readonly string[]).includes(gate)) {
        throw new UsageError(`--only: unknown gate "${gate}" (gates: ${GATE_NAMES.join(', ')})`);
      }
      return gate as GateName;
    });
  }
  return {
    dir: positionals[0] ?? cwd,
    configFile: values.config,
    base: values.base,
    format,
    gates,
    verbose: values.verbose,
  };
}

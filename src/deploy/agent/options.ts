/**
 * The deploy agent's settings, and how `quality-gates deploy-agent` reads them from its environment.
 * @module
 */
import type { Logger } from '../../gates/types.js';
import type { RetryOptions } from '../retry.js';
import { DEFAULT_MAX_SKEW_SECONDS } from '../signature.js';
import { repositoryPatternProblem, splitOutsideBraces } from '../repositories.js';

/** Port the agent listens on when `QG_AGENT_PORT` is unset. */
export const DEFAULT_AGENT_PORT = 8787;

/**
 * Address the agent binds when `QG_AGENT_HOST` is unset: loopback, behind the server's TLS reverse
 * proxy. In a container set `0.0.0.0` and publish the port on the host's loopback only.
 */
export const DEFAULT_AGENT_HOST = '127.0.0.1';

/** Longest a deploy command may run (30 minutes: image pulls on a slow link), then it is killed. */
export const DEFAULT_COMMAND_TIMEOUT_SECONDS = 1800;

/** Shortest secret accepted: 32 characters, what `openssl rand -hex 16` prints. */
export const MIN_SECRET_LENGTH = 32;

/** Settings of `startDeployAgent`. */
export interface DeployAgentOptions {
  /** TCP port (0: any free port). */
  port: number;
  /** Address to bind. */
  host: string;
  /** Shared HMAC secret: the app's `deploy.webhook.secret_env` value. */
  secret: string;
  /** Shell command run for each deployment (`docker compose pull && docker compose up -d`). */
  command: string;
  /**
   * The repositories this agent deploys (`owner/name`, globs allowed): a signed request for any other
   * is refused with 403, so that a shared secret alone cannot deploy another repository's code here.
   */
  repositories: readonly string[];
  /** Secret that signs the reports to the app (default: {@link secret}). */
  callbackSecret?: string;
  /** Largest clock difference accepted (default 300 s). */
  maxSkewSeconds?: number;
  /** Structured log. */
  log: Logger;
  /** JSON file that keeps accepted delivery ids across restarts. */
  stateFile?: string;
  /** Working directory of the command (default: the agent's). */
  cwd?: string;
  /** Limit of one command run, in seconds (default 1800). */
  commandTimeoutSeconds?: number;
  /** Environment the command inherits (default: the agent's, minus its secrets). */
  env?: NodeJS.ProcessEnv;
  /** Retries of the report to the app. */
  callbackRetry?: Partial<RetryOptions>;
}

/** Writes one JSON line per event to `stream` (the agent runs without pino). */
export function jsonLogger(stream: NodeJS.WritableStream): Logger {
  const write = (level: string) => (obj: object, msg?: string) => {
    stream.write(`${JSON.stringify({ time: new Date().toISOString(), level, msg, ...obj })}\n`);
  };
  return { info: write('info'), warn: write('warn'), debug: () => undefined };
}

/** Reads the agent's settings from `QG_AGENT_*` variables; throws a message naming what to set. */
export function deployAgentOptionsFromEnv(env: NodeJS.ProcessEnv, log: Logger = jsonLogger(process.stderr)): DeployAgentOptions {
  const secret = env.QG_AGENT_SECRET?.trim();
  if (!secret) throw new Error('QG_AGENT_SECRET is not set: set it to the value of the app\'s deploy webhook secret (generate one with `openssl rand -hex 32`)');
  if (secret.length < MIN_SECRET_LENGTH) throw new Error(`QG_AGENT_SECRET is too short: use at least ${MIN_SECRET_LENGTH} characters (\`openssl rand -hex 32\`)`);
  const command = env.QG_AGENT_COMMAND?.trim();
  if (!command) throw new Error('QG_AGENT_COMMAND is not set: set it to the deploy command, e.g. "docker compose pull && docker compose up -d"');
  const callbackSecret = env.QG_AGENT_CALLBACK_SECRET?.trim();
  return {
    port: integer(env, 'QG_AGENT_PORT', DEFAULT_AGENT_PORT, 0, 65535),
    host: env.QG_AGENT_HOST?.trim() || DEFAULT_AGENT_HOST,
    secret,
    command,
    repositories: repositoriesFromEnv(env),
    ...(callbackSecret ? { callbackSecret } : {}),
    maxSkewSeconds: integer(env, 'QG_AGENT_MAX_SKEW_SECONDS', DEFAULT_MAX_SKEW_SECONDS, 1, 86_400),
    commandTimeoutSeconds: integer(env, 'QG_AGENT_COMMAND_TIMEOUT_SECONDS', DEFAULT_COMMAND_TIMEOUT_SECONDS, 1, 86_400),
    ...(env.QG_AGENT_STATE_FILE?.trim() ? { stateFile: env.QG_AGENT_STATE_FILE.trim() } : {}),
    ...(env.QG_AGENT_CWD?.trim() ? { cwd: env.QG_AGENT_CWD.trim() } : {}),
    log,
  };
}

/** `QG_AGENT_REPOSITORIES`: patterns separated by commas or spaces (`acme/site`, `acme/{api,web}`). */
function repositoriesFromEnv(env: NodeJS.ProcessEnv): string[] {
  const patterns = splitOutsideBraces(env.QG_AGENT_REPOSITORIES ?? '', ', \t\n');
  if (patterns.length === 0) {
    throw new Error('QG_AGENT_REPOSITORIES is not set: set it to the repository this agent deploys (owner/name; several separated by commas, globs such as acme/* allowed)');
  }
  for (const pattern of patterns) {
    const problem = repositoryPatternProblem(pattern);
    if (problem !== undefined) throw new Error(`QG_AGENT_REPOSITORIES: ${problem}`);
  }
  return patterns;
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be a whole number from ${min} to ${max}, not "${raw}"`);
  }
  return value;
}

/**
 * The `quality-gates` command: dispatches to the local run, the app server, the worker and the
 * deploy agent. Each subcommand lives in its own module; this file only routes.
 * @module
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { APP_ROOT } from '../paths.js';
import { parseRunArgs, USAGE, UsageError } from './args.js';
import { EXIT, runCommand, type CliIO } from './run.js';

/** The installed version, from package.json. */
export function version(): string {
  const pkg = JSON.parse(readFileSync(path.join(APP_ROOT, 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

/**
 * Runs one subcommand and resolves with the exit code for short-lived commands, or with `undefined`
 * for long-running services (which keep the process alive).
 */
export async function main(argv: string[], io: CliIO, cwd = process.cwd()): Promise<number | undefined> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'run':
        return await runCommand(parseRunArgs(rest, cwd), io);
      case 'serve': {
        const { startServer } = await import('../app/server.js');
        await startServer(io.env);
        return undefined;
      }
      case 'worker': {
        const { startWorker } = await import('../app/worker-process.js');
        await startWorker(io.env);
        return undefined;
      }
      case 'deploy-agent': {
        const { startDeployAgent, deployAgentOptionsFromEnv } = await import('../deploy/agent/index.js');
        const agent = await startDeployAgent(deployAgentOptionsFromEnv(io.env));
        // Let a running deploy command finish before the process exits on `docker stop` / systemd stop.
        process.once('SIGTERM', () => void agent.close());
        process.once('SIGINT', () => void agent.close());
        return undefined;
      }
      case '--version':
      case '-V':
        io.stdout(`${version()}\n`);
        return EXIT.passed;
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.stdout(`${USAGE}\n`);
        return command === undefined ? EXIT.usage : EXIT.passed;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`quality-gates: ${error.message}\n\n${USAGE}\n`);
      return EXIT.usage;
    }
    throw error;
  }
}

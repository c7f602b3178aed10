/**
 * `quality-gates worker`: workers with no HTTP server, for the distributed setup (BullMQ on Redis):
 * as many processes on as many machines as needed. Probot is used only to authenticate as the app.
 * @module
 */
import { createProbot } from 'probot';
import type { Octokit } from '../github/types.js';
import { createRuntime } from './runtime.js';
import { AppOctokit } from '../github/octokit.js';
import { closeOnSignals } from './signals.js';
import { createLogger } from './logger.js';

/** A running worker process. */
export interface RunningWorker {
  /** Stops the workers (their jobs are given back) and closes the store. */
  close(): Promise<void>;
}

/**
 * Starts `QG_CONCURRENCY` workers on the configured queue.
 * @param env The environment (default `process.env`).
 */
export async function startWorker(env: NodeJS.ProcessEnv = process.env): Promise<RunningWorker> {
  if (!env.APP_ID || !(env.PRIVATE_KEY ?? env.PRIVATE_KEY_PATH)) {
    throw new Error('The worker needs the app credentials: set APP_ID and PRIVATE_KEY (or PRIVATE_KEY_PATH) as for `quality-gates serve`');
  }
  const probot = createProbot({ env, overrides: { Octokit: AppOctokit, log: await createLogger(env) } });
  // Probot builds its logger asynchronously: `probot.log` is null until it is ready.
  await probot.ready();
  const runtime = await createRuntime({ env, log: probot.log, auth: async (id) => (await probot.auth(id)) as unknown as Octokit });
  runtime.startWorkers();
  probot.log.info({ store: runtime.queued.backend }, 'quality-gates worker started');
  const running = { close: () => runtime.close() };
  if (env === process.env) closeOnSignals(running.close, probot.log);
  return running;
}

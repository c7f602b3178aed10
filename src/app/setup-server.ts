/**
 * The first run without credentials: Probot's setup page (it registers the GitHub App from `app.yml`
 * and writes `.env`) plus `/healthz`, answering 200 with `"setup": true`, so that a container's
 * HEALTHCHECK does not mark the first run unhealthy (and an orchestrator restart it) while the operator
 * registers the app. Probot's `run()` takes no extra route in setup mode, so this assembles the same
 * server from Probot's parts, with the health route in front.
 * @module
 */
import { createRequire } from 'node:module';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pathToFileURL } from 'node:url';
import { createProbot, Probot, Server } from 'probot';
import type { Logger } from '../gates/types.js';
import { HEALTH_PATH } from './routes.js';
import { createLogger } from './logger.js';

/** What `/healthz` answers in setup mode. */
export interface SetupHealthReport {
  /** Always `ok`: waiting for the operator is not a fault. */
  status: 'ok';
  /** Marks setup mode. */
  setup: true;
  /** What the operator has to do. */
  message: string;
}

/** The report `/healthz` gives in setup mode. */
export const SETUP_HEALTH: Readonly<SetupHealthReport> = Object.freeze({
  status: 'ok',
  setup: true,
  message: 'setup mode: no APP_ID/PRIVATE_KEY yet. Open this server\'s / to register the GitHub App, then restart with APP_ID, PRIVATE_KEY and WEBHOOK_SECRET set',
});

/** Probot's setup app factory (`probot/lib/apps/setup.js`), as much of its signature as is used here. */
type SetupAppFactory = (options: { host: string; port: number; log: Logger }) => (probot: Probot) => Promise<(req: IncomingMessage, res: ServerResponse) => Promise<boolean>>;

/**
 * Probot's setup app, which its package does not export (only `run()` uses it). The version is pinned
 * by package-lock.json, and test/app/server.test.ts serves its page.
 */
async function setupAppFactory(): Promise<SetupAppFactory> {
  const entry = createRequire(import.meta.url).resolve('probot');
  const module = (await import(new URL('./apps/setup.js', pathToFileURL(entry)).href)) as { setupAppFactory: SetupAppFactory };
  return module.setupAppFactory;
}

/** Answers `/healthz` (GET and HEAD) with {@link SETUP_HEALTH}; leaves every other request to the next handler. */
export function setupHealthHandler(req: IncomingMessage, res: ServerResponse): boolean {
  const pathname = (req.url ?? '/').split('?', 1)[0];
  if (pathname !== HEALTH_PATH || (req.method !== 'GET' && req.method !== 'HEAD')) return false;
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(SETUP_HEALTH));
  return true;
}

/** Placeholders Probot's own `run()` uses in setup mode: the Probot instance is never used to authenticate. */
const PLACEHOLDER = { appId: 1, privateKey: 'placeholder for setup mode: no credentials yet' };

/** The running setup server. */
export interface SetupServer {
  /** The port it listens on. */
  port: number;
  /** Stops it. */
  close(): Promise<void>;
}

/** Starts the setup server on `port` (and `HOST`, default localhost as Probot's). */
export async function startSetupServer(env: NodeJS.ProcessEnv, port: number): Promise<SetupServer> {
  const probot = createProbot({ env, overrides: { ...PLACEHOLDER, log: await createLogger(env) } });
  await probot.ready();
  const log = probot.log;
  const server = new Server({
    port,
    ...(env.HOST ? { host: env.HOST } : {}),
    ...(env.WEBHOOK_PATH ? { webhookPath: env.WEBHOOK_PATH } : {}),
    log,
    Probot: Probot.defaults({ ...PLACEHOLDER, log }),
  });
  server.addHandler(setupHealthHandler);
  const factory = await setupAppFactory();
  await server.loadHandlerFactory(factory({ host: server.host, port: server.port, log }));
  await server.start();
  return { port: server.port, close: () => server.stop() };
}
